package io.osprey.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.osprey.record.Varint;

/**
 * Reads Kafka protocol primitives from a buffer, relative to its position. One reader decodes
 * one message; {@link #flexible()} says whether the message's version uses compact
 * (uvarint-length) strings, arrays, bytes and records and tagged-field sections.
 * <p>
 * Every length is checked against the bytes left before anything is allocated, so a hostile
 * length prefix yields a {@link ProtocolException}, never a huge allocation.
 */
public final class ProtocolReader
{
    private final ByteBuffer buffer;
    private final boolean flexible;

    public ProtocolReader(final ByteBuffer buffer, final boolean flexible)
    {
        this.buffer = buffer;
        this.flexible = flexible;
    }

    public boolean flexible()
    {
        return flexible;
    }

    public ByteBuffer buffer()
    {
        return buffer;
    }

    public int remaining()
    {
        return buffer.remaining();
    }

    private void need(final int bytes)
    {
        if (bytes < 0 || buffer.remaining() < bytes)
        {
            throw new ProtocolException("Message truncated: needed " + bytes + " bytes, " + buffer.remaining() + " left");
        }
    }

    public byte readByte()
    {
        need(1);
        return buffer.get();
    }

    public boolean readBoolean()
    {
        return readByte() != 0;
    }

    public short readShort()
    {
        need(2);
        return buffer.getShort();
    }

    public int readInt()
    {
        need(4);
        return buffer.getInt();
    }

    public long readLong()
    {
        need(8);
        return buffer.getLong();
    }

    public double readDouble()
    {
        need(8);
        return buffer.getDouble();
    }

    public UUID readUuid()
    {
        need(16);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    public int readUnsignedVarint()
    {
        try
        {
            return Varint.readUnsignedVarint(buffer);
        }
        catch (final RuntimeException e)
        {
            throw new ProtocolException("Malformed unsigned varint: " + e.getMessage());
        }
    }

    /** Length of a string, bytes or array field: -1 for null. */
    private int readLength(final boolean shortLength)
    {
        if (flexible)
        {
            return readUnsignedVarint() - 1;
        }
        return shortLength ? readShort() : readInt();
    }

    public String readNullableString()
    {
        final int length = readLength(true);
        if (length < 0)
        {
            return null;
        }
        need(length);
        if (buffer.hasArray())
        {
            final String s = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
            buffer.position(buffer.position() + length);
            return s;
        }
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public String readString()
    {
        final String s = readNullableString();
        if (s == null)
        {
            throw new ProtocolException("Non-nullable string field was null");
        }
        return s;
    }

    /** A nullable string with an int16 length even in flexible versions (the request header's client id). */
    public String readLegacyNullableString()
    {
        final int length = readShort();
        if (length < 0)
        {
            return null;
        }
        need(length);
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] readNullableBytes()
    {
        final int length = readLength(false);
        if (length < 0)
        {
            return null;
        }
        need(length);
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    public byte[] readBytes()
    {
        final byte[] b = readNullableBytes();
        return b == null ? new byte[0] : b;
    }

    /** Records as a slice of the message's buffer (no copy); null when the field is null. */
    public MemoryRecords readRecords()
    {
        final int length = readLength(false);
        if (length < 0)
        {
            return null;
        }
        need(length);
        final ByteBuffer slice = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return new MemoryRecords(slice);
    }

    /**
     * Length of an array; -1 for a null array. Each element takes at least one byte, so a
     * count larger than the bytes left is malformed.
     */
    public int readArrayLength()
    {
        final int n = readLength(false);
        if (n > buffer.remaining())
        {
            throw new ProtocolException("Array of " + n + " elements cannot fit in " + buffer.remaining() + " bytes");
        }
        return n;
    }

    /** Skips a tagged-field section (flexible versions only); unknown tags are ignored as the protocol requires. */
    public void skipTaggedFields()
    {
        if (!flexible)
        {
            return;
        }
        final int count = readUnsignedVarint();
        for (int i = 0; i < count; i++)
        {
            readUnsignedVarint();
            final int size = readUnsignedVarint();
            need(size);
            buffer.position(buffer.position() + size);
        }
    }

    /**
     * Reads a tagged-field section, handing each field to {@code handler} (tag, size) positioned
     * at its value; bytes the handler does not consume are skipped.
     */
    public void readTaggedFields(final TagHandler handler)
    {
        if (!flexible)
        {
            return;
        }
        final int count = readUnsignedVarint();
        for (int i = 0; i < count; i++)
        {
            final int tag = readUnsignedVarint();
            final int size = readUnsignedVarint();
            need(size);
            final int end = buffer.position() + size;
            handler.onTag(tag, size, this);
            buffer.position(end);
        }
    }

    /** Receives one tagged field. */
    @FunctionalInterface
    public interface TagHandler
    {
        void onTag(int tag, int size, ProtocolReader reader);
    }
}
