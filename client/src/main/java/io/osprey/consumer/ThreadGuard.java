package io.osprey.consumer;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Kafka's single-thread check for the consumer: one thread at a time may be inside it (the same
 * thread may nest calls), and a second one gets a {@link ConcurrentModificationException} at
 * once instead of corrupting state the consumer keeps without locks. Different threads may use
 * the consumer one after the other; the handover itself needs the caller's own synchronization,
 * as with any non-thread-safe object.
 * <p>
 * Thread-safe: the owner is claimed with a compare-and-set; the nesting count is only touched by
 * the owner.
 */
final class ThreadGuard
{
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private int depth;

    /** Claims the consumer for the calling thread, or throws when another thread holds it. */
    void acquire()
    {
        final Thread thread = Thread.currentThread();
        if (owner.get() != thread && !owner.compareAndSet(null, thread))
        {
            final Thread holder = owner.get();
            throw new ConcurrentModificationException("OspreyConsumer is not safe for multi-threaded access: thread '" + thread.getName()
                + "' called it while thread '" + (holder == null ? "?" : holder.getName()) + "' was using it");
        }
        depth++;
    }

    /** Gives the consumer up once the outermost call returns. */
    void release()
    {
        if (--depth == 0)
        {
            owner.set(null);
        }
    }
}
