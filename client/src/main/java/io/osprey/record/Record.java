package io.osprey.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A reusable flyweight over one record of a RecordBatch v2, as handed out by
 * {@link RecordBatchReader#next()}.
 * <p>
 * Wire layout (varints are zig-zag, see {@link Varint}):
 * <pre>
 *   length varint            (bytes after this field)
 *   attributes int8          (unused, 0)
 *   timestampDelta varlong   (from the batch's baseTimestamp)
 *   offsetDelta varint       (from the batch's baseOffset)
 *   keyLength varint, key    (-1 for a null key)
 *   valueLength varint, value (-1 for a null value)
 *   headerCount varint, headers (see {@link Header})
 * </pre>
 * Parsing checks every length against the record's end, so the accessors below never read past
 * it. The key and value stay in {@link #buffer()} (the batch buffer, or the reader's decompression
 * buffer) and are addressed by absolute positions; only {@code keyBytes()}, {@code valueBytes()},
 * {@code key()}, {@code value()} and {@code headers()} allocate. The view is valid until the
 * reader moves on or is re-wrapped, and is not thread-safe.
 */
public final class Record
{
    private ByteBuffer buffer;
    private int position;
    private int sizeInBytes;
    private long offset;
    private long timestamp;
    private int sequence;
    private byte attributes;
    private int keyPosition;
    private int keySize;
    private int valuePosition;
    private int valueSize;
    private int headersPosition;
    private int headerCount;

    /**
     * Parses the record at {@code records}' position, moving the position past it. The limit of
     * {@code records} must be the end of the records section; it is restored on return.
     */
    void readFrom(final ByteBuffer records, final long baseOffset, final long baseTimestamp, final long fixedTimestamp,
        final int baseSequence)
    {
        final int sectionEnd = records.limit();
        final int start = records.position();
        try
        {
            final int length = Varint.readVarint(records);
            final int bodyStart = records.position();
            if (length < 0 || length > sectionEnd - bodyStart)
            {
                throw new CorruptRecordException("record length " + length + " at " + start + " runs past its batch (" + (sectionEnd - bodyStart) + " bytes left)");
            }
            final int end = bodyStart + length;
            // Every read below stops at the record's end, so a lying length field cannot leak
            // bytes of the next record into this one.
            records.limit(end);
            attributes = records.get();
            final long timestampDelta = Varint.readVarlong(records);
            final int offsetDelta = Varint.readVarint(records);
            keySize = readSize(records, "key");
            keyPosition = records.position();
            skip(records, keySize);
            valueSize = readSize(records, "value");
            valuePosition = records.position();
            skip(records, valueSize);
            headerCount = Varint.readVarint(records);
            if (headerCount < 0)
            {
                throw new CorruptRecordException("negative header count " + headerCount);
            }
            headersPosition = records.position();
            for (int i = 0; i < headerCount; i++)
            {
                final int headerKeySize = Varint.readVarint(records);
                if (headerKeySize < 0)
                {
                    throw new CorruptRecordException("negative header key size " + headerKeySize);
                }
                skip(records, headerKeySize);
                skip(records, readSize(records, "header value"));
            }
            if (records.position() != end)
            {
                throw new CorruptRecordException("record at " + start + " declares " + length + " bytes but its fields take " + (records.position() - bodyStart));
            }

            this.buffer = records;
            this.position = start;
            this.sizeInBytes = end - start;
            this.offset = baseOffset + offsetDelta;
            this.timestamp = fixedTimestamp != RecordBatch.NO_TIMESTAMP ? fixedTimestamp : baseTimestamp + timestampDelta;
            this.sequence = baseSequence == RecordBatch.NO_SEQUENCE ? RecordBatch.NO_SEQUENCE : RecordBatch.incrementSequence(baseSequence, offsetDelta);
        }
        catch (final BufferUnderflowException | IllegalArgumentException e)
        {
            // Varint overruns and overlong varints: the record's own bytes are inconsistent.
            throw new CorruptRecordException("malformed record at " + start + ": " + e, e);
        }
        finally
        {
            records.limit(sectionEnd);
        }
    }

    private static int readSize(final ByteBuffer records, final String what)
    {
        final int size = Varint.readVarint(records);
        if (size < -1)
        {
            throw new CorruptRecordException("invalid " + what + " size " + size);
        }
        return size;
    }

    private static void skip(final ByteBuffer records, final int size)
    {
        if (size > records.remaining())
        {
            throw new CorruptRecordException("field of " + size + " bytes runs past its record (" + records.remaining() + " bytes left)");
        }
        if (size > 0)
        {
            records.position(records.position() + size);
        }
    }

    /** The batch's base offset plus this record's offset delta. */
    public long offset()
    {
        return offset;
    }

    /**
     * Creation time: the batch's base timestamp plus this record's delta (also when the batch has
     * the delete horizon flag: the cleaner rewrites the deltas against the horizon it stores as
     * the base); for log-append-time batches, the batch's max timestamp for every record.
     */
    public long timestamp()
    {
        return timestamp;
    }

    /** Producer sequence of this record, or -1 when the batch has none; wraps after {@code Integer.MAX_VALUE}. */
    public int sequence()
    {
        return sequence;
    }

    public byte attributes()
    {
        return attributes;
    }

    /** Whole size of the record, its length varint included. */
    public int sizeInBytes()
    {
        return sizeInBytes;
    }

    /** Where the record (its length varint) starts in {@link #buffer()}. */
    public int position()
    {
        return position;
    }

    /**
     * The buffer that holds this record. Use absolute gets only: its position and limit belong to
     * the reader.
     */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** Key length in bytes, or -1 for a null key. */
    public int keySize()
    {
        return keySize;
    }

    /** Value length in bytes, or -1 for a null value. */
    public int valueSize()
    {
        return valueSize;
    }

    public boolean hasKey()
    {
        return keySize >= 0;
    }

    public boolean hasValue()
    {
        return valueSize >= 0;
    }

    /** Absolute position of the key's first byte in {@link #buffer()}. */
    public int keyPosition()
    {
        return keyPosition;
    }

    /** Absolute position of the value's first byte in {@link #buffer()}. */
    public int valuePosition()
    {
        return valuePosition;
    }

    /** A copy of the key, or {@code null}. */
    public byte[] keyBytes()
    {
        return copy(keyPosition, keySize);
    }

    /** A copy of the value, or {@code null}. */
    public byte[] valueBytes()
    {
        return copy(valuePosition, valueSize);
    }

    /** A slice over the key, or {@code null}; it shares the batch's bytes, so do not write to it. */
    public ByteBuffer key()
    {
        return keySize < 0 ? null : buffer.slice(keyPosition, keySize);
    }

    /** A slice over the value, or {@code null}; it shares the batch's bytes, so do not write to it. */
    public ByteBuffer value()
    {
        return valueSize < 0 ? null : buffer.slice(valuePosition, valueSize);
    }

    public int headerCount()
    {
        return headerCount;
    }

    /** The headers, decoded into new objects; an empty array when there are none. */
    public Header[] headers()
    {
        final Header[] headers = new Header[headerCount];
        // Sizes were checked when the record was parsed; a view re-reads them as written, even
        // in the unlikely case of a producer that pads its varints.
        final ByteBuffer view = buffer.duplicate();
        view.limit(position + sizeInBytes).position(headersPosition);
        for (int i = 0; i < headerCount; i++)
        {
            final int keyLength = Varint.readVarint(view);
            final String key = utf8(view.position(), keyLength);
            view.position(view.position() + keyLength);
            final int valueLength = Varint.readVarint(view);
            headers[i] = new Header(key, copy(view.position(), valueLength));
            view.position(view.position() + Math.max(0, valueLength));
        }
        return headers;
    }

    private String utf8(final int index, final int length)
    {
        if (buffer.hasArray())
        {
            return new String(buffer.array(), buffer.arrayOffset() + index, length, StandardCharsets.UTF_8);
        }
        return new String(copy(index, length), StandardCharsets.UTF_8);
    }

    private byte[] copy(final int index, final int length)
    {
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.get(index, bytes);
        return bytes;
    }

    @Override
    public String toString()
    {
        return "Record{offset=" + offset + ", timestamp=" + timestamp + ", keySize=" + keySize +
            ", valueSize=" + valueSize + ", headers=" + headerCount + '}';
    }
}
