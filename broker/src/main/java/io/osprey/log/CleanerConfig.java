package io.osprey.log;

/**
 * Broker-wide settings of the {@link LogCleaner}, with Kafka's key names and defaults.
 *
 * @param enable                  {@code log.cleaner.enable}: run cleaner threads at all
 * @param threads                 {@code log.cleaner.threads}: cleaner threads, each with its own offset map
 * @param dedupeBufferBytes       {@code log.cleaner.dedupe.buffer.size}: memory for the offset maps of all
 *                                threads together (each thread gets an equal share)
 * @param loadFactor              {@code log.cleaner.io.buffer.load.factor}: how full an offset map may get
 * @param backoffMs               {@code log.cleaner.backoff.ms}: sleep when no log needs cleaning
 * @param ioMaxBytesPerSecond     {@code log.cleaner.io.max.bytes.per.second}: read plus write rate limit of
 *                                each thread
 */
public record CleanerConfig(
    boolean enable,
    int threads,
    long dedupeBufferBytes,
    double loadFactor,
    long backoffMs,
    double ioMaxBytesPerSecond)
{
    public static final long DEFAULT_DEDUPE_BUFFER_BYTES = 128L * 1024 * 1024;
    public static final double DEFAULT_LOAD_FACTOR = 0.9;
    public static final long DEFAULT_BACKOFF_MS = 15_000;

    public CleanerConfig
    {
        if (threads < 0 || dedupeBufferBytes < 0 || backoffMs < 0 || !(ioMaxBytesPerSecond > 0))
        {
            throw new IllegalArgumentException("invalid cleaner config: threads " + threads + ", dedupe buffer " +
                dedupeBufferBytes + ", backoff " + backoffMs + ", io rate " + ioMaxBytesPerSecond);
        }
        if (!(loadFactor > 0 && loadFactor <= 1))
        {
            throw new IllegalArgumentException("log.cleaner.io.buffer.load.factor must be in (0, 1]: " + loadFactor);
        }
    }

    /** Kafka's defaults: enabled, one thread, 128 MiB of offset map, 15 s backoff, no rate limit. */
    public static CleanerConfig defaults()
    {
        return new CleanerConfig(true, 1, DEFAULT_DEDUPE_BUFFER_BYTES, DEFAULT_LOAD_FACTOR, DEFAULT_BACKOFF_MS,
            Double.MAX_VALUE);
    }

    /** The share of the dedupe buffer one thread's offset map may use. */
    public long dedupeBytesPerThread()
    {
        return dedupeBufferBytes / Math.max(1, threads);
    }
}
