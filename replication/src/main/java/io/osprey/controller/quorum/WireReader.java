package io.osprey.controller.quorum;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads what {@link WireWriter} wrote, checking every read against the message's end so a
 * truncated or corrupt message fails with a {@link MalformedMessageException} naming the
 * position rather than reading the bytes of the next message.
 * <p>
 * Not thread-safe: one reader per message being decoded.
 */
final class WireReader
{
    /** Bounds a corrupt count before it allocates: no list in a controller message comes near this. */
    static final int ELEMENTS_MAX = 1 << 20;

    private DirectBuffer buffer;
    private int position;
    private int limit;

    WireReader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        return this;
    }

    int remaining()
    {
        return limit - position;
    }

    byte getByte()
    {
        require(Byte.BYTES);
        final byte v = buffer.getByte(position);
        position += Byte.BYTES;
        return v;
    }

    boolean getBoolean()
    {
        final byte v = getByte();
        if (v != 0 && v != 1)
        {
            throw new MalformedMessageException("boolean byte " + v + " at " + (position - 1));
        }
        return v == 1;
    }

    short getShort()
    {
        require(Short.BYTES);
        final short v = buffer.getShort(position, WireWriter.ORDER);
        position += Short.BYTES;
        return v;
    }

    int getInt()
    {
        require(Integer.BYTES);
        final int v = buffer.getInt(position, WireWriter.ORDER);
        position += Integer.BYTES;
        return v;
    }

    long getLong()
    {
        require(Long.BYTES);
        final long v = buffer.getLong(position, WireWriter.ORDER);
        position += Long.BYTES;
        return v;
    }

    String getString()
    {
        final int length = getInt();
        if (length == -1)
        {
            return null;
        }
        if (length < 0)
        {
            throw new MalformedMessageException("string length " + length + " at " + (position - Integer.BYTES));
        }
        require(length);
        final byte[] bytes = new byte[length];
        buffer.getBytes(position, bytes);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    UUID getUuid()
    {
        final long most = getLong();
        return new UUID(most, getLong());
    }

    int getCount()
    {
        final int count = getInt();
        if (count < 0 || count > ELEMENTS_MAX)
        {
            throw new MalformedMessageException("element count " + count + " at " + (position - Integer.BYTES));
        }
        return count;
    }

    List<Integer> getIntList()
    {
        final int count = getCount();
        final List<Integer> values = new ArrayList<>(Math.min(count, remaining() / Integer.BYTES + 1));
        for (int i = 0; i < count; i++)
        {
            values.add(getInt());
        }
        return values;
    }

    List<Long> getLongList()
    {
        final int count = getCount();
        final List<Long> values = new ArrayList<>(Math.min(count, remaining() / Long.BYTES + 1));
        for (int i = 0; i < count; i++)
        {
            values.add(getLong());
        }
        return values;
    }

    List<String> getStringList()
    {
        final int count = getCount();
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            values.add(getString());
        }
        return values;
    }

    TreeMap<String, String> getStringMap()
    {
        final int count = getCount();
        final TreeMap<String, String> values = new TreeMap<>();
        for (int i = 0; i < count; i++)
        {
            final String key = getString();
            if (key == null)
            {
                throw new MalformedMessageException("null map key at " + position);
            }
            values.put(key, getString());
        }
        return values;
    }

    /** Every byte consumed: a message with trailing bytes was written by different code. */
    void requireEnd()
    {
        if (position != limit)
        {
            throw new MalformedMessageException((limit - position) + " unread bytes at " + position);
        }
    }

    private void require(final int bytes)
    {
        if (limit - position < bytes)
        {
            throw new MalformedMessageException("need " + bytes + " bytes at " + position + ", message ends at " + limit);
        }
    }
}
