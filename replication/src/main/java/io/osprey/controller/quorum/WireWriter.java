package io.osprey.controller.quorum;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Appends little-endian primitives to an Agrona buffer from a starting offset. With an
 * {@link org.agrona.ExpandableArrayBuffer} the buffer grows as needed.
 * <p>
 * Layout of the composite types (see docs/controller.md): a string is an {@code int32} byte
 * length ({@code -1} for null) followed by UTF-8 bytes; a UUID is two {@code int64}s (most
 * significant first); a list is an {@code int32} count followed by its elements; a map is an
 * {@code int32} count followed by key, value pairs in the map's order.
 * <p>
 * Not thread-safe: one writer per message being encoded.
 */
final class WireWriter
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int position;

    WireWriter wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.position = offset;
        return this;
    }

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    int position()
    {
        return position;
    }

    WireWriter putByte(final int value)
    {
        buffer.putByte(position, (byte)value);
        position += Byte.BYTES;
        return this;
    }

    WireWriter putBoolean(final boolean value)
    {
        return putByte(value ? 1 : 0);
    }

    WireWriter putShort(final short value)
    {
        buffer.putShort(position, value, ORDER);
        position += Short.BYTES;
        return this;
    }

    WireWriter putInt(final int value)
    {
        buffer.putInt(position, value, ORDER);
        position += Integer.BYTES;
        return this;
    }

    WireWriter putLong(final long value)
    {
        buffer.putLong(position, value, ORDER);
        position += Long.BYTES;
        return this;
    }

    WireWriter putString(final String value)
    {
        if (value == null)
        {
            return putInt(-1);
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        putInt(bytes.length);
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return this;
    }

    WireWriter putUuid(final UUID value)
    {
        return putLong(value.getMostSignificantBits()).putLong(value.getLeastSignificantBits());
    }

    WireWriter putIntList(final List<Integer> values)
    {
        putInt(values.size());
        for (final int v : values)
        {
            putInt(v);
        }
        return this;
    }

    WireWriter putLongList(final List<Long> values)
    {
        putInt(values.size());
        for (final long v : values)
        {
            putLong(v);
        }
        return this;
    }

    WireWriter putStringList(final List<String> values)
    {
        putInt(values.size());
        for (final String v : values)
        {
            putString(v);
        }
        return this;
    }

    WireWriter putStringMap(final Map<String, String> values)
    {
        putInt(values.size());
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            putString(e.getKey());
            putString(e.getValue());
        }
        return this;
    }
}
