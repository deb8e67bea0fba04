package io.osprey.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

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
 * Thread-safe: one small lock per topic, held for a few field updates.
 */
final class StickyPartitioner
{
    private final int stickyBatchSize;
    private final ConcurrentHashMap<String, Sticky> topics = new ConcurrentHashMap<>();

    /** The current choice for one topic. Guarded by itself. */
    private static final class Sticky
    {
        int partition = -1;
        int producedBytes;
    }

    StickyPartitioner(final int stickyBatchSize)
    {
        this.stickyBatchSize = stickyBatchSize;
    }

    /** The partition the next null-keyed record of {@code topic} goes to. */
    int partition(final String topic, final MetadataSnapshot snapshot)
    {
        final Sticky sticky = topics.computeIfAbsent(topic, t -> new Sticky());
        synchronized (sticky)
        {
            final int count = snapshot.partitionCount(topic);
            if (sticky.partition < 0 || sticky.partition >= count)
            {
                sticky.partition = pick(topic, snapshot, -1);
                sticky.producedBytes = 0;
            }
            return sticky.partition;
        }
    }

    /**
     * Counts {@code bytes} appended to {@code partition} and switches once enough went there.
     *
     * @param lastBatchFull whether the partition's newest batch can take no more records
     */
    void onAppend(final String topic, final int partition, final int bytes, final boolean lastBatchFull, final MetadataSnapshot snapshot)
    {
        final Sticky sticky = topics.get(topic);
        if (sticky == null)
        {
            return;
        }
        synchronized (sticky)
        {
            if (sticky.partition != partition)
            {
                // Another thread switched already; its choice stands.
                return;
            }
            sticky.producedBytes += bytes;
            if (sticky.producedBytes >= stickyBatchSize && lastBatchFull || sticky.producedBytes >= 2 * stickyBatchSize)
            {
                sticky.partition = pick(topic, snapshot, partition);
                sticky.producedBytes = 0;
            }
        }
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
