package io.osprey.client;

/**
 * The clock the client's I/O thread reads once per poll and passes down as {@code nowMs}.
 * Injected so tests can drive time; every deadline in the client layer (request timeouts,
 * reconnect backoff, metadata age) is computed against the same clock, so callers that pass
 * {@code nowMs} to {@link NetworkClient} must read it from {@link NetworkClient#clock()}.
 */
@FunctionalInterface
public interface ClientClock
{
    /**
     * Milliseconds from {@link System#nanoTime()}: monotonic, so a wall-clock step (NTP, a VM
     * resumed) neither expires every request at once nor stalls them. Not a date.
     */
    ClientClock SYSTEM = () -> System.nanoTime() / 1_000_000L;

    long nowMs();
}
