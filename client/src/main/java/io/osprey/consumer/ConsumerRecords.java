package io.osprey.consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * The records one {@link Consumer#poll} returned, grouped by partition; within a partition in
 * offset order. Iterating goes partition by partition, in the order the partitions' data was
 * collected. Shaped like Kafka's {@code ConsumerRecords}.
 * <p>
 * Immutable (the lists are copied), so thread-safe as far as the records are.
 */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>>
{
    private static final ConsumerRecords<Object, Object> EMPTY = new ConsumerRecords<>(Map.of());

    private final Map<TopicPartition, List<ConsumerRecord<K, V>>> records;
    private final int count;

    /** @param records by partition; empty lists are dropped */
    public ConsumerRecords(final Map<TopicPartition, List<ConsumerRecord<K, V>>> records)
    {
        final Map<TopicPartition, List<ConsumerRecord<K, V>>> copy = new LinkedHashMap<>();
        int total = 0;
        for (final Map.Entry<TopicPartition, List<ConsumerRecord<K, V>>> e : records.entrySet())
        {
            if (!e.getValue().isEmpty())
            {
                copy.put(e.getKey(), List.copyOf(e.getValue()));
                total += e.getValue().size();
            }
        }
        this.records = Collections.unmodifiableMap(copy);
        this.count = total;
    }

    /** No records. */
    @SuppressWarnings("unchecked")
    public static <K, V> ConsumerRecords<K, V> empty()
    {
        return (ConsumerRecords<K, V>)EMPTY;
    }

    /** The records of one partition, in offset order; empty when it has none here. */
    public List<ConsumerRecord<K, V>> records(final TopicPartition partition)
    {
        final List<ConsumerRecord<K, V>> list = records.get(partition);
        return list == null ? List.of() : list;
    }

    /** The records of every partition of one topic. */
    public Iterable<ConsumerRecord<K, V>> records(final String topic)
    {
        final List<ConsumerRecord<K, V>> out = new ArrayList<>();
        for (final Map.Entry<TopicPartition, List<ConsumerRecord<K, V>>> e : records.entrySet())
        {
            if (e.getKey().topic().equals(topic))
            {
                out.addAll(e.getValue());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The partitions that have records here. */
    public Set<TopicPartition> partitions()
    {
        return records.keySet();
    }

    /** The number of records across all partitions. */
    public int count()
    {
        return count;
    }

    public boolean isEmpty()
    {
        return count == 0;
    }

    @Override
    public Iterator<ConsumerRecord<K, V>> iterator()
    {
        final Iterator<List<ConsumerRecord<K, V>>> lists = records.values().iterator();
        return new Iterator<>()
        {
            private Iterator<ConsumerRecord<K, V>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext()
            {
                while (!current.hasNext() && lists.hasNext())
                {
                    current = lists.next().iterator();
                }
                return current.hasNext();
            }

            @Override
            public ConsumerRecord<K, V> next()
            {
                if (!hasNext())
                {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    @Override
    public String toString()
    {
        return "ConsumerRecords(" + count + " records in " + records.size() + " partitions)";
    }
}
