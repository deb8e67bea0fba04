package io.osprey.producer;

import io.osprey.common.TopicPartition;

/**
 * Where a record was written, as Kafka's {@code RecordMetadata}: topic, partition, offset
 * (-1 when unknown: acks=0, or a duplicate the broker no longer had the offset of) and
 * timestamp (the broker's log-append time when the topic uses it, else the record's create
 * time). Immutable.
 */
public final class RecordMetadata
{
    /** The offset and timestamp value meaning "unknown". */
    public static final long UNKNOWN = -1L;

    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final int serializedKeySize;
    private final int serializedValueSize;

    public RecordMetadata(final String topic, final int partition, final long offset, final long timestamp, final int serializedKeySize,
        final int serializedValueSize)
    {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.serializedKeySize = serializedKeySize;
        this.serializedValueSize = serializedValueSize;
    }

    public String topic()
    {
        return topic;
    }

    public int partition()
    {
        return partition;
    }

    public TopicPartition topicPartition()
    {
        return new TopicPartition(topic, partition);
    }

    /** Whether the offset is known ({@code acks} was not 0). */
    public boolean hasOffset()
    {
        return offset != UNKNOWN;
    }

    public long offset()
    {
        return offset;
    }

    public boolean hasTimestamp()
    {
        return timestamp != UNKNOWN;
    }

    public long timestamp()
    {
        return timestamp;
    }

    /** The size of the serialized key, -1 for a null key. */
    public int serializedKeySize()
    {
        return serializedKeySize;
    }

    /** The size of the serialized value, -1 for a null value. */
    public int serializedValueSize()
    {
        return serializedValueSize;
    }

    @Override
    public String toString()
    {
        return topic + "-" + partition + "@" + offset;
    }
}
