package io.osprey.consumer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.osprey.record.Header;

/**
 * One record as {@link Consumer#poll} returns it: where it was (topic, partition, offset), when
 * (timestamp and its type), and what (deserialized key and value, headers, the sizes of the
 * serialized key and value). Shaped like Kafka's {@code ConsumerRecord}.
 * <p>
 * Immutable, so thread-safe as far as the key, value and header values are (header values are
 * byte arrays nobody else holds; do not modify them).
 */
public final class ConsumerRecord<K, V>
{
    /** The timestamp of a record that has none. */
    public static final long NO_TIMESTAMP = -1L;
    /** The serialized size of a null key or value. */
    public static final int NULL_SIZE = -1;

    private static final int NO_LEADER_EPOCH = -1;

    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final TimestampType timestampType;
    private final int serializedKeySize;
    private final int serializedValueSize;
    private final K key;
    private final V value;
    private final List<Header> headers;
    private final int leaderEpoch;

    /**
     * @param headers     copied into an unmodifiable list
     * @param leaderEpoch the leader epoch of the batch the record came in, -1 when unknown
     */
    public ConsumerRecord(final String topic, final int partition, final long offset, final long timestamp,
        final TimestampType timestampType, final int serializedKeySize, final int serializedValueSize, final K key, final V value,
        final List<Header> headers, final int leaderEpoch)
    {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.timestampType = Objects.requireNonNull(timestampType, "timestampType");
        this.serializedKeySize = serializedKeySize;
        this.serializedValueSize = serializedValueSize;
        this.key = key;
        this.value = value;
        this.headers = List.copyOf(headers);
        this.leaderEpoch = leaderEpoch;
    }

    /** A record without timestamp, sizes, headers or leader epoch: for tests and hand-made records. */
    public ConsumerRecord(final String topic, final int partition, final long offset, final K key, final V value)
    {
        this(topic, partition, offset, NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE, NULL_SIZE, NULL_SIZE, key, value, List.of(),
            NO_LEADER_EPOCH);
    }

    public String topic()
    {
        return topic;
    }

    public int partition()
    {
        return partition;
    }

    public long offset()
    {
        return offset;
    }

    /** Milliseconds since the epoch; what it means is {@link #timestampType()}. */
    public long timestamp()
    {
        return timestamp;
    }

    public TimestampType timestampType()
    {
        return timestampType;
    }

    /** The key's size in bytes before deserialization, {@link #NULL_SIZE} for a null key. */
    public int serializedKeySize()
    {
        return serializedKeySize;
    }

    /** The value's size in bytes before deserialization, {@link #NULL_SIZE} for a null value. */
    public int serializedValueSize()
    {
        return serializedValueSize;
    }

    public K key()
    {
        return key;
    }

    public V value()
    {
        return value;
    }

    /** The headers in the order the producer added them; empty when there are none. */
    public List<Header> headers()
    {
        return headers;
    }

    /** The last header with this key, or null: Kafka's {@code headers().lastHeader(key)}. */
    public Header lastHeader(final String headerKey)
    {
        for (int i = headers.size() - 1; i >= 0; i--)
        {
            if (headers.get(i).key().equals(headerKey))
            {
                return headers.get(i);
            }
        }
        return null;
    }

    /** The leader epoch of the batch the record came in, empty when unknown. */
    public Optional<Integer> leaderEpoch()
    {
        return leaderEpoch < 0 ? Optional.empty() : Optional.of(leaderEpoch);
    }

    @Override
    public String toString()
    {
        return "ConsumerRecord(topic = " + topic + ", partition = " + partition + ", leaderEpoch = "
            + (leaderEpoch < 0 ? "null" : leaderEpoch) + ", offset = " + offset + ", " + timestampType + " = " + timestamp
            + ", serialized key size = " + serializedKeySize + ", serialized value size = " + serializedValueSize
            + ", headers = " + headers + ", key = " + key + ", value = " + value + ")";
    }
}
