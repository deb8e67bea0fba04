package io.osprey.producer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.osprey.record.Header;

/**
 * A record to send, as Kafka's {@code ProducerRecord}: the topic, an optional partition (else
 * the partitioner picks one from the key), an optional timestamp (else the time of
 * {@code send}), key, value and headers. Immutable once built; the key and value objects are
 * the caller's and should not change until {@code send} returns.
 */
public final class ProducerRecord<K, V>
{
    private static final Header[] NO_HEADERS = new Header[0];

    private final String topic;
    private final Integer partition;
    private final Long timestamp;
    private final K key;
    private final V value;
    private final Header[] headers;

    /**
     * @param partition null to let the partitioner choose
     * @param timestamp null for the time of {@code send}; otherwise at least 0
     * @param headers   null for none
     */
    public ProducerRecord(final String topic, final Integer partition, final Long timestamp, final K key, final V value,
        final Iterable<Header> headers)
    {
        if (topic == null || topic.isEmpty())
        {
            throw new IllegalArgumentException("Topic cannot be null or empty.");
        }
        if (timestamp != null && timestamp < 0)
        {
            throw new IllegalArgumentException(String.format("Invalid timestamp: %d. Timestamp should always be non-negative or null.",
                timestamp));
        }
        if (partition != null && partition < 0)
        {
            throw new IllegalArgumentException(String.format("Invalid partition: %d. Partition number should always be non-negative "
                + "or null.", partition));
        }
        this.topic = topic;
        this.partition = partition;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = toArray(headers);
    }

    public ProducerRecord(final String topic, final Integer partition, final Long timestamp, final K key, final V value)
    {
        this(topic, partition, timestamp, key, value, null);
    }

    public ProducerRecord(final String topic, final Integer partition, final K key, final V value, final Iterable<Header> headers)
    {
        this(topic, partition, null, key, value, headers);
    }

    public ProducerRecord(final String topic, final Integer partition, final K key, final V value)
    {
        this(topic, partition, null, key, value, null);
    }

    public ProducerRecord(final String topic, final K key, final V value)
    {
        this(topic, null, null, key, value, null);
    }

    public ProducerRecord(final String topic, final V value)
    {
        this(topic, null, null, null, value, null);
    }

    private static Header[] toArray(final Iterable<Header> headers)
    {
        if (headers == null)
        {
            return NO_HEADERS;
        }
        final List<Header> list = new ArrayList<>();
        for (final Header h : headers)
        {
            list.add(Objects.requireNonNull(h, "header"));
        }
        return list.isEmpty() ? NO_HEADERS : list.toArray(NO_HEADERS);
    }

    public String topic()
    {
        return topic;
    }

    /** The partition asked for, or null to let the partitioner choose. */
    public Integer partition()
    {
        return partition;
    }

    /** The timestamp asked for, or null for the time of {@code send}. */
    public Long timestamp()
    {
        return timestamp;
    }

    public K key()
    {
        return key;
    }

    public V value()
    {
        return value;
    }

    /** The headers, in order; unmodifiable. */
    public List<Header> headers()
    {
        return List.of(headers);
    }

    /** The headers as the batch builder takes them; not copied, so not to be written to. */
    Header[] headerArray()
    {
        return headers;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ProducerRecord<?, ?> r && topic.equals(r.topic) && Objects.equals(partition, r.partition)
            && Objects.equals(timestamp, r.timestamp) && Objects.equals(key, r.key) && Objects.equals(value, r.value)
            && Arrays.equals(headers, r.headers);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(topic, partition, timestamp, key, value, Arrays.hashCode(headers));
    }

    @Override
    public String toString()
    {
        return "ProducerRecord(topic=" + topic + ", partition=" + partition + ", headers=" + Arrays.toString(headers) + ", key=" + key
            + ", value=" + value + ", timestamp=" + timestamp + ")";
    }
}
