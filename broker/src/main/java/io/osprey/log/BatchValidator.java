package io.osprey.log;

import java.nio.ByteBuffer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.record.Compression;
import io.osprey.record.CorruptRecordException;
import io.osprey.record.Record;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;

/**
 * Checks batches before they reach a log. Leader appends get the full check (one batch per
 * request as Produce v3+ requires, size limit, magic, CRC, codec, record count against
 * {@code lastOffsetDelta}, and for uncompressed batches a walk over every record's framing);
 * follower appends get the integrity checks only, since the leader already validated.
 * Stateless; the {@link RecordBatch} view passed in is the caller's (one per writer thread).
 */
final class BatchValidator
{
    /**
     * Largest records section a compressed batch may decompress to on the leader: enough for any
     * batch a producer builds (its batch.size is counted before compression, 16 KiB by default,
     * and max.message.bytes defaults to 1 MiB) with room for very compressible data, and small
     * enough that a hostile batch cannot exhaust a broker's heap.
     */
    static final int DECOMPRESSED_BYTES_MAX = 32 << 20;
    /** A decompression buffer larger than this is dropped after use instead of being kept. */
    private static final int RETAINED_BUFFER_BYTES_MAX = 1 << 20;

    private BatchValidator()
    {
    }

    /**
     * Validates the single batch that {@code buffer} holds from its position to its limit; on a
     * compacted topic ({@code requireKeys}) every record must have a key, as Kafka demands: the
     * cleaner could not tell which record a keyless one supersedes. Every record's timestamp
     * (unless -1, none) must lie in {@code [minTimestamp, maxTimestamp]}, else INVALID_TIMESTAMP:
     * Kafka's {@code message.timestamp.before/after.max.ms} on a CreateTime topic
     * ({@link #minTimestamp}, {@link #maxTimestamp}); Long.MIN_VALUE and Long.MAX_VALUE check nothing.
     */
    static void validateLeaderBatch(final RecordBatch batch, final RecordBatchReader reader, final ByteBuffer buffer,
        final int maxMessageBytes, final boolean requireKeys, final long minTimestamp, final long maxTimestamp)
    {
        final int start = buffer.position();
        final int available = buffer.remaining();
        validateFraming(buffer, start, available);
        batch.wrap(buffer, start);
        final int size = batch.sizeInBytes();
        if (size != available)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD,
                "A produce request must carry exactly one record batch per partition: batch of " + size +
                " bytes in " + available + " bytes of records");
        }
        if (size > maxMessageBytes)
        {
            throw new OspreyException(ErrorCode.MESSAGE_TOO_LARGE,
                "Record batch of " + size + " bytes exceeds max.message.bytes " + maxMessageBytes);
        }
        validateIntegrity(batch);
        final int count = batch.recordCount();
        if (count <= 0 || batch.lastOffsetDelta() != count - 1)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD,
                "Record batch has " + count + " records but lastOffsetDelta " + batch.lastOffsetDelta());
        }
        if (batch.isControlBatch())
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD, "Producers may not write control batches");
        }
        if (batch.isTransactional())
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD, "Transactional batches are not supported by Osprey");
        }
        validateProducerFields(batch);
        validateRecords(reader, buffer, start, batch.baseOffset(), count, requireKeys, minTimestamp, maxTimestamp);
    }

    /** The lowest timestamp {@code message.timestamp.before.max.ms} lets through at {@code nowMs}, without overflow. */
    static long minTimestamp(final long nowMs, final long beforeMaxMs)
    {
        return beforeMaxMs == Long.MAX_VALUE || nowMs - beforeMaxMs > nowMs ? Long.MIN_VALUE : nowMs - beforeMaxMs;
    }

    /** The highest timestamp {@code message.timestamp.after.max.ms} lets through at {@code nowMs}, without overflow. */
    static long maxTimestamp(final long nowMs, final long afterMaxMs)
    {
        return afterMaxMs > Long.MAX_VALUE - Math.max(0, nowMs) ? Long.MAX_VALUE : nowMs + afterMaxMs;
    }

    /**
     * Parses every record, decompressing the batch when it is compressed (as Kafka's leader
     * does): each record's length, key, value and headers must be well formed and fill the record
     * exactly, there must be exactly {@code count} records, and their offset deltas must run 0, 1,
     * 2, ... A batch that passed the CRC check can still carry garbage that no consumer could read;
     * accepting it would stop every consumer of the partition at that offset. Uncompressed batches
     * are walked in place with the reusable reader, without allocating.
     */
    private static void validateRecords(final RecordBatchReader reader, final ByteBuffer buffer, final int start,
        final long baseOffset, final int count, final boolean requireKeys, final long minTimestamp, final long maxTimestamp)
    {
        try
        {
            reader.wrap(buffer, start);
            int i = 0;
            while (reader.hasNext())
            {
                final Record r = reader.next();
                if (r.offset() - baseOffset != i)
                {
                    throw invalidRecord("record " + i + " has offset delta " + (r.offset() - baseOffset));
                }
                if (requireKeys && !r.hasKey())
                {
                    throw new OspreyException(ErrorCode.INVALID_RECORD, "Compacted topic cannot accept message without key");
                }
                final long ts = r.timestamp();
                if (ts != RecordBatch.NO_TIMESTAMP && (ts < minTimestamp || ts > maxTimestamp))
                {
                    throw new OspreyException(ErrorCode.INVALID_TIMESTAMP, "Timestamp " + ts + " of record " + i
                        + " of the batch is out of range: it must be within [" + minTimestamp + ", " + maxTimestamp
                        + "] (message.timestamp.before.max.ms / message.timestamp.after.max.ms)");
                }
                i++;
            }
            if (i != count)
            {
                throw invalidRecord("batch declares " + count + " records but holds " + i);
            }
        }
        catch (final CorruptRecordException e)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD, "Invalid record in batch: " + e.getMessage());
        }
        catch (final UnsupportedOperationException e)
        {
            throw new OspreyException(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, e.getMessage());
        }
        finally
        {
            reader.trimBuffers(RETAINED_BUFFER_BYTES_MAX);
        }
    }

    /**
     * A batch either carries no producer id (-1, then epoch and sequence are ignored) or a
     * producer id with a non-negative epoch and base sequence, as Kafka's validator demands:
     * the producer-state rules are undefined for negative sequences.
     */
    private static void validateProducerFields(final RecordBatch batch)
    {
        final long producerId = batch.producerId();
        if (producerId == RecordBatch.NO_PRODUCER_ID)
        {
            return;
        }
        if (producerId < 0 || batch.producerEpoch() < 0 || batch.baseSequence() < 0)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD,
                "Invalid idempotent batch: producer id " + producerId + ", epoch " + batch.producerEpoch() +
                ", base sequence " + batch.baseSequence() + " (all must be non-negative)");
        }
    }

    /** Size fields must describe a batch that fits in what was received. */
    static void validateFraming(final ByteBuffer buffer, final int start, final int available)
    {
        if (available < RecordBatch.HEADER_SIZE)
        {
            throw new OspreyException(ErrorCode.CORRUPT_MESSAGE,
                "Record batch is " + available + " bytes, shorter than the " + RecordBatch.HEADER_SIZE + "-byte header");
        }
        final int batchLength = buffer.getInt(start + RecordBatch.BATCH_LENGTH_OFFSET);
        if (batchLength < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD ||
            batchLength > available - RecordBatch.LOG_OVERHEAD)
        {
            throw new OspreyException(ErrorCode.CORRUPT_MESSAGE,
                "Record batch length " + batchLength + " does not fit the " + available + " bytes received");
        }
    }

    /** Magic, CRC and codec: what a follower also checks. */
    static void validateIntegrity(final RecordBatch batch)
    {
        if (batch.magic() != RecordBatch.MAGIC)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD,
                "Record batch magic " + batch.magic() + " is not supported; only magic 2 is");
        }
        final long stored = batch.checksum();
        final long computed = batch.computeChecksum();
        if (stored != computed)
        {
            throw new OspreyException(ErrorCode.CORRUPT_MESSAGE,
                "Record batch CRC mismatch at base offset " + batch.baseOffset() + ": stored " + stored +
                ", computed " + computed);
        }
        final Compression codec = batch.compression();
        if (codec == null || codec == Compression.SNAPPY)
        {
            throw new OspreyException(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
                "Compression codec id " + (batch.attributes() & RecordBatch.COMPRESSION_CODEC_MASK) +
                " is not supported; none, gzip, lz4 and zstd are");
        }
        if (batch.lastOffsetDelta() < 0)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD,
                "Record batch has negative lastOffsetDelta " + batch.lastOffsetDelta());
        }
    }

    private static OspreyException invalidRecord(final String what)
    {
        return new OspreyException(ErrorCode.INVALID_RECORD, "Invalid record in batch: " + what);
    }
}
