package io.osprey.consumer;

import java.util.concurrent.TimeUnit;

/**
 * How a blocked application thread learns that something changed: the network thread signals
 * after each loop (data delivered, a lookup finished, metadata updated), and {@code wakeup()}
 * signals too. A waiter reads {@link #version()} before checking its condition and waits only if
 * the version has not moved since, so a signal between the check and the wait is never lost.
 * <p>
 * Thread-safe (this object's monitor).
 */
final class AppSignal
{
    private long version;

    synchronized long version()
    {
        return version;
    }

    synchronized void signal()
    {
        version++;
        notifyAll();
    }

    /** Waits until the version differs from {@code seen} or {@code timeoutMs} passes. */
    synchronized void await(final long seen, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (version == seen)
        {
            final long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, remainingNs);
        }
    }
}
