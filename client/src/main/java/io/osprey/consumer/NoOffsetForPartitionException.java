package io.osprey.consumer;

import java.util.Collection;
import java.util.Set;

import io.osprey.common.TopicPartition;

/** Assigned partitions have no position and {@code auto.offset.reset} is {@code none}. Immutable. */
public class NoOffsetForPartitionException extends InvalidOffsetException
{
    private static final long serialVersionUID = 1L;

    private final Set<TopicPartition> partitions;

    public NoOffsetForPartitionException(final Collection<TopicPartition> partitions)
    {
        super("Undefined offset with no reset policy for partitions: " + partitions
            + " (auto.offset.reset=none: seek, seekToBeginning or seekToEnd them first)");
        this.partitions = Set.copyOf(partitions);
    }

    @Override
    public Set<TopicPartition> partitions()
    {
        return partitions;
    }
}
