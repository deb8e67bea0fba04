package io.osprey.producer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.osprey.client.ClientClock;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.Node;
import io.osprey.common.TopicPartition;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/**
 * Where sent records wait to be sent: one deque of {@link ProducerBatch}es per partition, the
 * newest batch open for appends, the oldest next to be drained. Kafka's {@code RecordAccumulator}.
 * <p>
 * A partition's first batch is <em>ready</em> when it is full (or a newer one exists), when it
 * has waited {@code linger.ms} (its retry backoff, if it is a resend), when a flush or close is
 * in progress, or when senders are blocked on memory. The sender asks which leaders have a
 * ready batch, then {@link #drain}s per leader: at most one batch per partition per request,
 * up to {@code max.request.size}, from every partition that leader leads, ready or not (one
 * request might as well carry everything).
 * <p>
 * Threading: {@link #append} is called by any number of user threads; every other method but
 * {@link #beginFlush}/{@link #awaitFlushCompletion} by the sender's I/O thread. Each deque is
 * guarded by its own monitor, held only for a few field updates (appending a record copies its
 * bytes into the batch buffer under it, as in Kafka); a blocking memory allocation happens
 * outside it. The map of deques is concurrent, so a new partition does not stop the others.
 * <p>
 * Garbage: an append allocates nothing but the record's future; a batch's buffer comes from
 * the {@link BufferPool}.
 */
final class RecordAccumulator
{
    /** Bytes a Produce request spends on one partition besides its batch: index, records length, tagged fields. */
    private static final int PARTITION_OVERHEAD = 16;

    private final int batchSize;
    private final Compression compression;
    private final long lingerMs;
    private final long deliveryTimeoutMs;
    private final BufferPool pool;
    private final ClientClock clock;
    private final ConcurrentHashMap<TopicPartition, ArrayDeque<ProducerBatch>> batches = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private final AtomicInteger appendsInProgress = new AtomicInteger();

    /** Every partition with a deque, for the sender's round-robin drain; copied on write (rare: a new partition). */
    private volatile TopicPartition[] partitions = new TopicPartition[0];
    private volatile boolean closed;
    private volatile Runnable wakeup = () ->
    {
    };
    /** Where the next drain starts, so that no partition always comes last when requests fill up. Sender thread. */
    private int drainStart;

    RecordAccumulator(final ProducerSettings settings, final BufferPool pool, final ClientClock clock)
    {
        this(settings.batchSize(), settings.compression(), settings.lingerMs(), settings.deliveryTimeoutMs(), pool, clock);
    }

    RecordAccumulator(final int batchSize, final Compression compression, final long lingerMs, final long deliveryTimeoutMs,
        final BufferPool pool, final ClientClock clock)
    {
        this.batchSize = batchSize;
        this.compression = compression;
        this.lingerMs = lingerMs;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        this.pool = pool;
        this.clock = clock;
    }

    /** Called when a batch fills or is created, so the sender recomputes its deadlines. Set once, before the first append. */
    void onBatchEvent(final Runnable wakeup)
    {
        this.wakeup = wakeup;
    }

    // ---- Appending (any thread) ----------------------------------------------------------------

