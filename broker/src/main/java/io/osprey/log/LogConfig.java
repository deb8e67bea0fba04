package io.osprey.log;

/**
 * Per-partition storage settings, with Kafka's topic-level key names and defaults.
 *
 * @param segmentBytes          {@code segment.bytes}: a segment rolls before it would exceed this
 * @param segmentMs             {@code segment.ms}: a non-empty segment older than this rolls
 * @param segmentIndexBytes     {@code segment.index.bytes}: preallocated size of each index file
 * @param indexIntervalBytes    {@code index.interval.bytes}: bytes between sparse index entries
 * @param retentionMs           {@code retention.ms}: -1 keeps forever
 * @param retentionBytes        {@code retention.bytes}: per partition; -1 keeps any size
 * @param flushMessages         {@code flush.messages}: fsync after this many records
 * @param flushMs               {@code flush.ms}: fsync when the oldest unflushed record is this old
 * @param maxMessageBytes       {@code max.message.bytes}: largest batch accepted
 * @param logAppendTime         {@code message.timestamp.type=LogAppendTime}
 * @param compacted             {@code cleanup.policy} includes compact: follower appends may skip offsets
 * @param fileDeleteDelayMs     {@code file.delete.delay.ms}: deleted segments linger for in-flight reads
 * @param producerIdExpirationMs {@code producer.id.expiration.ms}: idle producer state is dropped after this
 *                              (a broker-level key in Kafka; carried here so a log needs no other config)
 * @param compaction            the rest of {@code cleanup.policy} and the cleaner's per-topic settings
 * @param timestampBeforeMaxMs  {@code message.timestamp.before.max.ms}: a CreateTime record older than this is refused
 * @param timestampAfterMaxMs   {@code message.timestamp.after.max.ms}: a CreateTime record this far ahead is refused
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    int segmentIndexBytes,
    int indexIntervalBytes,
    long retentionMs,
    long retentionBytes,
    long flushMessages,
    long flushMs,
    int maxMessageBytes,
    boolean logAppendTime,
    boolean compacted,
    long fileDeleteDelayMs,
    long producerIdExpirationMs,
    CompactionConfig compaction,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs)
{
    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000;
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24L * 60 * 60 * 1000;
    /** Kafka 4's default of {@code message.timestamp.after.max.ms}: one hour. */
    public static final long DEFAULT_TIMESTAMP_AFTER_MAX_MS = 60L * 60 * 1000;

    /** Smallest segment.bytes accepted: a segment must hold at least one batch header. */
    public static final int MIN_SEGMENT_BYTES = 14;

    /**
     * Age at which a non-empty active segment rolls: {@code segment.ms}, or on a compacted log
     * {@code max.compaction.lag.ms} when that is shorter (as Kafka), so that records reach a
     * sealed segment, the only kind the cleaner compacts, within the lag the topic promises.
     */
    public long rollMs()
    {
        return compacted && compaction.maxCompactionLagMs() < segmentMs ? compaction.maxCompactionLagMs() : segmentMs;
    }

    public LogConfig
    {
        if (segmentBytes < MIN_SEGMENT_BYTES)
        {
            throw new IllegalArgumentException("segment.bytes must be at least " + MIN_SEGMENT_BYTES + ": " + segmentBytes);
        }
        if (segmentIndexBytes < 24)
        {
            throw new IllegalArgumentException("segment.index.bytes must be at least 24: " + segmentIndexBytes);
        }
        if (segmentMs <= 0 || indexIntervalBytes < 0 || flushMessages < 1 || flushMs < 0 || maxMessageBytes < 0)
        {
            throw new IllegalArgumentException("invalid log config " + this);
        }
        if (producerIdExpirationMs < 1)
        {
            throw new IllegalArgumentException("producer.id.expiration.ms must be at least 1: " + producerIdExpirationMs);
        }
        java.util.Objects.requireNonNull(compaction, "compaction");
        if (timestampBeforeMaxMs < 0 || timestampAfterMaxMs < 0)
        {
            throw new IllegalArgumentException(
                "timestamp bounds must not be negative: " + timestampBeforeMaxMs + "/" + timestampAfterMaxMs);
        }
    }

    /** The settings without the compaction ones, which take Kafka's defaults (delete policy on). */
    public LogConfig(
        final int segmentBytes,
        final long segmentMs,
        final int segmentIndexBytes,
        final int indexIntervalBytes,
        final long retentionMs,
        final long retentionBytes,
        final long flushMessages,
        final long flushMs,
        final int maxMessageBytes,
        final boolean logAppendTime,
        final boolean compacted,
        final long fileDeleteDelayMs,
        final long producerIdExpirationMs)
    {
        this(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes, flushMessages,
            flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs, producerIdExpirationMs,
            CompactionConfig.DEFAULT, Long.MAX_VALUE, DEFAULT_TIMESTAMP_AFTER_MAX_MS);
    }

    /** The settings without {@code producer.id.expiration.ms}, which takes its default (one day). */
    public LogConfig(
        final int segmentBytes,
        final long segmentMs,
        final int segmentIndexBytes,
        final int indexIntervalBytes,
        final long retentionMs,
        final long retentionBytes,
        final long flushMessages,
        final long flushMs,
        final int maxMessageBytes,
        final boolean logAppendTime,
        final boolean compacted,
        final long fileDeleteDelayMs)
    {
        this(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes, flushMessages,
            flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs, DEFAULT_PRODUCER_ID_EXPIRATION_MS);
    }

    public static LogConfig defaults()
    {
        return new LogConfig(
            DEFAULT_SEGMENT_BYTES,
            DEFAULT_SEGMENT_MS,
            DEFAULT_SEGMENT_INDEX_BYTES,
            DEFAULT_INDEX_INTERVAL_BYTES,
            DEFAULT_RETENTION_MS,
            -1,
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            DEFAULT_MAX_MESSAGE_BYTES,
            false,
            false,
            DEFAULT_FILE_DELETE_DELAY_MS,
            DEFAULT_PRODUCER_ID_EXPIRATION_MS,
            CompactionConfig.DEFAULT,
            Long.MAX_VALUE,
            DEFAULT_TIMESTAMP_AFTER_MAX_MS);
    }

    public LogConfig withSegmentBytes(final int v)
    {
        return new LogConfig(v, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs,
            producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withSegmentMs(final long v)
    {
        return new LogConfig(segmentBytes, v, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs,
            producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withSegmentIndexBytes(final int v)
    {
        return new LogConfig(segmentBytes, segmentMs, v, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs,
            producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withIndexIntervalBytes(final int v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, v, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs,
            producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withRetention(final long ms, final long bytes)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, ms, bytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs,
            producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withFlush(final long messages, final long ms)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            messages, ms, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs,
            producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withMaxMessageBytes(final int v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, v, logAppendTime, compacted, fileDeleteDelayMs, producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withLogAppendTime(final boolean v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, v, compacted, fileDeleteDelayMs, producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withCompacted(final boolean v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, v, fileDeleteDelayMs, producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withFileDeleteDelayMs(final long v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, v, producerIdExpirationMs, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withProducerIdExpirationMs(final long v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs, v, compaction,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withCompaction(final CompactionConfig v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs, producerIdExpirationMs, v,
            timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    /** {@code message.timestamp.before.max.ms} and {@code message.timestamp.after.max.ms} (Long.MAX_VALUE: no bound). */
    public LogConfig withTimestampBounds(final long beforeMaxMs, final long afterMaxMs)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs, producerIdExpirationMs,
            compaction, beforeMaxMs, afterMaxMs);
    }

    /** {@code cleanup.policy}: {@code compact} and/or {@code delete}. */
    public LogConfig withCleanupPolicy(final boolean compact, final boolean delete)
    {
        return withCompacted(compact).withCompaction(compaction.withDeletePolicy(delete));
    }
}
