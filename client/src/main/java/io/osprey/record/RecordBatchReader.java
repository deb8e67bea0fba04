package io.osprey.record;

import java.nio.ByteBuffer;
import java.util.NoSuchElementException;

/**
 * Iterates the records of one RecordBatch v2 (layout in {@link RecordBatch}, records in
 * {@link Record}).
 * <p>
 * Reusable: {@link #wrap(ByteBuffer, int)} points it at a batch and {@link #next()} returns the
 * same {@link Record} flyweight each time. Over an uncompressed batch nothing is allocated per
 * record, and nothing per batch while the wrapped buffer stays the same object. A compressed
 * batch is decompressed once, at {@code wrap}, into a buffer the reader keeps for the next batch.
 * <p>
 * The CRC is not checked here: {@link #batch()}{@code .isChecksumValid()} does that, so a caller
 * that already trusts the bytes (the broker after validation) pays for it once. Malformed bytes
 * throw {@link CorruptRecordException}: a record running past the batch, sizes below -1, more or
 * fewer records than recordsCount. The wrapped buffer's position and limit are never changed.
 * Not thread-safe; {@link #close()} frees native codec memory early.
 */
public final class RecordBatchReader implements AutoCloseable
{
    private final RecordBatch batch = new RecordBatch();
    private final Record record = new Record();
    private final Codecs codecs;

    private ByteBuffer source;
    /** Our own duplicate of {@link #source}, so relative reads do not disturb the caller's buffer. */
    private ByteBuffer sourceView;
    private ByteBuffer decompressed;
    private ByteBuffer records;

    private long baseOffset;
    private long baseTimestamp;
    private long fixedTimestamp;
    private int baseSequence;
    private int remaining;

    /**
     * Default limit on one batch's decompressed records: far above what producers build (Kafka's
     * batch.size counts uncompressed bytes, 16 KiB by default; max.message.bytes is 1 MiB by
     * default) and low enough that a corrupt or hostile batch cannot take the heap with it.
     */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 64 << 20;

    /** A reader that refuses batches decompressing to more than {@link #DEFAULT_MAX_DECOMPRESSED_BYTES}. */
    public RecordBatchReader()
    {
        this(DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /**
     * A reader that refuses ({@link CorruptRecordException}) a compressed batch whose records
     * decompress to more than {@code maxDecompressedBytes}: what a broker uses on untrusted input.
     */
    public RecordBatchReader(final int maxDecompressedBytes)
    {
        codecs = new Codecs(maxDecompressedBytes);
    }

    /** Drops the decompression buffer when it grew past {@code keepBytes}, so one large batch does not pin memory. */
    public void trimBuffers(final int keepBytes)
    {
        if (decompressed != null && decompressed.capacity() > keepBytes)
        {
            decompressed = null;
            records = null;
        }
    }

    /**
     * Points the reader at the batch that starts at {@code batchOffset} in {@code buffer}, checking
     * its length and magic and decompressing its records if need be.
     *
     * @throws CorruptRecordException if the batch does not fit in the buffer's limit, is not magic
     *         2, or its records do not decompress.
     * @throws UnsupportedOperationException for snappy batches.
     */
    public RecordBatchReader wrap(final ByteBuffer buffer, final int batchOffset)
    {
        remaining = 0;
        if (batchOffset < 0 || batchOffset > buffer.limit() - RecordBatch.HEADER_SIZE)
        {
            throw new CorruptRecordException("no batch header at " + batchOffset + " in a buffer of " + buffer.limit() + " bytes");
        }
        batch.wrap(buffer, batchOffset);
        final int size = batch.sizeInBytes();
        if (batch.batchLength() < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD || size > buffer.limit() - batchOffset)
        {
            throw new CorruptRecordException("batch length " + batch.batchLength() + " at " + batchOffset + " does not fit in a buffer of " + buffer.limit() + " bytes");
        }
        if (batch.magic() != RecordBatch.MAGIC)
        {
            throw new CorruptRecordException("unsupported batch magic " + batch.magic() + " at " + batchOffset);
        }
        final int count = batch.recordCount();
        if (count < 0)
        {
            throw new CorruptRecordException("negative record count " + count);
        }
        final Compression compression = batch.compression();
        if (compression == null)
        {
            throw new CorruptRecordException("unknown compression codec id " + (batch.attributes() & RecordBatch.COMPRESSION_CODEC_MASK));
        }

        if (buffer != source)
        {
            source = buffer;
            sourceView = buffer.duplicate();
        }
        final int recordsStart = batchOffset + RecordBatch.RECORDS_OFFSET;
        final int batchEnd = batchOffset + size;
        sourceView.limit(batchEnd).position(recordsStart);
        final Codec codec = codecs.forCompression(compression);
        if (codec == null)
        {
            records = sourceView;
        }
        else if (batchEnd == recordsStart)
        {
            // An empty compressed section: compaction can leave a batch with no records at all.
            records = sourceView;
        }
        else
        {
            decompressed = codec.decompress(sourceView, recordsStart, batchEnd - recordsStart, decompressed);
            records = decompressed;
        }

        baseOffset = batch.baseOffset();
        baseTimestamp = batch.baseTimestamp();
        fixedTimestamp = batch.isLogAppendTime() ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP;
        baseSequence = batch.baseSequence();
        remaining = count;
        checkEndReached();
        return this;
    }

    /** The header view of the wrapped batch. */
    public RecordBatch batch()
    {
        return batch;
    }

    public boolean hasNext()
    {
        return remaining > 0;
    }

    /**
     * The next record, in the flyweight that every call returns.
     *
     * @throws CorruptRecordException if the records section ends before recordsCount records, a
     *         record is malformed, or bytes are left after the last record.
     */
    public Record next()
    {
        if (remaining <= 0)
        {
            throw new NoSuchElementException();
        }
        if (!records.hasRemaining())
        {
            final int missing = remaining;
            remaining = 0;
            throw new CorruptRecordException("batch at offset " + baseOffset + " ends " + missing + " records short of its record count");
        }
        try
        {
            record.readFrom(records, baseOffset, baseTimestamp, fixedTimestamp, baseSequence);
        }
        catch (final CorruptRecordException e)
        {
            remaining = 0;
            throw e;
        }
        remaining--;
        checkEndReached();
        return record;
    }

    /** Releases the native memory of the codecs used so far; the reader may still be used afterwards. */
    @Override
    public void close()
    {
        codecs.close();
    }

    private void checkEndReached()
    {
        if (remaining == 0 && records.hasRemaining())
        {
            throw new CorruptRecordException("batch at offset " + baseOffset + " has " + records.remaining() + " bytes after its last record");
        }
    }
}
