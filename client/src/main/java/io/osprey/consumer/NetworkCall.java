package io.osprey.consumer;

/**
 * A request-response job the application thread hands the network thread (an offset lookup, a
 * topic listing) and then waits for, with a deadline. The network thread {@link #poll}s it each
 * loop until it completes, fails, passes its deadline or is abandoned by a waiter that gave up.
 * <p>
 * Thread-safety: {@link #poll}, {@link #complete} and {@link #fail} run on the network thread
 * only; the outcome is published through volatile fields for the application thread, which may
 * also {@link #abandon} the call.
 */
abstract class NetworkCall<T>
{
    private final long deadlineMs;

    private volatile boolean done;
    private volatile boolean abandoned;
    private volatile T result;
    private volatile RuntimeException failure;

    /** @param deadlineMs on the network client's clock; the network thread stops working on the call after it */
    NetworkCall(final long deadlineMs)
    {
        this.deadlineMs = deadlineMs;
    }

    /**
     * Network thread: sends what is due.
     *
     * @return how long the network thread may block before this call needs polling again
     *         ({@link Long#MAX_VALUE} when only a response or metadata update can move it on)
     */
    abstract long poll(long nowMs);

    /** The deadline given at construction, on the network client's clock. */
    final long deadlineMs()
    {
        return deadlineMs;
    }

    /** Network thread: whether the call needs no more polling. */
    final boolean isFinished(final long nowMs)
    {
        return done || abandoned || nowMs >= deadlineMs;
    }

    final void complete(final T value)
    {
        if (!done)
        {
            result = value;
            done = true;
        }
    }

    final void fail(final RuntimeException e)
    {
        if (!done)
        {
            failure = e;
            done = true;
        }
    }

    /** Application thread: whether it completed or failed. */
    final boolean isDone()
    {
        return done;
    }

    /** Application thread, once done: the value, or the failure thrown. */
    final T result()
    {
        final RuntimeException e = failure;
        if (e != null)
        {
            throw e;
        }
        return result;
    }

    /** Application thread: nobody waits any more; the network thread drops the call. */
    final void abandon()
    {
        abandoned = true;
    }

    /** Why the call is not done yet, for the timeout message; null when there is nothing to add. */
    abstract String lastProblem();
}
