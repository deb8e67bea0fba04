package io.osprey.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds the cleaner threads together to {@code log.cleaner.io.max.bytes.per.second}, as Kafka's
 * one throttler does: bytes read and written are counted, and every {@link #CHECK_INTERVAL_NS}
 * the thread that counts sleeps for as long as they ran ahead of the rate. Each sleep is bounded
 * by {@link #SLEEP_MAX_NS} so that aborts and shutdown are noticed promptly.
 */
final class Throttler
{
    /** How often the rate is measured: long enough that the count is meaningful, short enough to be smooth. */
    static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long SLEEP_MAX_NS = TimeUnit.SECONDS.toNanos(1);

    private final double bytesPerSecond;
    private long periodStartNs = System.nanoTime();
    private long bytes;

    Throttler(final double bytesPerSecond)
    {
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * Counts bytes read or written and sleeps when the rate since the last check is above the
     * limit. Synchronized, sleep included, as Kafka's: the cleaner threads share one throttler,
     * and while one sleeps off the excess the others wait for it.
     */
    synchronized void onBytes(final long count)
    {
        if (bytesPerSecond >= Double.MAX_VALUE)
        {
            return;
        }
        bytes += count;
        final long nowNs = System.nanoTime();
        final long elapsedNs = nowNs - periodStartNs;
        if (elapsedNs < CHECK_INTERVAL_NS)
        {
            return;
        }
        final long targetNs = (long)(bytes * 1e9 / bytesPerSecond);
        if (targetNs > elapsedNs)
        {
            LockSupport.parkNanos(Math.min(SLEEP_MAX_NS, targetNs - elapsedNs));
        }
        periodStartNs = System.nanoTime();
        bytes = 0;
    }
}