    /**
     * Adds a record to the partition's open batch, or to a new one, waiting up to
     * {@code maxBlockMs} for memory for it.
     *
     * @param sticky   told how many bytes went to the partition, when the partition was chosen by it; else null
     * @param snapshot the metadata the partition was chosen with, for the sticky partitioner's next choice
     * @throws BufferExhaustedException when no memory came in time
     * @throws IllegalStateException    when the producer closed meanwhile
     */
    ProduceFuture append(final TopicPartition tp, final long timestamp, final byte[] key, final byte[] value, final Header[] headers,
        final Callback callback, final long maxBlockMs, final StickyPartitioner sticky, final MetadataSnapshot snapshot)
        throws InterruptedException
    {
        appendsInProgress.incrementAndGet();
        RecordBatchBuilder allocated = null;
        int allocatedSize = 0;
        try
        {
            final ArrayDeque<ProducerBatch> deque = dequeFor(tp);
            synchronized (deque)
            {
                checkOpen();
                final ProduceFuture future = tryAppend(deque, tp, timestamp, key, value, headers, callback, sticky, snapshot);
                if (future != null)
                {
                    return future;
                }
            }
            allocatedSize = Math.max(batchSize, upperBoundBatchSize(key, value, headers, compression));
            allocated = pool.allocate(allocatedSize, maxBlockMs);
            final long nowMs = clock.nowMs();
            final ProduceFuture future;
            synchronized (deque)
            {
                checkOpen();
                // Another thread may have made a new batch while this one waited for memory.
                final ProduceFuture raced = tryAppend(deque, tp, timestamp, key, value, headers, callback, sticky, snapshot);
                if (raced != null)
                {
                    return raced;
                }
                final ProducerBatch batch = new ProducerBatch(tp, allocated, allocatedSize, batchSize, compression, timestamp, nowMs);
                allocated = null;
                future = batch.tryAppend(timestamp, key, value, headers, callback);
                if (future == null)
                {
                    throw new IllegalStateException("A new batch refused its first record for " + tp);
                }
                deque.addLast(batch);
                incomplete.add(batch);
                if (sticky != null)
                {
                    sticky.onAppend(tp.topic(), tp.partition(), batch.estimatedSizeInBytes(), batch.isFull(), snapshot);
                }
            }
            wakeup.run();
            return future;
        }
        finally
        {
            if (allocated != null)
            {
                pool.deallocate(allocated, allocatedSize);
            }
            appendsInProgress.decrementAndGet();
        }
    }

    /** Appends to the newest batch if it is open and has room; under the deque's lock. */
    private static ProduceFuture tryAppend(final ArrayDeque<ProducerBatch> deque, final TopicPartition tp, final long timestamp,
        final byte[] key, final byte[] value, final Header[] headers, final Callback callback, final StickyPartitioner sticky,
        final MetadataSnapshot snapshot)
    {
        final ProducerBatch last = deque.peekLast();
        if (last == null)
        {
            return null;
        }
        final int before = last.estimatedSizeInBytes();
        final ProduceFuture future = last.tryAppend(timestamp, key, value, headers, callback);
        if (future != null && sticky != null)
        {
            sticky.onAppend(tp.topic(), tp.partition(), last.estimatedSizeInBytes() - before, last.isFull(), snapshot);
        }
        return future;
    }

    /**
     * The most a batch holding only this record can take, so that a record larger than
     * {@code batch.size} gets a buffer of its own size up front: the batch header, the record's
     * worst-case varints, and the worst a codec can expand incompressible data.
     */
    static int upperBoundBatchSize(final byte[] key, final byte[] value, final Header[] headers, final Compression compression)
    {
        long size = 5 + 1 + 10 + 5 + 5 + 5 + 5;
        size += key == null ? 0 : key.length;
        size += value == null ? 0 : value.length;
        for (final Header h : headers)
        {
            size += 5 + 3L * h.key().length() + 5 + (h.value() == null ? 0 : h.value().length);
        }
        if (compression != Compression.NONE)
        {
            size += size / 128 + 1024;
        }
        return (int)Math.min(Integer.MAX_VALUE - 64, RecordBatch.HEADER_SIZE + size);
    }

    private ArrayDeque<ProducerBatch> dequeFor(final TopicPartition tp)
    {
        final ArrayDeque<ProducerBatch> existing = batches.get(tp);
        if (existing != null)
        {
            return existing;
        }
        synchronized (this)
        {
            final ArrayDeque<ProducerBatch> raced = batches.get(tp);
            if (raced != null)
            {
                return raced;
            }
            final ArrayDeque<ProducerBatch> created = new ArrayDeque<>();
            batches.put(tp, created);
            final TopicPartition[] grown = Arrays.copyOf(partitions, partitions.length + 1);
            grown[grown.length - 1] = tp;
            partitions = grown;
            return created;
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("Producer closed while send in progress");
        }
    }

    // ---- Readiness and draining (sender thread) ---------------------------------------------------

