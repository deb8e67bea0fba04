package io.osprey.server;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.util.Timeout;
import io.netty.util.Timer;

/**
 * A fetch waiting for {@code min.bytes} of new data or for {@code max.wait.ms} to pass: the
 * long poll. It watches each partition it reads; an append to any of them calls
 * {@link #tryComplete()}, which re-runs the read and answers if enough is now available; the
 * timer answers with whatever is there. Exactly one of them answers.
 */
final class DelayedFetch
{
    /** Re-reads the partitions; returns true when the result satisfies the fetch and was sent. */
    interface Attempt
    {
        boolean tryRespond(boolean force);
    }

    private final AtomicBoolean completed = new AtomicBoolean();
    private final List<Partition> watched;
    private final Attempt attempt;
    private final Runnable onFailure;
    private volatile Timeout timeout;

    /** @param onFailure run when answering failed with an exception (closes the connection) */
    DelayedFetch(final List<Partition> watched, final Attempt attempt, final Runnable onFailure)
    {
        this.watched = watched;
        this.attempt = attempt;
        this.onFailure = onFailure;
    }

    /** Registers with the partitions and the timer; checks once more to close the race with an append in between. */
    void start(final Timer timer, final long maxWaitMs)
    {
        for (final Partition p : watched)
        {
            p.addWaiter(this);
        }
        timeout = timer.newTimeout(t -> forceComplete(), Math.max(1, maxWaitMs), TimeUnit.MILLISECONDS);
        if (tryComplete())
        {
            unregister();
        }
    }

    /** Answers if enough data arrived. Any thread. */
    boolean tryComplete()
    {
        if (completed.get())
        {
            return true;
        }
        synchronized (this)
        {
            if (completed.get())
            {
                return true;
            }
            boolean responded;
            try
            {
                responded = attempt.tryRespond(false);
            }
            catch (final RuntimeException e)
            {
                onFailure.run();
                responded = true;
            }
            if (responded)
            {
                completed.set(true);
                final Timeout t = timeout;
                if (t != null)
                {
                    t.cancel();
                }
                unregister();
                return true;
            }
            return false;
        }
    }

    /** Answers now with whatever is there, as the timer would. Any thread. */
    void completeNow()
    {
        final Timeout t = timeout;
        if (t != null)
        {
            t.cancel();
        }
        forceComplete();
    }

    private void forceComplete()
    {
        try
        {
            synchronized (this)
            {
                if (completed.compareAndSet(false, true))
                {
                    attempt.tryRespond(true);
                }
            }
        }
        catch (final RuntimeException e)
        {
            // The response is lost; the connection's later responses would wait behind it forever.
            onFailure.run();
        }
        unregister();
    }

    private void unregister()
    {
        for (final Partition p : watched)
        {
            p.removeWaiter(this);
        }
    }
}
