package io.osprey.log;

/**
 * What an append did. Immutable.
 *
 * @param firstOffset     offset of the first record appended (of the original batch for a duplicate)
 * @param lastOffset      offset of the last record appended (of the original batch for a duplicate)
 * @param maxTimestamp    largest record timestamp of the appended batches
 * @param logAppendTimeMs the time written into log-append-time batches, or -1
 * @param batches         number of batches appended (0 for a duplicate)
 * @param bytes           bytes appended (0 for a duplicate)
 * @param duplicate       true when an idempotent producer resent a batch already in the log: nothing
 *                        was appended and the offsets are those the batch got the first time
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, long logAppendTimeMs, int batches, int bytes,
    boolean duplicate)
{
    /** An append that wrote its batches (not a duplicate). */
    public LogAppendInfo(final long firstOffset, final long lastOffset, final long maxTimestamp, final long logAppendTimeMs,
        final int batches, final int bytes)
    {
        this(firstOffset, lastOffset, maxTimestamp, logAppendTimeMs, batches, bytes, false);
    }
}