    /**
     * Adds to {@code readyNodes} the leaders of partitions with a sendable batch, and to
     * {@code unknownLeaders} the topics with batches but no known leader.
     *
     * @param gate says which partitions may not send now (ordering); they are left out
     * @return how long until a batch not yet ready becomes ready (Long.MAX_VALUE when none waits)
     */
    long ready(final MetadataSnapshot snapshot, final long nowMs, final DrainGate gate, final Set<Integer> readyNodes,
        final Set<String> unknownLeaders)
    {
        long nextReadyCheckDelayMs = Long.MAX_VALUE;
        final boolean exhausted = pool.queued() > 0;
        final boolean sendNow = exhausted || closed || flushesInProgress.get() > 0;
        for (final TopicPartition tp : partitions)
        {
            final ArrayDeque<ProducerBatch> deque = batches.get(tp);
            synchronized (deque)
            {
                final ProducerBatch first = deque.peekFirst();
                if (first == null)
                {
                    continue;
                }
                final Node leader = snapshot.leaderFor(tp);
                if (leader == null)
                {
                    unknownLeaders.add(tp.topic());
                    continue;
                }
                if (readyNodes.contains(leader.id()) || !gate.mayDrain(first))
                {
                    continue;
                }
                final boolean backingOff = first.attempts > 0 && nowMs < first.retryAtMs;
                if (backingOff)
                {
                    nextReadyCheckDelayMs = Math.min(nextReadyCheckDelayMs, first.retryAtMs - nowMs);
                    continue;
                }
                final long readyAtMs = first.attempts > 0 ? first.retryAtMs : first.createdMs + lingerMs;
                if (sendNow || deque.size() > 1 || first.isSealed() || first.isFull() || nowMs >= readyAtMs)
                {
                    readyNodes.add(leader.id());
                }
                else
                {
                    nextReadyCheckDelayMs = Math.min(nextReadyCheckDelayMs, readyAtMs - nowMs);
                }
            }
        }
        return nextReadyCheckDelayMs;
    }

    /**
     * Takes, for each ready node, at most one batch per partition it leads, up to
     * {@code maxRequestSize} bytes per node (the first batch always fits), sealing and building
     * each. Batches in retry backoff and those the gate holds back stay.
     */
    Map<Integer, List<ProducerBatch>> drain(final MetadataSnapshot snapshot, final Set<Integer> readyNodes, final int maxRequestSize,
        final long nowMs, final DrainGate gate)
    {
        final Map<Integer, List<ProducerBatch>> out = new HashMap<>();
        if (readyNodes.isEmpty())
        {
            return out;
        }
        final Map<Integer, Integer> sizes = new HashMap<>();
        final TopicPartition[] all = partitions;
        final int start = all.length == 0 ? 0 : drainStart++ % all.length;
        for (int i = 0; i < all.length; i++)
        {
            final TopicPartition tp = all[(start + i) % all.length];
            final Node leader = snapshot.leaderFor(tp);
            if (leader == null || !readyNodes.contains(leader.id()))
            {
                continue;
            }
            final int used = sizes.getOrDefault(leader.id(), 0);
            final ProducerBatch batch = pollDrainable(tp, used, maxRequestSize, nowMs, gate);
            if (batch == null)
            {
                continue;
            }
            gate.onDrained(batch);
            final int size = batch.records().remaining() + PARTITION_OVERHEAD + tp.topic().length();
            sizes.put(leader.id(), used + size);
            out.computeIfAbsent(leader.id(), id -> new ArrayList<>()).add(batch);
        }
        return out;
    }

    private ProducerBatch pollDrainable(final TopicPartition tp, final int used, final int maxRequestSize, final long nowMs,
        final DrainGate gate)
    {
        final ArrayDeque<ProducerBatch> deque = batches.get(tp);
        synchronized (deque)
        {
            final ProducerBatch first = deque.peekFirst();
            if (first == null || first.attempts > 0 && nowMs < first.retryAtMs || !gate.mayDrain(first))
            {
                return null;
            }
            if (used > 0 && used + first.estimatedSizeInBytes() + PARTITION_OVERHEAD + tp.topic().length() > maxRequestSize)
            {
                return null;
            }
            deque.pollFirst();
            first.seal();
            return first;
        }
    }

