package io.osprey.consumer;

/**
 * Thrown by a blocking consumer call because another thread called {@link Consumer#wakeup()}:
 * the usual way to stop a thread stuck in {@code poll}. Not an {@link io.osprey.common.OspreyException}
 * on purpose: it is control flow, carries no protocol error code, and a loop that catches
 * {@code OspreyException} to log and go on should not swallow it.
 */
public class WakeupException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public WakeupException()
    {
        super("The consumer was woken up by wakeup() while (or before) blocking");
    }
}
