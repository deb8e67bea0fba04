package io.osprey.producer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

import io.osprey.record.RecordBatchBuilder;

/**
 * The producer's memory for batches ({@code buffer.memory}), handed out as
 * {@link RecordBatchBuilder}s: those of exactly {@code batch.size} bytes are kept on a free
 * list and reused, so in a steady state no batch buffer is allocated at all; larger ones (for a
 * record bigger than {@code batch.size}) are made for the occasion and dropped when freed. This
 * is Kafka's {@code BufferPool}, pooling builders rather than bare buffers because a builder
 * also holds the compression scratch buffer and codec state that are worth keeping.
 * <p>
 * Accounting counts {@code batch.size} per pooled builder. A compressing builder really holds
 * about twice that (the raw records wait in a scratch buffer until the batch is compressed), so
 * with compression the heap used can reach about {@code 2 * buffer.memory}.
 * <p>
 * When memory runs out, {@link #allocate} blocks up to {@code max.block.ms}; waiters are served
 * first come, first served (each waits on its own condition, as in Kafka), so a large request
 * cannot be starved by a stream of small ones. Thread-safe: one lock guards all state.
 */
final class BufferPool
{
    private final long totalMemory;
    private final int poolableSize;
    private final IntFunction<RecordBatchBuilder> factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<RecordBatchBuilder> free = new ArrayDeque<>();
    private final Deque<Condition> waiters = new ArrayDeque<>();

    /** Memory not held by a builder, free or in use. */
    private long nonPooledAvailable;
    private boolean closed;

    BufferPool(final long totalMemory, final int poolableSize)
    {
        this(totalMemory, poolableSize, RecordBatchBuilder::new);
    }

    BufferPool(final long totalMemory, final int poolableSize, final IntFunction<RecordBatchBuilder> factory)
    {
        this.totalMemory = totalMemory;
        this.poolableSize = poolableSize;
        this.factory = factory;
        this.nonPooledAvailable = totalMemory;
    }

    /**
     * A builder of {@code size} bytes, waiting up to {@code maxTimeToBlockMs} for memory.
     *
     * @throws BufferExhaustedException when no memory was freed in time
     * @throws IllegalArgumentException when {@code size} exceeds the whole pool
     */
    RecordBatchBuilder allocate(final int size, final long maxTimeToBlockMs) throws InterruptedException
    {
        if (size > totalMemory)
        {
            throw new IllegalArgumentException("Attempt to allocate " + size + " bytes, but there is a hard limit of " + totalMemory
                + " on memory allocations.");
        }
        long reserved = 0;
        lock.lock();
        try
        {
            checkOpen();
            if (size == poolableSize && !free.isEmpty())
            {
                return free.pollFirst();
            }
            if (nonPooledAvailable + freeBytes() >= size && waiters.isEmpty())
            {
                freeUp(size);
                nonPooledAvailable -= size;
                reserved = size;
            }
            else
            {
                final RecordBatchBuilder pooled = waitFor(size, maxTimeToBlockMs);
                if (pooled != null)
                {
                    return pooled;
                }
                reserved = size;
            }
        }
        finally
        {
            signalNextIfMemoryLeft();
            lock.unlock();
        }
        // Outside the lock: allocating (and zeroing) a buffer should not hold up the other threads.
        try
        {
            return factory.apply(size);
        }
        catch (final Error | RuntimeException e)
        {
            release(reserved);
            throw e;
        }
    }

    /** Waits, first in first out, until {@code size} bytes are reserved; returns a pooled builder when one came back instead. */
    private RecordBatchBuilder waitFor(final int size, final long maxTimeToBlockMs) throws InterruptedException
    {
        final Condition turn = lock.newCondition();
        waiters.addLast(turn);
        long accumulated = 0;
        long remainingNs = TimeUnit.MILLISECONDS.toNanos(maxTimeToBlockMs);
        try
        {
            while (accumulated < size)
            {
                if (remainingNs <= 0)
                {
                    throw new BufferExhaustedException("Failed to allocate " + size + " bytes within the configured max blocking time "
                        + maxTimeToBlockMs + " ms (max.block.ms). Total memory: " + totalMemory + " bytes (buffer.memory). Available "
                        + "memory: " + (nonPooledAvailable + freeBytes() + accumulated) + " bytes. Poolable size: " + poolableSize
                        + " bytes (batch.size). Records are produced faster than the brokers take them, or no broker is reachable.");
                }
                remainingNs = turn.awaitNanos(remainingNs);
                checkOpen();
                if (accumulated == 0 && size == poolableSize && !free.isEmpty())
                {
                    return free.pollFirst();
                }
                freeUp(size - accumulated);
                final long got = Math.min(size - accumulated, nonPooledAvailable);
                nonPooledAvailable -= got;
                accumulated += got;
            }
            accumulated = 0;
            return null;
        }
        finally
        {
            // Failed or interrupted: what was gathered goes back for the next waiter.
            nonPooledAvailable += accumulated;
            waiters.remove(turn);
        }
    }

    /** Gives a builder back: a pooled-size one goes on the free list, any other is dropped and its bytes freed. */
    void deallocate(final RecordBatchBuilder builder, final int size)
    {
        lock.lock();
        try
        {
            if (size == poolableSize && !closed)
            {
                free.addLast(builder);
            }
            else
            {
                builder.close();
                nonPooledAvailable += size;
            }
            final Condition first = waiters.peekFirst();
            if (first != null)
            {
                first.signal();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /** How many threads wait for memory: when any do, the sender sends batches without waiting for linger.ms. */
    int queued()
    {
        lock.lock();
        try
        {
            return waiters.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Bytes not held by a batch in use (free builders included). */
    long availableMemory()
    {
        lock.lock();
        try
        {
            return nonPooledAvailable + freeBytes();
        }
        finally
        {
            lock.unlock();
        }
    }

    long totalMemory()
    {
        return totalMemory;
    }

    /** Fails every waiting and future allocation: the producer is closing. */
    void close()
    {
        lock.lock();
        try
        {
            closed = true;
            for (final Condition waiter : waiters)
            {
                waiter.signal();
            }
            for (final RecordBatchBuilder builder : free)
            {
                builder.close();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private void release(final long bytes)
    {
        lock.lock();
        try
        {
            nonPooledAvailable += bytes;
            signalNextIfMemoryLeft();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("Producer closed while allocating memory");
        }
    }

    private long freeBytes()
    {
        return (long)free.size() * poolableSize;
    }

    /** Drops free builders until {@code size} bytes are not held by any builder. */
    private void freeUp(final long size)
    {
        while (!free.isEmpty() && nonPooledAvailable < size)
        {
            free.pollLast().close();
            nonPooledAvailable += poolableSize;
        }
    }

    private void signalNextIfMemoryLeft()
    {
        if ((nonPooledAvailable > 0 || !free.isEmpty()) && !waiters.isEmpty())
        {
            waiters.peekFirst().signal();
        }
    }
}
