package io.osprey.record;

import java.nio.ByteBuffer;

/**
 * Builds one RecordBatch v2 at a time (layout in {@link RecordBatch}, records in {@link Record})
 * into a heap buffer that the builder owns and reuses.
 * <p>
 * Use: {@link #reset} (plus the optional producer, transactional, leader-epoch and timestamp-type
 * setters), {@link #append} until it returns false, {@link #build}, then reset again. A record's
 * offset delta is its index in the batch; its timestamp delta is taken from the base timestamp
 * given to {@code reset}, and the header's max timestamp is the largest appended.
 * <p>
 * Uncompressed records are written straight into their final place, so appending allocates
 * nothing. Compressed records go to a scratch buffer and are compressed as one blob by
 * {@code build}, into the batch buffer.
 * <p>
 * Size limit: {@code append} refuses a record when the finished batch could exceed
 * {@code maxBatchBytes}. For compressed batches this assumes the codec's worst case (slightly
 * more than the raw records), so a batch never exceeds the limit, at the price of packing no more
 * raw bytes than the limit. The first record of a batch is always accepted, growing the buffers,
 * so a record larger than the limit still makes a batch of its own.
 * <p>
 * Not thread-safe. {@link #close()} frees native codec memory early.
 */
public final class RecordBatchBuilder implements AutoCloseable
{
    private static final Header[] NO_HEADERS = new Header[0];

    private final int maxBatchBytes;
    private final RecordBatch view = new RecordBatch();
    private final Codecs codecs = new Codecs();

    /** The batch; for uncompressed batches the records are written in place after the header. */
    private ByteBuffer buffer;
    /** Raw records of a compressed batch, compressed into {@link #buffer} by {@link #build()}. */
    private ByteBuffer scratch;

    private Compression compression;
    private Codec codec;
    private long baseOffset;
    private long baseTimestamp;
    private long maxTimestamp;
    private long producerId;
    private short producerEpoch;
    private int baseSequence;
    private int partitionLeaderEpoch;
    private boolean transactional;
    private boolean logAppendTime;

    private int recordCount;
    /** Bytes of raw records written so far. */
    private int recordsSize;
    /** Size of the finished batch, or -1 while records may still be appended. */
    private int builtSize = -1;

    public RecordBatchBuilder(final int maxBatchBytes)
    {
        if (maxBatchBytes <= 0)
        {
            throw new IllegalArgumentException("maxBatchBytes must be positive: " + maxBatchBytes);
        }
        this.maxBatchBytes = maxBatchBytes;
        this.buffer = ByteBuffer.allocate(Math.max(maxBatchBytes, RecordBatch.HEADER_SIZE));
    }

    /**
     * Starts a new batch, discarding any previous one (and invalidating the buffer {@link #build()}
     * returned for it). Producer id, epoch and sequence are reset to none, the partition leader
     * epoch to -1, timestamps to create time and the batch to non-transactional.
     *
     * @throws UnsupportedOperationException for {@link Compression#SNAPPY}.
     */
    public RecordBatchBuilder reset(final Compression compression, final long baseOffset, final long baseTimestamp)
    {
        this.codec = codecs.forCompression(compression);
        this.compression = compression;
        this.baseOffset = baseOffset;
        this.baseTimestamp = baseTimestamp;
        this.maxTimestamp = RecordBatch.NO_TIMESTAMP;
        this.producerId = RecordBatch.NO_PRODUCER_ID;
        this.producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
        this.baseSequence = RecordBatch.NO_SEQUENCE;
        this.partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
        this.transactional = false;
        this.logAppendTime = false;
        this.recordCount = 0;
        this.recordsSize = 0;
        this.builtSize = -1;
        buffer.clear();
        if (codec != null)
        {
            scratch = Codec.ensureCapacity(scratch, 0, maxBatchBytes);
            scratch.clear();
        }
        return this;
    }

