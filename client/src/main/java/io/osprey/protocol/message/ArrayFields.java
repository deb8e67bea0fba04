package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.osprey.protocol.ProtocolException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Array fields of the admin messages: a length ({@link ProtocolReader#readArrayLength()}, so
 * compact in flexible versions) and the elements, each through an element codec. A nullable
 * array reads a negative length as null; a non-nullable one rejects it. Writing a null
 * non-nullable array writes an empty one, as {@link ProtocolWriter#writeString} does for strings.
 */
final class ArrayFields
{
    private ArrayFields()
    {
    }

    static <T> List<T> read(final ProtocolReader r, final Function<ProtocolReader, T> element)
    {
        final List<T> list = readNullable(r, element);
        if (list == null)
        {
            throw new ProtocolException("Non-nullable array field was null");
        }
        return list;
    }

    static <T> List<T> readNullable(final ProtocolReader r, final Function<ProtocolReader, T> element)
    {
        final int n = r.readArrayLength();
        if (n < 0)
        {
            return null;
        }
        final List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            list.add(element.apply(r));
        }
        return list;
    }

    static <T> void write(final ProtocolWriter w, final List<T> list, final BiConsumer<ProtocolWriter, T> element)
    {
        writeNullable(w, list == null ? List.of() : list, element);
    }

    static <T> void writeNullable(final ProtocolWriter w, final List<T> list, final BiConsumer<ProtocolWriter, T> element)
    {
        if (list == null)
        {
            w.writeArrayLength(-1);
            return;
        }
        w.writeArrayLength(list.size());
        for (final T e : list)
        {
            element.accept(w, e);
        }
    }

    static List<Integer> readInt32s(final ProtocolReader r)
    {
        return read(r, ProtocolReader::readInt);
    }

    static void writeInt32s(final ProtocolWriter w, final List<Integer> list)
    {
        write(w, list, ProtocolWriter::writeInt);
    }
}
