package io.osprey.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.osprey.record.Varint;

/**
 * Writes Kafka protocol primitives into a growable heap buffer. {@link #flexible(boolean)}
 * selects compact encodings for the message being written.
 * <p>
 * Records that are not in memory (a broker's file regions) are not copied: the writer closes
 * the current chunk and keeps the {@link Records} as an external part, so a message is a list
 * of parts ({@link #parts()}): {@link ByteBuffer}s to copy and {@link Records} to send by
 * reference. Reusable via {@link #reset()}; not thread-safe.
 */
public final class ProtocolWriter
{
    private ByteBuffer buffer;
    private final List<Object> parts = new ArrayList<>();
    private int chunkStart;
    private int externalBytes;
    private boolean flexible;
    private boolean recordsByReference;

    public ProtocolWriter(final int initialCapacity)
    {
        buffer = ByteBuffer.allocate(Math.max(64, initialCapacity));
    }

    public ProtocolWriter()
    {
        this(1024);
    }

    public ProtocolWriter flexible(final boolean flexible)
    {
        this.flexible = flexible;
        return this;
    }

    public boolean flexible()
    {
        return flexible;
    }

    /**
     * In-memory records become parts of their own, referring to the records' buffer, instead of
     * being copied into the writer's. For a caller that sends the parts before anyone may change
     * those bytes: the client's I/O thread, where a producer batch's buffer returns to its pool
     * only after its request was written whole (answered, or failed once the connection closed).
     */
    public ProtocolWriter recordsByReference(final boolean byReference)
    {
        this.recordsByReference = byReference;
        return this;
    }

    public void reset()
    {
        parts.clear();
        buffer = buffer.capacity() > (1 << 20) ? ByteBuffer.allocate(1024) : buffer.clear();
        chunkStart = 0;
        externalBytes = 0;
        flexible = false;
        recordsByReference = false;
    }

    private void ensure(final int bytes)
    {
        if (buffer.remaining() < bytes)
        {
            final int needed = buffer.position() + bytes;
            final ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
            buffer.flip();
            bigger.put(buffer);
            // Chunks already closed point into the old buffer, which stays valid.
            buffer = bigger;
        }
    }

    /** Bytes written so far, including external parts. */
    public int size()
    {
        int closed = 0;
        for (final Object p : parts)
        {
            if (p instanceof ByteBuffer b)
            {
                closed += b.remaining();
            }
        }
        return closed + externalBytes + (buffer.position() - chunkStart);
    }

    public void writeByte(final byte v)
    {
        ensure(1);
        buffer.put(v);
    }

    public void writeBoolean(final boolean v)
    {
        writeByte(v ? (byte)1 : (byte)0);
    }

    public void writeShort(final short v)
    {
        ensure(2);
        buffer.putShort(v);
    }

    public void writeShort(final int v)
    {
        writeShort((short)v);
    }

    public void writeInt(final int v)
    {
        ensure(4);
        buffer.putInt(v);
    }

    public void writeLong(final long v)
    {
        ensure(8);
        buffer.putLong(v);
    }

    public void writeDouble(final double v)
    {
        ensure(8);
        buffer.putDouble(v);
    }

    public void writeUuid(final UUID v)
    {
        ensure(16);
        buffer.putLong(v.getMostSignificantBits());
        buffer.putLong(v.getLeastSignificantBits());
    }

    public void writeUnsignedVarint(final int v)
    {
        ensure(5);
        Varint.writeUnsignedVarint(buffer, v);
    }

    private void writeLength(final int length, final boolean shortLength)
    {
        if (flexible)
        {
            writeUnsignedVarint(length + 1);
        }
        else if (shortLength)
        {
            writeShort((short)length);
        }
        else
        {
            writeInt(length);
        }
    }

    public void writeNullableString(final String s)
    {
        if (s == null)
        {
            writeLength(-1, true);
            return;
        }
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLength(bytes.length, true);
        ensure(bytes.length);
        buffer.put(bytes);
    }

    public void writeString(final String s)
    {
        writeNullableString(s == null ? "" : s);
    }

    /** int16-length nullable string regardless of flexibility (the request header's client id). */
    public void writeLegacyNullableString(final String s)
    {
        if (s == null)
        {
            writeShort((short)-1);
            return;
        }
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeShort((short)bytes.length);
        ensure(bytes.length);
        buffer.put(bytes);
    }

    public void writeNullableBytes(final byte[] b)
    {
        if (b == null)
        {
            writeLength(-1, false);
            return;
        }
        writeLength(b.length, false);
        ensure(b.length);
        buffer.put(b);
    }

    public void writeBytes(final byte[] b)
    {
        writeNullableBytes(b == null ? new byte[0] : b);
    }

    public void writeArrayLength(final int n)
    {
        writeLength(n, false);
    }

    /** Raw bytes with no length prefix. */
    public void writeRaw(final ByteBuffer src)
    {
        ensure(src.remaining());
        buffer.put(src.duplicate());
    }

    /**
     * A records field: in-memory records are copied (or referred to, see {@link #recordsByReference});
     * others become an external part. Null writes a null field.
     */
    public void writeRecords(final Records records)
    {
        if (records == null)
        {
            writeLength(-1, false);
            return;
        }
        final int size = records.sizeInBytes();
        writeLength(size, false);
        if (records instanceof MemoryRecords m)
        {
            if (recordsByReference && size > 0)
            {
                closeChunk();
                parts.add(m.buffer().duplicate());
            }
            else
            {
                writeRaw(m.buffer());
            }
        }
        else if (size > 0)
        {
            closeChunk();
            parts.add(records);
            externalBytes += size;
        }
    }

    /** An empty tagged-field section (flexible versions only). */
    public void writeEmptyTaggedFields()
    {
        if (flexible)
        {
            writeUnsignedVarint(0);
        }
    }

    private void closeChunk()
    {
        if (buffer.position() > chunkStart)
        {
            parts.add(buffer.duplicate().position(chunkStart).limit(buffer.position()).slice());
            chunkStart = buffer.position();
        }
    }

    /** The message as parts in order: {@link ByteBuffer}s and external {@link Records}. */
    public List<Object> parts()
    {
        closeChunk();
        return parts;
    }

    /** The whole message as one buffer; only valid when no external part was written. */
    public ByteBuffer toByteBuffer()
    {
        final List<Object> all = parts();
        final ByteBuffer out = ByteBuffer.allocate(size());
        for (final Object p : all)
        {
            if (!(p instanceof ByteBuffer b))
            {
                throw new IllegalStateException("Message has external records; send its parts instead");
            }
            out.put(b.duplicate());
        }
        return out.flip();
    }
}
