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
 * {@link PartitionLog#read} (safe from any thread) {@link #READ_BYTES_MAX} at a time; a record
 * that does not decode is logged and skipped, so one bad record cannot stop a coordinator from
 * loading.
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
                        LOG.warn("Skipping an unreadable batch of {} at position {}: {}", log.dir().getFileName(), position,
                            e.getMessage());
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
            LOG.warn("Skipping an unreadable record at offset {} of {}: {}", record.offset(), log.dir().getFileName(),
                e.getMessage());
        }
    }
}
