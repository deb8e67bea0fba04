package io.osprey.admin;

import java.util.List;

import io.osprey.common.TopicPartition;

/** Options for {@link Admin#listConsumerGroupOffsets}. Not thread-safe; see {@link AbstractOptions}. */
public final class ListConsumerGroupOffsetsOptions extends AbstractOptions<ListConsumerGroupOffsetsOptions>
{
    private List<TopicPartition> topicPartitions;

    /**
     * Only these partitions; each is in the result, with a null value when the group has no
     * offset for it. Null (the default) for every partition the group has an offset for.
     */
    public ListConsumerGroupOffsetsOptions topicPartitions(final List<TopicPartition> topicPartitions)
    {
        this.topicPartitions = topicPartitions == null ? null : List.copyOf(topicPartitions);
        return this;
    }

    /** The partitions asked about, or null for all. */
    public List<TopicPartition> topicPartitions()
    {
        return topicPartitions;
    }

    @Override
    protected ListConsumerGroupOffsetsOptions self()
    {
        return this;
    }
}
