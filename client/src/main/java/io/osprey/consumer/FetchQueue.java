package io.osprey.consumer;

import java.util.ArrayDeque;
import java.util.Deque;

import org.jctools.queues.atomic.SpscAtomicArrayQueue;

/**
 * Hands {@link CompletedFetch}es from the network thread to the application thread: a bounded
 * lock-free single-producer single-consumer ring (JCTools' atomic variant: field updaters, no
 * Unsafe, so applications need no JVM flags), whose offer and poll publish each fetch's fields.
 * <p>
 * When the ring is full the network thread parks further fetches in its own overflow list, in
 * order, and {@link #isBackedUp() stops fetching} until the application has drained the ring; the
 * overflow is therefore bounded by the responses in flight when it filled.
 * <p>
 * Thread-safety: {@link #deliver}, {@link #flushOverflow} and {@link #isBackedUp} are for the
 * network thread only; {@link #drainTo} for the application thread only.
 */
final class FetchQueue
{
    private final SpscAtomicArrayQueue<CompletedFetch> ring;
    private final Deque<CompletedFetch> overflow = new ArrayDeque<>();

    FetchQueue(final int capacity)
    {
        ring = new SpscAtomicArrayQueue<>(capacity);
    }

    /** Network thread: queues {@code fetch} behind everything delivered before it. */
    void deliver(final CompletedFetch fetch)
    {
        if (!overflow.isEmpty() || !ring.offer(fetch))
        {
            overflow.addLast(fetch);
        }
    }

    /** Network thread: moves parked fetches into the ring as far as it has room. */
    void flushOverflow()
    {
        while (!overflow.isEmpty() && ring.offer(overflow.peekFirst()))
        {
            overflow.pollFirst();
        }
    }

    /** Network thread: whether fetches are parked, so no new fetch should be sent. */
    boolean isBackedUp()
    {
        return !overflow.isEmpty();
    }

    /** Application thread: moves everything delivered so far to the end of {@code out}. */
    void drainTo(final Deque<CompletedFetch> out)
    {
        CompletedFetch fetch;
        while ((fetch = ring.poll()) != null)
        {
            out.addLast(fetch);
        }
    }
}
