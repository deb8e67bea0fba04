package io.osprey.benchmarks;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a sender to a fixed rate: record {@code i} is due at {@code startNs + i / rate}. A sender
 * that is ahead parks until its record is due; one that fell behind sends at once (and keeps
 * sending until it has caught up), so the average rate holds over the run.
 * <p>
 * It parks rather than spins because on these 2-core machines a spinning load generator takes
 * the CPU the broker under test needs. A park lasts at least the kernel's timer slack (about
 * 50-60 µs), so at 50,000 records/s (20 µs apart) records leave in bursts of three or four;
 * at 1,000 records/s each leaves on its own, within about 60 µs of its due time.
 * A rate of zero or less means no pacing. Not thread-safe: one sending thread.
 */
final class Throttle
{
    private final double nsPerRecord;
    private final long startNs;

    Throttle(final double recordsPerSecond, final long startNs)
    {
        this.nsPerRecord = recordsPerSecond > 0 ? 1e9 / recordsPerSecond : 0;
        this.startNs = startNs;
    }

    /** Returns when record {@code index} (counting from 0) is due. */
    void awaitTurn(final long index)
    {
        if (nsPerRecord == 0)
        {
            return;
        }
        final long dueNs = startNs + (long)(index * nsPerRecord);
        long waitNs;
        while ((waitNs = dueNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(waitNs);
        }
    }
}
