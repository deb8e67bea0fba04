package io.osprey.group;

/**
 * One keyed record for {@code __consumer_offsets}: a key and a value in Kafka's schemas
 * ({@link OffsetsTopicFormat}), or a null value for a tombstone.
 */
public record OffsetsRecord(byte[] key, byte[] value)
{
    public boolean isTombstone()
    {
        return value == null;
    }
}
