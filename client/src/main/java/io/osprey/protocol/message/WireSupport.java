package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.ProtocolException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Small decoding helpers shared by the Metadata, Produce, Fetch, ListOffsets and InitProducerId
 * codecs: non-nullable array lengths, int32 arrays, and reading known tagged fields in place.
 */
final class WireSupport
{
    private WireSupport()
    {
    }

    /** Length of an array the schema does not allow to be null. */
    static int nonNullArrayLength(final ProtocolReader r, final String field)
    {
        final int n = r.readArrayLength();
        if (n < 0)
        {
            throw new ProtocolException("Non-nullable array " + field + " was null");
        }
        return n;
    }

    /** A non-nullable {@code []int32}. */
    static List<Integer> readInt32List(final ProtocolReader r, final String field)
    {
        final int n = nonNullArrayLength(r, field);
        final List<Integer> ints = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            ints.add(r.readInt());
        }
        return ints;
    }

    /** A non-nullable {@code []int32}; null writes an empty array. */
    static void writeInt32List(final ProtocolWriter w, final List<Integer> ints)
    {
        if (ints == null)
        {
            w.writeArrayLength(0);
            return;
        }
        w.writeArrayLength(ints.size());
        for (final Integer i : ints)
        {
            w.writeInt(i);
        }
    }

    /**
     * Reads a tagged field's size (after its tag) and returns the position where its value ends,
     * checking that the value fits in what is left.
     */
    static int tagEnd(final ProtocolReader r)
    {
        final int size = r.readUnsignedVarint();
        if (size < 0 || size > r.remaining())
        {
            throw new ProtocolException("Tagged field of " + size + " bytes cannot fit in " + r.remaining() + " bytes");
        }
        return r.buffer().position() + size;
    }

    /** Moves to the end of a tagged field, known or not, checking a decoded one stayed within its size. */
    static void skipToTagEnd(final ProtocolReader r, final int end, final int tag)
    {
        if (r.buffer().position() > end)
        {
            throw new ProtocolException("Tagged field " + tag + " is longer than its declared size");
        }
        r.buffer().position(end);
    }

    /** Writes the header of one tagged field whose value is {@code size} bytes. */
    static void writeTagHeader(final ProtocolWriter w, final int tag, final int size)
    {
        w.writeUnsignedVarint(tag);
        w.writeUnsignedVarint(size);
    }

    /** Bytes an unsigned varint takes. */
    static int unsignedVarintSize(final int value)
    {
        int v = value;
        int bytes = 1;
        while ((v & 0xffffff80) != 0)
        {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }
}
