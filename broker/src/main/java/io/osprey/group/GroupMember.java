package io.osprey.group;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.SyncGroupResponse;

/**
 * One member of a classic group: identity, timeouts, the protocols it supports with their
 * metadata, its current assignment, and the JoinGroup / SyncGroup requests it is waiting on.
 * <p>
 * Not thread-safe: owned by the group coordinator thread.
 */
final class GroupMember
{
    static final byte[] EMPTY_BYTES = new byte[0];

    String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<JoinGroupRequest.Protocol> protocols;
    byte[] assignment = EMPTY_BYTES;
    /** The pending JoinGroup response, while the member waits for the join phase to end. */
    Consumer<JoinGroupResponse> awaitingJoin;
    /** The pending SyncGroup response, while the member waits for the leader's assignment. */
    Consumer<SyncGroupResponse> awaitingSync;
    /** Joined during the current rebalance and not yet answered: such a member expires after {@link GroupCoordinator#NEW_MEMBER_JOIN_TIMEOUT_MS}. */
    boolean isNew;
    long joinStartedMs;
    /** The session ends at this time unless a heartbeat (or join, sync, commit) moves it. */
    long sessionDeadlineMs;

    GroupMember(final String memberId, final String groupInstanceId, final String clientId, final String clientHost,
        final int rebalanceTimeoutMs, final int sessionTimeoutMs, final List<JoinGroupRequest.Protocol> protocols)
    {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    boolean isStatic()
    {
        return groupInstanceId != null;
    }

    boolean isAwaitingJoin()
    {
        return awaitingJoin != null;
    }

    /** The member's metadata for {@code protocol}, or empty bytes when it does not support it. */
    byte[] metadata(final String protocol)
    {
        for (final JoinGroupRequest.Protocol p : protocols)
        {
            if (p.name().equals(protocol))
            {
                return p.metadata() == null ? EMPTY_BYTES : p.metadata();
            }
        }
        return EMPTY_BYTES;
    }

    boolean supports(final String protocol)
    {
        for (final JoinGroupRequest.Protocol p : protocols)
        {
            if (p.name().equals(protocol))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether a rejoin carries exactly the protocols (names, order and metadata) the member has. */
    boolean matches(final List<JoinGroupRequest.Protocol> other)
    {
        if (other.size() != protocols.size())
        {
            return false;
        }
        for (int i = 0; i < other.size(); i++)
        {
            if (!other.get(i).name().equals(protocols.get(i).name()) ||
                !Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata()))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return "GroupMember{" + memberId + (groupInstanceId == null ? "" : ", instance=" + groupInstanceId) + '}';
    }
}
