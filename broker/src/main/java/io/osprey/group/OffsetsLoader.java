package io.osprey.group;

import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.log.LogSlice;
import io.osprey.log.PartitionLog;
import io.osprey.record.CorruptRecordException;
import io.osprey.record.Record;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;

/**
 * Reads one {@code __consumer_offsets} partition from its log start to the log end seen at the
 * start, replaying every record into a {@link LoadedPartition}. Reads go through
 * {@link PartitionLog#read} (safe from any thread) {@link #READ_BYTES_MAX} at a time.
 * <p>
 * A record (or batch) that does not decode refuses the whole partition ({@link LoadFailedException},
 * logged as an ERROR naming the partition and offset), as Kafka's loader does: skipping it would
 * leave the key's previous value in place (an older offset, a group that was deleted) and
 * treating it as a tombstone would silently reset a group's offsets, while a refused partition
 * is loud and loses nothing: its groups are answered COORDINATOR_NOT_AVAILABLE until an operator
 * repairs the log. Records of types Osprey does not write are still skipped.
 */
final class OffsetsLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(OffsetsLoader.class);
    /** Bytes read per step: Kafka's {@code offsets.load.buffer.size} default (5 MiB). */
    static final int READ_BYTES_MAX = 5 * 1024 * 1024;

    private OffsetsLoader()
    {
    }

    static LoadedPartition load(final PartitionLog log)
    {
        final LoadedPartition state = new LoadedPartition();
        final long end = log.logEndOffset();
        long offset = log.logStartOffset();
        try (RecordBatchReader reader = new RecordBatchReader())
        {
            while (offset < end)
            {
                final LogSlice slice = log.read(offset, READ_BYTES_MAX, end, true);
                if (slice.isEmpty())
                {
                    break;
                }
                final ByteBuffer buffer = slice.asByteBuffer();
                long next = offset;
                int position = 0;
                while (position + RecordBatch.HEADER_SIZE <= buffer.limit())
                {
                    final int size = buffer.getInt(position + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
                    if (size < RecordBatch.HEADER_SIZE || position + size > buffer.limit())
                    {
                        break;
                    }
                    try
                    {
                        reader.wrap(buffer, position);
                        final RecordBatch batch = reader.batch();
                        next = batch.lastOffset() + 1;
                        if (!batch.isControlBatch())
                        {
                            while (reader.hasNext())
                            {
                                replay(state, reader.next(), log);
                            }
                        }
                    }
                    catch (final CorruptRecordException | UnsupportedOperationException e)
                    {
                        throw failed(log, "the batch at or after offset " + offset + " (byte " + position + " of the read) is unreadable",
                            e);
                    }
                    position += size;
                }
                if (next <= offset)
                {
                    LOG.warn("Loading {} made no progress at offset {}; stopping at {} of {}", log.dir().getFileName(), offset,
                        offset, end);
                    break;
                }
                offset = next;
            }
        }
        return state;
    }

    private static void replay(final LoadedPartition state, final Record record, final PartitionLog log)
    {
        if (!record.hasKey())
        {
            return;
        }
        try
        {
            state.replay(record.keyBytes(), record.hasValue() ? record.valueBytes() : null);
        }
        catch (final IllegalArgumentException e)
        {
            throw failed(log, "the record at offset " + record.offset() + " does not decode", e);
        }
    }

    private static LoadFailedException failed(final PartitionLog log, final String what, final RuntimeException cause)
    {
        final String message = "Refusing to load " + log.dir().getFileName() + ": " + what + " (" + cause.getMessage() +
            "); its groups stay unavailable until the log is repaired";
        LOG.error(message);
        return new LoadFailedException(message, cause);
    }

    /** A partition that cannot be loaded without guessing at a record it cannot read. */
    static final class LoadFailedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        LoadFailedException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }
}
