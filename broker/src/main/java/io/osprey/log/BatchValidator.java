package io.osprey.log;

import java.nio.ByteBuffer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;

/**
 * Checks batches before they reach a log. Leader appends get the full check (one batch per
 * request as Produce v3+ requires, size limit, magic, CRC, codec, record count against
 * {@code lastOffsetDelta}, and for uncompressed batches a walk over every record's framing);
 * follower appends get the integrity checks only, since the leader already validated.
 * Stateless; the {@link RecordBatch} view passed in is the caller's (one per writer thread).
 */
final class BatchValidator
{
    private BatchValidator()
    {
    }

    /** Validates the single batch that {@code buffer} holds from its position to its limit. */
    static void validateLeaderBatch(final RecordBatch batch, final ByteBuffer buffer, final int maxMessageBytes)
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
        if (batch.compression() == Compression.NONE)
        {
            validateUncompressedRecords(buffer, start, size, count);
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

    /**
     * Walks each record's length prefix and offset delta: the records must exactly fill the
     * batch, number {@code count}, and carry deltas 0, 1, 2, ... as the producer assigns them.
     * Reads varints in place; allocates nothing.
     */
    private static void validateUncompressedRecords(final ByteBuffer buffer, final int start, final int size, final int count)
    {
        if (buffer.hasArray())
        {
            validateUncompressedRecords(buffer.array(), buffer.arrayOffset() + start, size, count);
            return;
        }
        final int end = start + size;
        int p = start + RecordBatch.RECORDS_OFFSET;
        for (int i = 0; i < count; i++)
        {
            if (p >= end)
            {
                throw invalidRecord("batch ends after " + i + " of " + count + " records");
            }
            final long lengthAndSize = readVarint(buffer, p, end);
            final int length = (int)(lengthAndSize >> 8);
            p += (int)(lengthAndSize & 0xFF);
            if (length < 1 || length > end - p)
            {
                throw invalidRecord("record " + i + " has length " + length + " with " + (end - p) + " bytes left");
            }
            final int recordEnd = p + length;
            int q = p + 1; // attributes
            q += varlongSize(buffer, q, recordEnd); // timestamp delta
            final long deltaAndSize = readVarint(buffer, q, recordEnd);
            if ((int)(deltaAndSize >> 8) != i)
            {
                throw invalidRecord("record " + i + " has offset delta " + (int)(deltaAndSize >> 8));
            }
            p = recordEnd;
        }
        if (p != end)
        {
            throw invalidRecord((end - p) + " bytes follow the last of " + count + " records");
        }
    }

    /**
     * The same walk over a heap array: requests arrive in heap buffers, and plain array reads
     * with one-byte varint fast paths cost a few nanoseconds per record.
     */
    private static void validateUncompressedRecords(final byte[] a, final int start, final int size, final int count)
    {
        final int end = start + size;
        int p = start + RecordBatch.RECORDS_OFFSET;
        for (int i = 0; i < count; i++)
        {
            if (p >= end)
            {
                throw invalidRecord("batch ends after " + i + " of " + count + " records");
            }
            int length;
            final byte first = a[p];
            if (first >= 0)
            {
                length = (first >>> 1) ^ -(first & 1);
                p++;
            }
            else
            {
                final ByteBuffer view = ByteBuffer.wrap(a);
                final long lengthAndSize = readVarint(view, p, end);
                length = (int)(lengthAndSize >> 8);
                p += (int)(lengthAndSize & 0xFF);
            }
            if (length < 1 || length > end - p)
            {
                throw invalidRecord("record " + i + " has length " + length + " with " + (end - p) + " bytes left");
            }
            final int recordEnd = p + length;
            int q = p + 1; // attributes
            while (q < recordEnd && a[q] < 0)
            {
                q++; // timestamp delta varlong continuation bytes
            }
            q++;
            if (q >= recordEnd || q - (p + 1) > 10)
            {
                throw invalidRecord("malformed varlong");
            }
            final int delta;
            final byte d = a[q];
            if (d >= 0)
            {
                delta = (d >>> 1) ^ -(d & 1);
            }
            else
            {
                delta = (int)(readVarint(ByteBuffer.wrap(a), q, recordEnd) >> 8);
            }
            if (delta != i)
            {
                throw invalidRecord("record " + i + " has offset delta " + delta);
            }
            p = recordEnd;
        }
        if (p != end)
        {
            throw invalidRecord((end - p) + " bytes follow the last of " + count + " records");
        }
    }

    /** A zig-zag varint at {@code p}: the value shifted left 8 bits, or'ed with its byte size. */
    private static long readVarint(final ByteBuffer buffer, final int p, final int limit)
    {
        int value = 0;
        int i = 0;
        int shift = 0;
        while (true)
        {
            if (p + i >= limit || i >= 5)
            {
                throw invalidRecord("malformed varint");
            }
            final byte b = buffer.get(p + i);
            i++;
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
            shift += 7;
        }
        final int decoded = (value >>> 1) ^ -(value & 1);
        return ((long)decoded << 8) | i;
    }

    private static int varlongSize(final ByteBuffer buffer, final int p, final int limit)
    {
        for (int i = 0; i < 10; i++)
        {
            if (p + i >= limit)
            {
                break;
            }
            if ((buffer.get(p + i) & 0x80) == 0)
            {
                return i + 1;
            }
        }
        throw invalidRecord("malformed varlong");
    }

    private static OspreyException invalidRecord(final String what)
    {
        return new OspreyException(ErrorCode.INVALID_RECORD, "Invalid record in batch: " + what);
    }
}
