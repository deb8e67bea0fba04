package io.osprey.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;

/**
 * The state of one classic group: its state and generation, the selected protocol, the leader,
 * the members (in join order), static members by instance id, members told to rejoin with a
 * member id (MEMBER_ID_REQUIRED) and members expected to sync, plus the group's committed offsets.
 * <p>
 * Data and small queries only; the protocol's rules live in {@link GroupCoordinator}.
 * Not thread-safe: owned by the group coordinator thread.
 */
final class ClassicGroup
{
    final String groupId;
    /** The __consumer_offsets partition that stores this group. */
    final int partition;
    GroupState state = GroupState.EMPTY;
    long stateTimestampMs;
    int generationId;
    /** The protocol type of the members ("consumer"), or null for a group that only stores offsets. */
    String protocolType;
    String protocolName;
    String leaderId;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    final Map<String, String> staticMembers = new HashMap<>();
    final Set<String> pendingJoinMembers = new LinkedHashSet<>();
    final Set<String> pendingSyncMembers = new LinkedHashSet<>();
    /** In the initial-delay phase of a new group's first rebalance ({@code group.initial.rebalance.delay.ms}). */
    boolean initialDelayActive;
    boolean newMemberAdded;
    long initialDelayRemainingMs;
    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /** Offset commits appended but not yet confirmed: the group must not be dropped under them. */
    int pendingCommits;
    /** The partitions of those commits, with how many commits each: their offsets must not expire under them. */
    final Map<TopicPartition, Integer> pendingCommitPartitions = new HashMap<>();

    ClassicGroup(final String groupId, final int partition, final long nowMs)
    {
        this.groupId = groupId;
        this.partition = partition;
        this.stateTimestampMs = nowMs;
    }

    boolean is(final GroupState s)
    {
        return state == s;
    }

    void transitionTo(final GroupState next, final long nowMs)
    {
        if (!state.canTransitionTo(next))
        {
            throw new IllegalStateException("Group " + groupId + " (generation " + generationId + ") cannot go from " +
                state.kafkaName() + " to " + next.kafkaName());
        }
        state = next;
        stateTimestampMs = nowMs;
    }

    boolean isLeader(final String memberId)
    {
        return memberId.equals(leaderId);
    }

    /** Adds a member; the first member of an empty group sets the group's protocol type. */
    void add(final GroupMember member, final String memberProtocolType)
    {
        if (members.isEmpty())
        {
            protocolType = memberProtocolType;
        }
        members.put(member.memberId, member);
        if (member.groupInstanceId != null)
        {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null)
        {
            leaderId = member.memberId;
        }
    }

    /** Removes a member; a removed leader is replaced by the first remaining member. */
    GroupMember remove(final String memberId)
    {
        final GroupMember m = members.remove(memberId);
        if (m == null)
        {
            return null;
        }
        if (m.groupInstanceId != null && memberId.equals(staticMembers.get(m.groupInstanceId)))
        {
            staticMembers.remove(m.groupInstanceId);
        }
        pendingSyncMembers.remove(memberId);
        if (memberId.equals(leaderId))
        {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return m;
    }

    /** Gives a static member a new member id, keeping its place, leadership and assignment. */
    void replaceMemberId(final GroupMember member, final String newMemberId)
    {
        final String old = member.memberId;
        final LinkedHashMap<String, GroupMember> copy = new LinkedHashMap<>(members);
        members.clear();
        for (final Map.Entry<String, GroupMember> e : copy.entrySet())
        {
            members.put(e.getKey().equals(old) ? newMemberId : e.getKey(), e.getValue());
        }
        member.memberId = newMemberId;
        staticMembers.put(member.groupInstanceId, newMemberId);
        if (old.equals(leaderId))
        {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(old))
        {
            pendingSyncMembers.add(newMemberId);
        }
    }

    /** A request names an instance id that now belongs to another member id. */
    boolean isStaticMemberFenced(final String groupInstanceId, final String memberId)
    {
        if (groupInstanceId == null)
        {
            return false;
        }
        final String current = staticMembers.get(groupInstanceId);
        return current != null && !current.equals(memberId);
    }

    int numAwaitingJoin()
    {
        int n = 0;
        for (final GroupMember m : members.values())
        {
            if (m.isAwaitingJoin())
            {
                n++;
            }
        }
        return n;
    }

    boolean hasAllMembersJoined()
    {
        return members.size() == numAwaitingJoin() && pendingJoinMembers.isEmpty();
    }

    /** The longest rebalance timeout of the members: how long a rebalance may take. */
    int rebalanceTimeoutMs()
    {
        int max = 0;
        for (final GroupMember m : members.values())
        {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /**
     * Whether a member with these protocols may join: any non-empty set for an empty group,
     * otherwise the group's protocol type and at least one protocol every member supports.
     */
    boolean supportsProtocols(final String memberProtocolType, final List<JoinGroupRequest.Protocol> memberProtocols)
    {
        if (memberProtocolType == null || memberProtocolType.isEmpty() || memberProtocols.isEmpty())
        {
            return false;
        }
        if (members.isEmpty())
        {
            return true;
        }
        if (!memberProtocolType.equals(protocolType))
        {
            return false;
        }
        for (final JoinGroupRequest.Protocol p : memberProtocols)
        {
            if (supportedByAll(p.name()))
            {
                return true;
            }
        }
        return false;
    }

    private boolean supportedByAll(final String protocol)
    {
        for (final GroupMember m : members.values())
        {
            if (!m.supports(protocol))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Kafka's vote: among the protocols every member supports, each member votes for the first
     * of its own list; the most votes win, ties going to the candidate listed first by the
     * leader.
     */
    String selectProtocol()
    {
        final List<String> candidates = new ArrayList<>();
        final GroupMember leader = leaderId == null ? members.values().iterator().next() : members.get(leaderId);
        for (final JoinGroupRequest.Protocol p : leader.protocols)
        {
            if (supportedByAll(p.name()))
            {
                candidates.add(p.name());
            }
        }
        if (candidates.isEmpty())
        {
            throw new IllegalStateException("Group " + groupId + " has no protocol that all " + members.size() +
                " members support");
        }
        final Map<String, Integer> votes = new HashMap<>();
        for (final GroupMember m : members.values())
        {
            for (final JoinGroupRequest.Protocol p : m.protocols)
            {
                if (candidates.contains(p.name()))
                {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = candidates.get(0);
        for (final String c : candidates)
        {
            if (votes.getOrDefault(c, 0) > votes.getOrDefault(best, 0))
            {
                best = c;
            }
        }
        return best;
    }

    /** If the leader has not rejoined, makes a member that has the leader; false when none has rejoined. */
    boolean maybeElectNewJoinedLeader()
    {
        if (leaderId != null && members.containsKey(leaderId) && members.get(leaderId).isAwaitingJoin())
        {
            return true;
        }
        for (final GroupMember m : members.values())
        {
            if (m.isAwaitingJoin())
            {
                leaderId = m.memberId;
                return true;
            }
        }
        return false;
    }

    /** Every member with its metadata for the selected protocol: what the leader assigns from. */
    List<JoinGroupResponse.Member> memberMetadata()
    {
        final List<JoinGroupResponse.Member> out = new ArrayList<>(members.size());
        for (final GroupMember m : members.values())
        {
            out.add(new JoinGroupResponse.Member(m.memberId, m.groupInstanceId, m.metadata(protocolName)));
        }
        return out;
    }

    @Override
    public String toString()
    {
        return "ClassicGroup{" + groupId + ", " + state.kafkaName() + ", generation " + generationId + ", " + members.size() +
            " members, leader " + leaderId + '}';
    }
}
