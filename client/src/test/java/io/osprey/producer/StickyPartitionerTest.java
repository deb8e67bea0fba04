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
}
