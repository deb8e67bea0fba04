package io.osprey.log;

/**
 * What an append did.
 *
 * @param firstOffset     offset of the first record appended
 * @param lastOffset      offset of the last record appended
 * @param maxTimestamp    largest record timestamp of the appended batches
 * @param logAppendTimeMs the time written into log-append-time batches, or -1
 * @param batches         number of batches appended
 * @param bytes           bytes appended
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, long logAppendTimeMs, int batches, int bytes)
{
}