    /** Idempotent producer state: the broker deduplicates on (producerId, epoch, sequence). */
    public RecordBatchBuilder producer(final long producerId, final short producerEpoch, final int baseSequence)
    {
        checkOpen();
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(final boolean transactional)
    {
        checkOpen();
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(final int partitionLeaderEpoch)
    {
        checkOpen();
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /**
     * Marks the batch as log-append-time. The header's max timestamp is then the one readers give
     * every record, so append with the append time (or the broker rewrites it).
     */
    public RecordBatchBuilder logAppendTime(final boolean logAppendTime)
    {
        checkOpen();
        this.logAppendTime = logAppendTime;
        return this;
    }

    /** Appends a record without headers; see {@link #append(long, byte[], byte[], Header[])}. */
    public boolean append(final long timestamp, final byte[] key, final byte[] value)
    {
        return append(timestamp, key, null, value, null, NO_HEADERS);
    }

    /**
     * Appends a record; null key or value are written as length -1.
     *
     * @return false, with nothing written, when the record would take the batch past
     *         {@code maxBatchBytes}; always true for the first record of a batch.
     * @throws IllegalArgumentException if the timestamp is negative and not -1 (none).
     * @throws IllegalStateException before {@link #reset} or after {@link #build()}.
     */
    public boolean append(final long timestamp, final byte[] key, final byte[] value, final Header[] headers)
    {
        return append(timestamp, key, null, value, null, headers);
    }

    /**
     * Appends a record whose key and value are the remaining bytes of the given buffers (null for
     * none); their positions are left unchanged.
     */
    public boolean append(final long timestamp, final ByteBuffer key, final ByteBuffer value, final Header[] headers)
    {
        return append(timestamp, null, key, null, value, headers);
    }

    public int recordCount()
    {
        return recordCount;
    }

    public boolean isEmpty()
    {
        return recordCount == 0;
    }

    /**
     * Size of the batch if built now: exact for uncompressed batches, the codec's worst case for
     * compressed ones (the size {@code append} holds below the limit).
     */
    public int estimatedSizeInBytes()
    {
        return builtSize >= 0 ? builtSize : (int)Math.min(Integer.MAX_VALUE, sizeFor(recordsSize));
    }

    /**
     * Finishes the batch: compresses the records if need be, writes the header and the CRC.
     * Calling it again returns the same batch.
     *
     * @return the batch, position 0 and limit its size. It is the builder's own buffer: valid until
     *         the next {@link #reset}, and not to be written to.
     * @throws IllegalStateException if the batch has no records or {@code reset} was never called.
     */
    public ByteBuffer build()
    {
        if (compression == null)
        {
            throw new IllegalStateException("reset() must start a batch first");
        }
        if (builtSize >= 0)
        {
            return buffer.limit(builtSize).position(0);
        }
        if (recordCount == 0)
        {
            throw new IllegalStateException("a batch needs at least one record");
        }
        final int recordsBytes;
        if (codec == null)
        {
            recordsBytes = recordsSize;
        }
        else
        {
            // Only a first record larger than the limit can need more room than the constructor gave.
            buffer = Codec.ensureCapacity(buffer, 0, RecordBatch.HEADER_SIZE + codec.maxCompressedLength(recordsSize));
            recordsBytes = codec.compress(scratch, 0, recordsSize, buffer, RecordBatch.HEADER_SIZE);
        }
        final int size = RecordBatch.HEADER_SIZE + recordsBytes;
        buffer.clear();
        buffer.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
        buffer.putInt(RecordBatch.BATCH_LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
        buffer.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        buffer.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        buffer.putShort(RecordBatch.ATTRIBUTES_OFFSET, attributes());
        buffer.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, recordCount - 1);
        buffer.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
        buffer.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buffer.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        buffer.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        buffer.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        buffer.putInt(RecordBatch.RECORDS_COUNT_OFFSET, recordCount);
        view.wrap(buffer, 0).updateChecksum();
        builtSize = size;
        return buffer.limit(size).position(0);
    }

    /** Releases the native memory of the codecs used so far; the builder may still be used afterwards. */
    @Override
    public void close()
    {
        codecs.close();
        codec = null;
        compression = null;
    }

    private short attributes()
    {
        int attributes = compression.id;
        if (logAppendTime)
        {
            attributes |= RecordBatch.TIMESTAMP_TYPE_MASK;
        }
        if (transactional)
        {
            attributes |= RecordBatch.TRANSACTIONAL_FLAG_MASK;
        }
        return (short)attributes;
    }

    private void checkOpen()
    {
        if (compression == null || builtSize >= 0)
        {
            throw new IllegalStateException(compression == null ? "reset() must start a batch first" : "the batch is already built; reset() starts the next");
        }
    }

    /** Batch size for {@code rawRecords} bytes of records, at worst. */
    private long sizeFor(final long rawRecords)
    {
        final long records = codec == null ? rawRecords : codec.maxCompressedLength((int)Math.min(Integer.MAX_VALUE, rawRecords));
        return RecordBatch.HEADER_SIZE + records;
    }

    /** Key and value each come either as an array or as a buffer; the other is null. */
    private boolean append(final long timestamp, final byte[] keyArray, final ByteBuffer keyBuffer,
        final byte[] valueArray, final ByteBuffer valueBuffer, final Header[] headers)
    {
        checkOpen();
        if (timestamp < 0 && timestamp != RecordBatch.NO_TIMESTAMP)
        {
            throw new IllegalArgumentException("invalid negative timestamp " + timestamp);
        }
        final Header[] hs = headers == null ? NO_HEADERS : headers;
        final int offsetDelta = recordCount;
        final long timestampDelta = timestamp - baseTimestamp;
        final int keySize = keyArray != null ? keyArray.length : keyBuffer != null ? keyBuffer.remaining() : -1;
        final int valueSize = valueArray != null ? valueArray.length : valueBuffer != null ? valueBuffer.remaining() : -1;

        long bodySize = 1 + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(offsetDelta)
            + Varint.sizeOfVarint(keySize) + Math.max(0, keySize)
            + Varint.sizeOfVarint(valueSize) + Math.max(0, valueSize)
            + Varint.sizeOfVarint(hs.length);
        for (final Header h : hs)
        {
            final int headerKeySize = Utf8.encodedLength(h.key());
            final int headerValueSize = h.value() == null ? -1 : h.value().length;
            bodySize += Varint.sizeOfVarint(headerKeySize) + headerKeySize + Varint.sizeOfVarint(headerValueSize) + Math.max(0, headerValueSize);
        }
        if (bodySize > Integer.MAX_VALUE - RecordBatch.HEADER_SIZE - Varint.MAX_VARINT_SIZE)
        {
            throw new IllegalArgumentException("record of " + bodySize + " bytes is too large for a batch");
        }
        final long newRecordsSize = recordsSize + Varint.sizeOfVarint((int)bodySize) + bodySize;
        if (recordCount > 0 && sizeFor(newRecordsSize) > maxBatchBytes)
        {
            return false;
        }

        final ByteBuffer target;
        final int start;
        if (codec == null)
        {
            buffer = Codec.ensureCapacity(buffer, RecordBatch.HEADER_SIZE + recordsSize, RecordBatch.HEADER_SIZE + newRecordsSize);
            buffer.clear();
            target = buffer;
            start = RecordBatch.HEADER_SIZE + recordsSize;
        }
        else
        {
            scratch = Codec.ensureCapacity(scratch, recordsSize, newRecordsSize);
            scratch.clear();
            target = scratch;
            start = recordsSize;
        }

        int p = start;
        p += Varint.writeVarint(target, p, (int)bodySize);
        target.put(p++, (byte)0);
        p += Varint.writeVarlong(target, p, timestampDelta);
        p += Varint.writeVarint(target, p, offsetDelta);
        p += Varint.writeVarint(target, p, keySize);
        p = putBytes(target, p, keyArray, keyBuffer);
        p += Varint.writeVarint(target, p, valueSize);
        p = putBytes(target, p, valueArray, valueBuffer);
        p += Varint.writeVarint(target, p, hs.length);
        for (final Header h : hs)
        {
            p += Varint.writeVarint(target, p, Utf8.encodedLength(h.key()));
            p += Utf8.write(target, p, h.key());
            final byte[] headerValue = h.value();
            p += Varint.writeVarint(target, p, headerValue == null ? -1 : headerValue.length);
            if (headerValue != null)
            {
                target.put(p, headerValue);
                p += headerValue.length;
            }
        }
        assert p - start == newRecordsSize - recordsSize : "record size estimate and encoding disagree";

        recordsSize = (int)newRecordsSize;
        recordCount++;
        if (timestamp > maxTimestamp)
        {
            maxTimestamp = timestamp;
        }
        return true;
    }

    private static int putBytes(final ByteBuffer target, final int index, final byte[] array, final ByteBuffer buffer)
    {
        if (array != null)
        {
            target.put(index, array);
            return index + array.length;
        }
        if (buffer != null)
        {
            final int n = buffer.remaining();
            target.put(index, buffer, buffer.position(), n);
            return index + n;
        }
        return index;
    }
}
