package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.osprey.client.MetadataSnapshot;

class StickyPartitionerTest
{
    private static final String TOPIC = "t";
    private static final int BATCH_SIZE = 1000;

    private final StickyPartitioner partitioner = new StickyPartitioner(BATCH_SIZE);

    @Test
    void shouldStickToOnePartitionUntilABatchSizeWasProducedAndTheBatchIsFull()
    {
        final MetadataSnapshot cluster = TestClusters.topic(TOPIC, 8);
        final int first = partitioner.partition(TOPIC, cluster);
        for (int i = 0; i < 9; i++)
        {
            partitioner.onAppend(TOPIC, first, 100, false, cluster);
            assertThat(partitioner.partition(TOPIC, cluster)).isEqualTo(first);
        }
        // 1000 bytes, but the batch still takes records: stay.
        partitioner.onAppend(TOPIC, first, 100, false, cluster);
        assertThat(partitioner.partition(TOPIC, cluster)).isEqualTo(first);
        partitioner.onAppend(TOPIC, first, 100, true, cluster);
        assertThat(partitioner.partition(TOPIC, cluster)).as("switched once batch.size was produced and the batch is full")
            .isNotEqualTo(first);
    }

    @Test
    void shouldSwitchAfterTwiceTheBatchSizeEvenIfNoBatchIsFull()
    {
        final MetadataSnapshot cluster = TestClusters.topic(TOPIC, 4);
        final int first = partitioner.partition(TOPIC, cluster);
        partitioner.onAppend(TOPIC, first, 1999, false, cluster);
        assertThat(partitioner.partition(TOPIC, cluster)).isEqualTo(first);
        partitioner.onAppend(TOPIC, first, 1, false, cluster);
        assertThat(partitioner.partition(TOPIC, cluster)).isNotEqualTo(first);
    }

    @Test
    void shouldOnlyPickPartitionsWithALeaderAndSpreadOverThemAll()
    {
        final MetadataSnapshot cluster = TestClusters.topic(TOPIC, 6, Set.of(1, 4));
        final Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 400; i++)
        {
            final int p = partitioner.partition(TOPIC, cluster);
            seen.add(p);
            partitioner.onAppend(TOPIC, p, 2 * BATCH_SIZE, true, cluster);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 2, 3, 5);
    }

    @Test
    void shouldIgnoreAnAppendToAPartitionItNoLongerSticksTo()
    {
        final MetadataSnapshot cluster = TestClusters.topic(TOPIC, 4);
        final int first = partitioner.partition(TOPIC, cluster);
        final int other = (first + 1) % 4;
        partitioner.onAppend(TOPIC, other, 10 * BATCH_SIZE, true, cluster);
        assertThat(partitioner.partition(TOPIC, cluster)).isEqualTo(first);
    }

    @Test
    void shouldKeepChoosingValidPartitionsAndSwitchingUnderConcurrentSends() throws Exception
    {
        final MetadataSnapshot cluster = TestClusters.topic(TOPIC, 8);
        final int threads = 4;
        final Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicInteger invalid = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        final Thread[] senders = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            senders[t] = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                for (int i = 0; i < 20_000; i++)
                {
                    final int p = partitioner.partition(TOPIC, cluster);
                    if (p < 0 || p >= 8)
                    {
                        invalid.incrementAndGet();
                    }
                    seen.add(p);
                    partitioner.onAppend(TOPIC, p, 100, i % 10 == 9, cluster);
                }
            });
            senders[t].start();
        }
        start.countDown();
        for (final Thread t : senders)
        {
            t.join(30_000);
        }
        assertThat(invalid.get()).isZero();
        // 8,000,000 bytes at a switch per 1,000-2,000: hundreds of switches, so every partition was chosen.
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void shouldKeepAChoicePerTopicWhenSendsAlternateBetweenTopics()
    {
        final String other = new String("other");
        final MetadataSnapshot both = TestClusters.topics(8, Set.of(), TOPIC, other);
        final int first = partitioner.partition(TOPIC, both);
        final int second = partitioner.partition(other, both);
        for (int i = 0; i < 5; i++)
        {
            partitioner.onAppend(TOPIC, first, 100, false, both);
            partitioner.onAppend(other, second, 100, false, both);
            assertThat(partitioner.partition(TOPIC, both)).isEqualTo(first);
            assertThat(partitioner.partition(new String(other), both)).as("an equal topic name, not the same instance").isEqualTo(second);
        }
    }
}
