package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.osprey.client.MetadataSnapshot;
import io.osprey.common.TopicPartition;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;

/** Batching, linger, readiness, drain limits, expiry and back-pressure, on a clock the test moves. */
class RecordAccumulatorTest
{
    private static final String TOPIC = "t";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);
    private static final TopicPartition TP2 = new TopicPartition(TOPIC, 2);
    private static final Header[] NO_HEADERS = new Header[0];
    private static final long LINGER_MS = 10;
    private static final long DELIVERY_TIMEOUT_MS = 1_000;
    private static final int BATCH_SIZE = 1024;

    private final MutableClock clock = new MutableClock(1_000_000);
    private final MetadataSnapshot cluster = TestClusters.topic(TOPIC, 3);
    private final Set<Integer> readyNodes = new HashSet<>();
    private final Set<String> unknownLeaders = new HashSet<>();

    private RecordAccumulator accumulator(final long bufferMemory)
    {
        return new RecordAccumulator(BATCH_SIZE, Compression.NONE, LINGER_MS, DELIVERY_TIMEOUT_MS, new BufferPool(bufferMemory, BATCH_SIZE),
            clock);
    }

    private ProduceFuture append(final RecordAccumulator accumulator, final TopicPartition tp, final int valueSize) throws Exception
    {
        return append(accumulator, tp, valueSize, 0);
    }

    private ProduceFuture append(final RecordAccumulator accumulator, final TopicPartition tp, final int valueSize, final long maxBlockMs)
        throws Exception
    {
        return accumulator.append(tp, 42L, "k".getBytes(), new byte[valueSize], NO_HEADERS, null, maxBlockMs, null, cluster);
    }

    private long ready(final RecordAccumulator accumulator)
    {
        readyNodes.clear();
        unknownLeaders.clear();
        return accumulator.ready(cluster, clock.nowMs(), DrainGate.OPEN, readyNodes, unknownLeaders);
    }

    @Test
    void shouldPutSmallRecordsOfAPartitionInOneBatchAndCompleteTheirFuturesWithConsecutiveOffsets() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        final List<ProduceFuture> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            futures.add(append(accumulator, TP0, 10));
        }
        clock.advance(LINGER_MS);
        ready(accumulator);
        final Map<Integer, List<ProducerBatch>> drained = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN);
        assertThat(drained.get(1)).hasSize(1);
        final ProducerBatch batch = drained.get(1).get(0);
        assertThat(batch.recordCount()).isEqualTo(10);
        final RecordBatch view = new RecordBatch(batch.records(), 0);
        assertThat(view.recordCount()).isEqualTo(10);
        assertThat(view.isChecksumValid()).isTrue();

        accumulator.complete(batch, 500, RecordMetadata.UNKNOWN, null);
        for (int i = 0; i < 10; i++)
        {
            final RecordMetadata md = futures.get(i).get(0, TimeUnit.SECONDS);
            assertThat(md.offset()).isEqualTo(500 + i);
            assertThat(md.timestamp()).isEqualTo(42L);
            assertThat(md.serializedKeySize()).isEqualTo(1);
            assertThat(md.serializedValueSize()).isEqualTo(10);
        }
        assertThat(accumulator.hasIncomplete()).isFalse();
        assertThat(accumulator.pool().availableMemory()).isEqualTo(64 * BATCH_SIZE);
    }

    @Test
    void shouldWaitLingerMsBeforeABatchIsReady() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        append(accumulator, TP0, 10);
        assertThat(ready(accumulator)).as("time until the batch lingered long enough").isEqualTo(LINGER_MS);
        assertThat(readyNodes).isEmpty();
        clock.advance(LINGER_MS - 1);
        assertThat(ready(accumulator)).isEqualTo(1);
        assertThat(readyNodes).isEmpty();
        clock.advance(1);
        ready(accumulator);
        assertThat(readyNodes).containsExactly(1);
    }

    @Test
    void shouldBeReadyAtOnceWhenABatchIsFull() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        int appended = 0;
        while (appended * 110 < 2 * BATCH_SIZE)
        {
            append(accumulator, TP1, 100);
            appended++;
        }
        ready(accumulator);
        assertThat(readyNodes).as("partition 1's leader, without waiting for linger.ms").containsExactly(2);
        final Map<Integer, List<ProducerBatch>> drained = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN);
        final ProducerBatch first = drained.get(2).get(0);
        assertThat(first.records().remaining()).isLessThanOrEqualTo(BATCH_SIZE);
        assertThat(first.recordCount()).isGreaterThan(5);
    }

    @Test
    void shouldMakeEveryBatchReadyDuringAFlush() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        final ProduceFuture future = append(accumulator, TP2, 10);
        accumulator.beginFlush();
        ready(accumulator);
        assertThat(readyNodes).containsExactly(3);
        final CompletableFuture<Void> flushed = CompletableFuture.runAsync(() ->
        {
            try
            {
                accumulator.awaitFlushCompletion();
            }
            catch (final InterruptedException e)
            {
                throw new IllegalStateException(e);
            }
        });
        final ProducerBatch batch = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(3).get(0);
        assertThat(flushed).isNotDone();
        accumulator.complete(batch, 7, 99, null);
        flushed.get(5, TimeUnit.SECONDS);
        assertThat(future.get().timestamp()).as("log-append time from the broker").isEqualTo(99);
        append(accumulator, TP2, 10);
        ready(accumulator);
        assertThat(readyNodes).as("the flush ended").isEmpty();
    }

    @Test
    void shouldDrainAtMostOneBatchPerPartitionAndMaxRequestSizePerNode() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        final MetadataSnapshot oneLeader = TestClusters.topic(TOPIC, 1);
        for (int i = 0; i < 40; i++)
        {
            accumulator.append(TP0, 1L, null, new byte[100], NO_HEADERS, null, 0, null, oneLeader);
        }
        readyNodes.clear();
        accumulator.ready(oneLeader, clock.nowMs(), DrainGate.OPEN, readyNodes, unknownLeaders);
        final List<ProducerBatch> first = accumulator.drain(oneLeader, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(1);
        assertThat(first).as("one batch per partition per request").hasSize(1);

        final RecordAccumulator many = accumulator(64 * BATCH_SIZE);
        final MetadataSnapshot threeOnNode1 = TestClusters.topic(TOPIC, 7);
        for (final int p : new int[] {0, 3, 6})
        {
            many.append(new TopicPartition(TOPIC, p), 1L, null, new byte[600], NO_HEADERS, null, 0, null, threeOnNode1);
        }
        clock.advance(LINGER_MS);
        readyNodes.clear();
        many.ready(threeOnNode1, clock.nowMs(), DrainGate.OPEN, readyNodes, unknownLeaders);
        assertThat(many.drain(threeOnNode1, readyNodes, 1500, clock.nowMs(), DrainGate.OPEN).get(1))
            .as("two 670-byte batches fit in 1500 bytes, three do not").hasSize(2);
        assertThat(many.drain(threeOnNode1, readyNodes, 1500, clock.nowMs(), DrainGate.OPEN).get(1)).hasSize(1);
    }

    @Test
    void shouldReportTopicsWithoutALeader() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        final MetadataSnapshot leaderless = TestClusters.topic(TOPIC, 3, Set.of(0));
        accumulator.append(TP0, 1L, null, new byte[10], NO_HEADERS, null, 0, null, leaderless);
        clock.advance(LINGER_MS);
        readyNodes.clear();
        accumulator.ready(leaderless, clock.nowMs(), DrainGate.OPEN, readyNodes, unknownLeaders);
        assertThat(readyNodes).isEmpty();
        assertThat(unknownLeaders).containsExactly(TOPIC);
    }

    @Test
    void shouldGiveARecordLargerThanBatchSizeABatchOfItsOwn() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        append(accumulator, TP0, 10);
        final ProduceFuture big = append(accumulator, TP0, 5 * BATCH_SIZE);
        assertThat(accumulator.pool().availableMemory()).isLessThan(64L * BATCH_SIZE - 5 * BATCH_SIZE);
        clock.advance(LINGER_MS);
        ready(accumulator);
        final ProducerBatch small = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(1).get(0);
        final ProducerBatch large = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(1).get(0);
        assertThat(small.recordCount()).isEqualTo(1);
        assertThat(large.recordCount()).isEqualTo(1);
        try (RecordBatchReader reader = new RecordBatchReader())
        {
            reader.wrap(large.records(), 0);
            assertThat(reader.next().valueSize()).isEqualTo(5 * BATCH_SIZE);
        }
        accumulator.complete(small, 0, -1, null);
        accumulator.complete(large, 1, -1, null);
        assertThat(big.get().offset()).isEqualTo(1);
        assertThat(accumulator.pool().availableMemory()).as("all memory back").isEqualTo(64 * BATCH_SIZE);
    }

    @Test
    void shouldBlockForMemoryThenThrowAfterMaxBlockMs() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(2 * BATCH_SIZE);
        append(accumulator, TP0, 10);
        append(accumulator, TP1, 10);
        final long startNs = System.nanoTime();
        assertThatThrownBy(() -> append(accumulator, TP2, 10, 200))
            .isInstanceOf(BufferExhaustedException.class)
            .hasMessageContaining("Failed to allocate " + BATCH_SIZE + " bytes within the configured max blocking time 200 ms")
            .hasMessageContaining("max.block.ms")
            .hasMessageContaining("buffer.memory");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).as("blocked for max.block.ms").isGreaterThanOrEqualTo(190);
        assertThat(accumulator.pool().availableMemory()).as("a failed wait keeps nothing").isZero();
    }

    @Test
    void shouldMakeBatchesReadyAndUnblockASenderWhenABatchCompletes() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(2 * BATCH_SIZE);
        append(accumulator, TP0, 10);
        append(accumulator, TP1, 10);
        final CompletableFuture<ProduceFuture> blocked = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return append(accumulator, TP2, 10, 30_000);
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        });
        while (accumulator.pool().queued() == 0)
        {
            Thread.onSpinWait();
        }
        ready(accumulator);
        assertThat(readyNodes).as("memory is exhausted: batches go without waiting for linger.ms").containsExactlyInAnyOrder(1, 2);
        final ProducerBatch batch = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(1).get(0);
        assertThat(blocked).isNotDone();
        accumulator.complete(batch, 0, -1, null);
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void shouldExpireWaitingBatchesAfterDeliveryTimeout() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        append(accumulator, TP0, 10);
        clock.advance(DELIVERY_TIMEOUT_MS / 2);
        append(accumulator, TP1, 10);
        assertThat(accumulator.nextExpiryMs()).isEqualTo(clock.nowMs() + DELIVERY_TIMEOUT_MS / 2);
        clock.advance(DELIVERY_TIMEOUT_MS / 2);
        final List<ProducerBatch> expired = accumulator.expired(clock.nowMs());
        assertThat(expired).extracting(b -> b.partition).containsExactly(TP0);
        assertThat(expired.get(0).isSealed()).isTrue();
    }

    @Test
    void shouldPutARetriedBatchBackInFrontInSequenceOrder() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        final List<ProducerBatch> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            append(accumulator, TP0, 10);
            clock.advance(LINGER_MS);
            ready(accumulator);
            final ProducerBatch batch = accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(1).get(0);
            batch.assignSequence(7, (short)0, i, i);
            sent.add(batch);
        }
        final ProduceFuture fresh = append(accumulator, TP0, 10);
        accumulator.reenqueue(sent.get(2));
        accumulator.reenqueue(sent.get(0));
        accumulator.reenqueue(sent.get(1));
        clock.advance(LINGER_MS);
        final List<ProducerBatch> order = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            ready(accumulator);
            order.add(accumulator.drain(cluster, readyNodes, 1 << 20, clock.nowMs(), DrainGate.OPEN).get(1).get(0));
        }
        assertThat(order).containsExactly(sent.get(0), sent.get(1), sent.get(2), order.get(3));
        assertThat(order.get(3).hasSequence()).isFalse();
        assertThat(fresh.isDone()).isFalse();
    }

    @Test
    void shouldRefuseAppendsOnceClosedAndAbortWaitingBatches() throws Exception
    {
        final RecordAccumulator accumulator = accumulator(64 * BATCH_SIZE);
        final ProduceFuture future = append(accumulator, TP0, 10);
        accumulator.close();
        assertThatThrownBy(() -> append(accumulator, TP0, 10)).isInstanceOf(IllegalStateException.class);
        accumulator.abortUndrained(new IllegalStateException("closing"));
        assertThat(future.isDone()).isTrue();
        assertThatThrownBy(future::get).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("closing");
    }

    @Test
    void shouldAllocateOnlyTheFuturePerRecordWhenAppending() throws Exception
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final RecordAccumulator accumulator = new RecordAccumulator(1 << 20, Compression.NONE, LINGER_MS, DELIVERY_TIMEOUT_MS,
            new BufferPool(8 << 20, 1 << 20), clock);
        final byte[] key = "key".getBytes();
        final byte[] value = new byte[50];
        for (int i = 0; i < 2_000; i++)
        {
            accumulator.append(TP0, 1L, key, value, NO_HEADERS, null, 0, null, cluster);
        }
        final int records = 5_000;
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < records; i++)
        {
            accumulator.append(TP0, 1L, key, value, NO_HEADERS, null, 0, null, cluster);
        }
        final long perRecord = (threads.getCurrentThreadAllocatedBytes() - before) / records;
        // A ProduceFuture is 40 bytes with compressed oops; the futures list grows by half each time (amortised ~8-12 bytes).
        assertThat(perRecord).as("bytes allocated per append").isLessThan(80);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock implements io.osprey.client.ClientClock
    {
        private volatile long nowMs;

        MutableClock(final long startMs)
        {
            this.nowMs = startMs;
        }

        @Override
        public long nowMs()
        {
            return nowMs;
        }

        void advance(final long ms)
        {
            nowMs += ms;
        }
    }
}
