package io.osprey.client;

import java.util.Random;

/**
 * Kafka's exponential backoff with jitter, used for reconnects, connection setup timeouts and
 * request retries: attempt {@code n} (0-based) waits {@code initial * multiplier^n}, capped at
 * {@code max}, times a random factor in {@code [1 - jitter, 1 + jitter]}. The jitter is applied
 * after the cap, as in Kafka, so waits stay spread out even when every client has reached the
 * maximum (which is when a cluster restart would otherwise see them reconnect in lock-step):
 * with the default 20% jitter the longest wait is 1.2 * max.
 * <p>
 * Immutable and thread-safe; the caller supplies the {@link Random} (seeded in tests).
 */
public final class ExponentialBackoff
{
    /** Kafka's jitter for every client backoff. */
    public static final double DEFAULT_JITTER = 0.2;

    private final long initialMs;
    private final long maxMs;
    private final int multiplier;
    private final double jitter;
    private final double expMax;

    /**
     * @param initialMs  the first wait; 0 gives no wait at all
     * @param multiplier growth per attempt, at least 2
     * @param maxMs      the cap before jitter; taken as {@code initialMs} when smaller (as Kafka
     *                   does for {@code reconnect.backoff.max.ms < reconnect.backoff.ms})
     * @param jitter     the random spread, in [0, 1)
     */
    public ExponentialBackoff(final long initialMs, final int multiplier, final long maxMs, final double jitter)
    {
        if (initialMs < 0 || multiplier < 2 || jitter < 0 || jitter >= 1)
        {
            throw new IllegalArgumentException("Bad backoff: initial " + initialMs + " ms, multiplier " + multiplier + ", jitter " + jitter);
        }
        this.initialMs = initialMs;
        this.maxMs = Math.max(initialMs, maxMs);
        this.multiplier = multiplier;
        this.jitter = jitter;
        // The exponent at which the cap is reached; attempts beyond it cost no Math.pow overflow.
        this.expMax = initialMs > 0 && this.maxMs > initialMs ? Math.log(this.maxMs / (double)initialMs) / Math.log(multiplier) : 0;
    }

    /** Doubling from {@code initialMs} to {@code maxMs} with {@link #DEFAULT_JITTER}. */
    public static ExponentialBackoff doubling(final long initialMs, final long maxMs)
    {
        return new ExponentialBackoff(initialMs, 2, maxMs, DEFAULT_JITTER);
    }

    /** The wait before attempt {@code attempts} (0 for the first retry). */
    public long backoffMs(final long attempts, final Random random)
    {
        if (initialMs == 0)
        {
            return 0;
        }
        final double exponent = Math.min(Math.max(attempts, 0), expMax);
        final double term = Math.min(maxMs, initialMs * Math.pow(multiplier, exponent));
        final double factor = jitter == 0 ? 1.0 : 1.0 - jitter + random.nextDouble() * 2 * jitter;
        return (long)(factor * term);
    }

    public long initialMs()
    {
        return initialMs;
    }

    public long maxMs()
    {
        return maxMs;
    }
}
