package io.osprey.consumer;

import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * A fetch position is outside the partition's log (below its start or above its end) and
 * {@code auto.offset.reset} is {@code none}. Immutable.
 */
public class OffsetOutOfRangeException extends InvalidOffsetException
{
    private static final long serialVersionUID = 1L;

    private final Map<TopicPartition, Long> offsetOutOfRangePartitions;

    public OffsetOutOfRangeException(final String message, final Map<TopicPartition, Long> offsetOutOfRangePartitions)
    {
        super(message);
        this.offsetOutOfRangePartitions = Map.copyOf(offsetOutOfRangePartitions);
    }

    /** Each partition with the fetch position the broker refused. */
    public Map<TopicPartition, Long> offsetOutOfRangePartitions()
    {
        return offsetOutOfRangePartitions;
    }

    @Override
    public Set<TopicPartition> partitions()
    {
        return offsetOutOfRangePartitions.keySet();
    }
}