    /**
     * Puts a batch back for another attempt: at the front of its deque, behind any earlier
     * batches of the same partition also waiting for a retry, so a partition's batches are always
     * resent in the order they were first sent.
     */
    void reenqueue(final ProducerBatch batch)
    {
        final ArrayDeque<ProducerBatch> deque = dequeFor(batch.partition);
        synchronized (deque)
        {
            if (batch.ordinal < 0)
            {
                deque.addFirst(batch);
                return;
            }
            final ArrayDeque<ProducerBatch> earlier = new ArrayDeque<>();
            while (!deque.isEmpty() && deque.peekFirst().ordinal >= 0 && deque.peekFirst().ordinal < batch.ordinal)
            {
                earlier.addLast(deque.pollFirst());
            }
            deque.addFirst(batch);
            while (!earlier.isEmpty())
            {
                deque.addFirst(earlier.pollLast());
            }
        }
    }

    /** Removes the batches (waiting, not in flight) that have been in the producer for delivery.timeout.ms. */
    List<ProducerBatch> expired(final long nowMs)
    {
        List<ProducerBatch> out = null;
        for (final TopicPartition tp : partitions)
        {
            final ArrayDeque<ProducerBatch> deque = batches.get(tp);
            synchronized (deque)
            {
                ProducerBatch first;
                while ((first = deque.peekFirst()) != null && nowMs - first.createdMs >= deliveryTimeoutMs)
                {
                    deque.pollFirst();
                    first.seal();
                    if (out == null)
                    {
                        out = new ArrayList<>();
                    }
                    out.add(first);
                }
            }
        }
        return out == null ? List.of() : out;
    }

    /** When the soonest waiting batch reaches delivery.timeout.ms (Long.MAX_VALUE when none waits). */
    long nextExpiryMs()
    {
        long next = Long.MAX_VALUE;
        for (final TopicPartition tp : partitions)
        {
            final ArrayDeque<ProducerBatch> deque = batches.get(tp);
            synchronized (deque)
            {
                final ProducerBatch first = deque.peekFirst();
                if (first != null)
                {
                    next = Math.min(next, first.createdMs + deliveryTimeoutMs);
                }
            }
        }
        return next;
    }

    /** Completes a batch (callbacks run here) and returns its memory to the pool. */
    void complete(final ProducerBatch batch, final long baseOffset, final long logAppendTimeMs, final RuntimeException error)
    {
        final RecordBatchBuilder builder = batch.complete(baseOffset, logAppendTimeMs, error);
        if (builder != null)
        {
            incomplete.remove(batch);
            pool.deallocate(builder, batch.memorySize);
        }
    }

    /** Whether any batch waits in a deque (not counting those in flight). */
    boolean hasUndrained()
    {
        for (final TopicPartition tp : partitions)
        {
            final ArrayDeque<ProducerBatch> deque = batches.get(tp);
            synchronized (deque)
            {
                if (!deque.isEmpty())
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether any batch has not completed, waiting or in flight. */
    boolean hasIncomplete()
    {
        return !incomplete.isEmpty();
    }

    // ---- Flush and close ------------------------------------------------------------------------

    /** Makes every batch ready regardless of linger.ms until the matching {@link #awaitFlushCompletion}. Any thread. */
    void beginFlush()
    {
        flushesInProgress.incrementAndGet();
    }

    /** Waits until every batch that existed when called has completed, then ends this flush. Any thread but the sender. */
    void awaitFlushCompletion() throws InterruptedException
    {
        try
        {
            for (final ProducerBatch batch : incomplete.toArray(new ProducerBatch[0]))
            {
                batch.result.await();
            }
        }
        finally
        {
            flushesInProgress.decrementAndGet();
        }
    }

    /** Refuses further appends and makes every batch ready: the producer is closing. */
    void close()
    {
        closed = true;
    }

    /** Fails every waiting batch (not those in flight), waiting out appends already under way so none slips in after. */
    void abortUndrained(final RuntimeException error)
    {
        do
        {
            for (final TopicPartition tp : partitions)
            {
                final ArrayDeque<ProducerBatch> deque = batches.get(tp);
                final List<ProducerBatch> aborted;
                synchronized (deque)
                {
                    aborted = new ArrayList<>(deque);
                    deque.clear();
                    aborted.forEach(ProducerBatch::seal);
                }
                for (final ProducerBatch batch : aborted)
                {
                    complete(batch, RecordMetadata.UNKNOWN, RecordMetadata.UNKNOWN, error);
                }
            }
        }
        while (appendsInProgress.get() > 0);
    }

    BufferPool pool()
    {
        return pool;
    }
}
