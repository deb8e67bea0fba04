package io.osprey.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.osprey.client.MetadataSnapshot;
import io.osprey.client.PartitionMetadata;
import io.osprey.client.TopicMetadata;

/**
 * Where records without a key go (and keyed ones with {@code partitioner.ignore.keys}), as
 * Kafka's built-in partitioner since 3.3 (KIP-794): every such record of a topic goes to one
 * partition until about {@code batch.size} bytes were produced to it and its last batch is full
 * (or twice that, whichever comes first), then a new partition is picked at random among those
 * with a leader. Batches fill up, so null-keyed traffic costs as few requests as keyed traffic,
 * while partitions still get an even share over time. Kafka's adaptive weighting by queue size
 * is not implemented.
 * <p>
 * Thread-safe and lock-free: a send reads the topic's current choice (one volatile read; no map
 * lookup when the topic is the previous call's, compared by identity), and an append adds its
 * bytes to that choice with one atomic add. A switch replaces the choice with a compare-and-set,
 * so of several threads crossing the threshold together one picks the next partition. Two
 * monitors a record (one in each call) cost about a tenth of a producer's sending thread.
 */
final class StickyPartitioner
{
    private static final AtomicReferenceFieldUpdater<Topic, Choice> CHOICE =
        AtomicReferenceFieldUpdater.newUpdater(Topic.class, Choice.class, "choice");
    private static final AtomicIntegerFieldUpdater<Choice> PRODUCED =
        AtomicIntegerFieldUpdater.newUpdater(Choice.class, "producedBytes");

    private final int stickyBatchSize;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    /** The topic of the latest call: a producer mostly sends to one topic for a while. */
    private volatile Topic last;

    private static final class Topic
    {
        final String name;
        /** The partition records go to now, and what went there since it was chosen; null before the first send. */
        volatile Choice choice;

        Topic(final String name)
        {
            this.name = name;
        }
    }

    /** One choice of partition; replaced, never changed, at a switch. */
    private static final class Choice
    {
        final int partition;
        volatile int producedBytes;

        Choice(final int partition)
        {
            this.partition = partition;
        }
    }

    StickyPartitioner(final int stickyBatchSize)
    {
        this.stickyBatchSize = stickyBatchSize;
    }

    /** The partition the next null-keyed record of {@code topic} goes to. */
    int partition(final String topic, final MetadataSnapshot snapshot)
    {
        return partition(topic, snapshot, snapshot.partitionCount(topic));
    }

    /**
     * The partition the next null-keyed record of {@code topic} goes to.
     *
     * @param count the topic's partition count in {@code snapshot}, which the caller has looked up already
     */
    int partition(final String topic, final MetadataSnapshot snapshot, final int count)
    {
        final Topic t = topic(topic);
        while (true)
        {
            final Choice current = t.choice;
            if (current != null && current.partition < count)
            {
                return current.partition;
            }
            // The first send, or the topic lost partitions: choose again. A choice another thread installed meanwhile is
            // checked against this snapshot's count too (it may have picked from an older one).
            final Choice fresh = new Choice(pick(topic, snapshot, -1));
            if (CHOICE.compareAndSet(t, current, fresh))
            {
                return fresh.partition;
            }
        }
    }

    /**
     * Counts {@code bytes} appended to {@code partition} and switches once enough went there.
     *
     * @param lastBatchFull whether the partition's newest batch can take no more records
     */
    void onAppend(final String topic, final int partition, final int bytes, final boolean lastBatchFull, final MetadataSnapshot snapshot)
    {
        final Topic t = topic(topic);
        final Choice current = t.choice;
        if (current == null || current.partition != partition)
        {
            // Another thread switched already; its choice stands.
            return;
        }
        final int produced = PRODUCED.addAndGet(current, bytes);
        if (produced >= stickyBatchSize && lastBatchFull || produced >= 2 * stickyBatchSize)
        {
            // One of the threads that crossed the threshold together switches; the others' appends counted for the old choice.
            CHOICE.compareAndSet(t, current, new Choice(pick(topic, snapshot, partition)));
        }
    }

    private Topic topic(final String name)
    {
        final Topic latest = last;
        // Identity on purpose: the fast path for a caller that passes the same String each time; an equal one takes the map.
        if (latest != null && latest.name == name)
        {
            return latest;
        }
        Topic t = topics.get(name);
        if (t == null)
        {
            t = topics.computeIfAbsent(name, Topic::new);
        }
        last = t;
        return t;
    }

    /**
     * A random partition with a leader other than {@code current}; {@code current} if it is the
     * only one with a leader; any partition if none has a leader.
     */
    static int pick(final String topic, final MetadataSnapshot snapshot, final int current)
    {
        final TopicMetadata metadata = snapshot.topic(topic);
        final int count = metadata == null ? 0 : metadata.partitions().size();
        if (count == 0)
        {
            throw new IllegalStateException("No partitions known for topic " + topic);
        }
        final List<Integer> available = new ArrayList<>(count);
        boolean currentHasLeader = false;
        for (final PartitionMetadata p : metadata.partitions())
        {
            final int index = p.partition().partition();
            if (p.hasLeader())
            {
                if (index == current)
                {
                    currentHasLeader = true;
                }
                else
                {
                    available.add(index);
                }
            }
        }
        if (!available.isEmpty())
        {
            return available.get(ThreadLocalRandom.current().nextInt(available.size()));
        }
        // No other partition can take records now: stay, or wait on any partition for a leader.
        return currentHasLeader ? current : ThreadLocalRandom.current().nextInt(count);
    }
}
