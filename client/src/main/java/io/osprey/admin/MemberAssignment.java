package io.osprey.admin;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import io.osprey.common.TopicPartition;

/** The partitions assigned to one member of a consumer group. Immutable. */
public final class MemberAssignment
{
    private final Set<TopicPartition> topicPartitions;

    public MemberAssignment(final Set<TopicPartition> topicPartitions)
    {
        this.topicPartitions = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(topicPartitions, "topicPartitions")));
    }

    public Set<TopicPartition> topicPartitions()
    {
        return topicPartitions;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof MemberAssignment other && topicPartitions.equals(other.topicPartitions);
    }

    @Override
    public int hashCode()
    {
        return topicPartitions.hashCode();
    }

    @Override
    public String toString()
    {
        return "(topicPartitions=" + topicPartitions + ")";
    }
}
