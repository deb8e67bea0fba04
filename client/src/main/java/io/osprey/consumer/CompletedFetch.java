package io.osprey.consumer;

import java.nio.ByteBuffer;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;

/**
 * What the network thread hands the application thread about one partition, in order:
 * <ul>
 * <li>{@link Kind#RECORDS}: whole record batches fetched from {@code fetchOffset}, a slice of the
 * fetch response's buffer (a partial trailing batch already cut off);</li>
 * <li>{@link Kind#POSITION}: a reset looked up {@code fetchOffset} as the new position;</li>
 * <li>{@link Kind#ERROR}: fetching from {@code fetchOffset} failed in a way the application has
 * to hear about (out of range with {@code auto.offset.reset=none}, a corrupt batch, an
 * authorization error); the network thread stops fetching the partition until a seek.</li>
 * </ul>
 * Each is tagged with the generation it was fetched for; one whose generation is no longer the
 * partition's is stale and dropped.
 * <p>
 * Thread-safety: the fields are written by the network thread before the object is offered to
 * the queue, which publishes them; from then on the application thread owns it, and only it
 * touches the decoding cursor.
 */
final class CompletedFetch
{
    enum Kind
    {
        RECORDS,
        POSITION,
        ERROR
    }

    final Kind kind;
    final TopicPartition partition;
    final long generation;
    final long fetchOffset;
    /** Whole batches, position 0 to limit; empty for non-RECORDS kinds. */
    final ByteBuffer records;
    final ErrorCode error;
    final String errorMessage;

    // ---- Decoding cursor: application thread only ----------------------------------------------

    /** Where in {@link #records} the batch being read (or the next one) starts. */
    int batchPosition;
    /** Whether the batch at {@link #batchPosition} has been wrapped and is being read. */
    boolean inBatch;
    /** Whether decoding started; before that the position must equal {@link #fetchOffset}. */
    boolean started;

    private CompletedFetch(final Kind kind, final TopicPartition partition, final long generation, final long fetchOffset,
        final ByteBuffer records, final ErrorCode error, final String errorMessage)
    {
        this.kind = kind;
        this.partition = partition;
        this.generation = generation;
        this.fetchOffset = fetchOffset;
        this.records = records;
        this.error = error;
        this.errorMessage = errorMessage;
    }

    /** @param records whole batches from position 0 to the limit (a slice the fetch response no longer shares positions with) */
    static CompletedFetch records(final TopicPartition partition, final long generation, final long fetchOffset, final ByteBuffer records)
    {
        return new CompletedFetch(Kind.RECORDS, partition, generation, fetchOffset, records, ErrorCode.NONE, null);
    }

    static CompletedFetch position(final TopicPartition partition, final long generation, final long offset)
    {
        return new CompletedFetch(Kind.POSITION, partition, generation, offset, ByteBuffer.allocate(0), ErrorCode.NONE, null);
    }

    static CompletedFetch error(final TopicPartition partition, final long generation, final long fetchOffset, final ErrorCode error,
        final String message)
    {
        return new CompletedFetch(Kind.ERROR, partition, generation, fetchOffset, ByteBuffer.allocate(0), error, message);
    }

    /** The fetched bytes this holds, as counted against the fetch buffer thresholds. */
    int sizeInBytes()
    {
        return records.limit();
    }

    /** Whether every batch has been read. */
    boolean isExhausted()
    {
        return !inBatch && batchPosition >= records.limit();
    }

    @Override
    public String toString()
    {
        return "CompletedFetch{" + kind + " " + partition + " generation " + generation + " from " + fetchOffset
            + (kind == Kind.RECORDS ? ", " + records.limit() + " bytes" : "") + (kind == Kind.ERROR ? ", " + error : "") + "}";
    }
}
