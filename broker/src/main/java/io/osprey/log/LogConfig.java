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
    long fileDeleteDelayMs)
{
    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000;

    /** Smallest segment.bytes accepted: a segment must hold at least one batch header. */
    public static final int MIN_SEGMENT_BYTES = 14;

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
            DEFAULT_FILE_DELETE_DELAY_MS);
    }

    public LogConfig withSegmentBytes(final int v)
    {
        return new LogConfig(v, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withSegmentMs(final long v)
    {
        return new LogConfig(segmentBytes, v, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withSegmentIndexBytes(final int v)
    {
        return new LogConfig(segmentBytes, segmentMs, v, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withIndexIntervalBytes(final int v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, v, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withRetention(final long ms, final long bytes)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, ms, bytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withFlush(final long messages, final long ms)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            messages, ms, maxMessageBytes, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withMaxMessageBytes(final int v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, v, logAppendTime, compacted, fileDeleteDelayMs);
    }

    public LogConfig withLogAppendTime(final boolean v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, v, compacted, fileDeleteDelayMs);
    }

    public LogConfig withCompacted(final boolean v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, v, fileDeleteDelayMs);
    }

    public LogConfig withFileDeleteDelayMs(final long v)
    {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, retentionMs, retentionBytes,
            flushMessages, flushMs, maxMessageBytes, logAppendTime, compacted, v);
    }
}
