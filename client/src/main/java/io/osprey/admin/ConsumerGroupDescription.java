package io.osprey.admin;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import io.osprey.client.Node;

/**
 * A consumer group as its coordinator describes it (DescribeGroups), shaped like Kafka's
 * {@code ConsumerGroupDescription}. Immutable.
 */
public final class ConsumerGroupDescription
{
    private final String groupId;
    private final boolean isSimpleConsumerGroup;
    private final List<MemberDescription> members;
    private final String partitionAssignor;
    private final GroupState groupState;
    private final Node coordinator;

    public ConsumerGroupDescription(final String groupId, final boolean isSimpleConsumerGroup, final Collection<MemberDescription> members,
        final String partitionAssignor, final GroupState groupState, final Node coordinator)
    {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.isSimpleConsumerGroup = isSimpleConsumerGroup;
        this.members = List.copyOf(members);
        this.partitionAssignor = Objects.requireNonNull(partitionAssignor, "partitionAssignor");
        this.groupState = Objects.requireNonNull(groupState, "groupState");
        this.coordinator = coordinator;
    }

    public String groupId()
    {
        return groupId;
    }

    /** Whether the group only stores offsets (its protocol type is empty): no member ever joined it with a protocol. */
    public boolean isSimpleConsumerGroup()
    {
        return isSimpleConsumerGroup;
    }

    /** The members, in the coordinator's order. */
    public Collection<MemberDescription> members()
    {
        return members;
    }

    /** The assignor the members agreed on ("range", "cooperative-sticky"); empty when the group is not stable. */
    public String partitionAssignor()
    {
        return partitionAssignor;
    }

    public GroupState groupState()
    {
        return groupState;
    }

    /** The broker that coordinates the group. */
    public Node coordinator()
    {
        return coordinator;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ConsumerGroupDescription other && groupId.equals(other.groupId)
            && isSimpleConsumerGroup == other.isSimpleConsumerGroup && members.equals(other.members)
            && partitionAssignor.equals(other.partitionAssignor) && groupState == other.groupState
            && Objects.equals(coordinator, other.coordinator);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(groupId, isSimpleConsumerGroup, members, partitionAssignor, groupState, coordinator);
    }

    @Override
    public String toString()
    {
        return "(groupId=" + groupId + ", isSimpleConsumerGroup=" + isSimpleConsumerGroup + ", members=" + members + ", partitionAssignor="
            + partitionAssignor + ", groupState=" + groupState + ", coordinator=" + coordinator + ")";
    }
}
