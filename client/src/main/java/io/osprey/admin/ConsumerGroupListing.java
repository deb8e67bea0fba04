package io.osprey.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * One consumer group as {@link Admin#listConsumerGroups} lists it: its id, its state (when the
 * broker reports states, ListGroups v4+) and its protocol type, empty for a "simple" group that
 * only commits offsets. Immutable.
 */
public final class ConsumerGroupListing
{
    private final String groupId;
    private final Optional<GroupState> groupState;
    private final String protocolType;

    public ConsumerGroupListing(final String groupId, final Optional<GroupState> groupState, final String protocolType)
    {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.groupState = Objects.requireNonNull(groupState, "groupState");
        this.protocolType = Objects.requireNonNull(protocolType, "protocolType");
    }

    public String groupId()
    {
        return groupId;
    }

    /** Empty when the broker answered ListGroups below v4, which carries no state. */
    public Optional<GroupState> groupState()
    {
        return groupState;
    }

    /** "consumer" for a group of subscribing consumers; empty for a simple group (assign() and commits only). */
    public String protocolType()
    {
        return protocolType;
    }

    /** Whether the group only stores offsets: no member has joined it with a protocol (Kafka's definition). */
    public boolean isSimpleConsumerGroup()
    {
        return protocolType.isEmpty();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ConsumerGroupListing other && groupId.equals(other.groupId) && groupState.equals(other.groupState)
            && protocolType.equals(other.protocolType);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(groupId, groupState, protocolType);
    }

    @Override
    public String toString()
    {
        return "(groupId='" + groupId + "', isSimpleConsumerGroup=" + isSimpleConsumerGroup() + ", groupState=" + groupState + ")";
    }
}
