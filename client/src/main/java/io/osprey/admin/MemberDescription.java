package io.osprey.admin;

import java.util.Objects;
import java.util.Optional;

/** One member of a consumer group as its coordinator describes it. Immutable. */
public final class MemberDescription
{
    private final String memberId;
    private final Optional<String> groupInstanceId;
    private final String clientId;
    private final String host;
    private final MemberAssignment assignment;

    public MemberDescription(final String memberId, final Optional<String> groupInstanceId, final String clientId, final String host,
        final MemberAssignment assignment)
    {
        this.memberId = Objects.requireNonNull(memberId, "memberId");
        this.groupInstanceId = Objects.requireNonNull(groupInstanceId, "groupInstanceId");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.host = Objects.requireNonNull(host, "host");
        this.assignment = Objects.requireNonNull(assignment, "assignment");
    }

    /** The member id the coordinator gave the consumer (Kafka calls it {@code consumerId()} too). */
    public String consumerId()
    {
        return memberId;
    }

    /** The static membership id ({@code group.instance.id}), if the consumer set one. */
    public Optional<String> groupInstanceId()
    {
        return groupInstanceId;
    }

    public String clientId()
    {
        return clientId;
    }

    /** The address the member connected from, as the broker saw it ("/127.0.0.1"). */
    public String host()
    {
        return host;
    }

    /** The partitions the group's leader assigned to it; empty while the group rebalances. */
    public MemberAssignment assignment()
    {
        return assignment;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof MemberDescription other && memberId.equals(other.memberId) && groupInstanceId.equals(other.groupInstanceId)
            && clientId.equals(other.clientId) && host.equals(other.host) && assignment.equals(other.assignment);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(memberId, groupInstanceId, clientId, host, assignment);
    }

    @Override
    public String toString()
    {
        return "(memberId=" + memberId + ", groupInstanceId=" + groupInstanceId.orElse("null") + ", clientId=" + clientId + ", host=" + host
            + ", assignment=" + assignment + ")";
    }
}
