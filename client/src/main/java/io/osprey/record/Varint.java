package io.osprey.record;

import java.nio.ByteBuffer;

/**
 * Variable-length integers as Kafka writes them: protobuf base-128 groups, least significant
 * first, the high bit of each byte set when another byte follows.
 * <p>
 * Signed forms ({@code varint}, {@code varlong}) are zig-zag encoded, so small negative numbers
 * such as the -1 of a null key stay one byte long. Unsigned varints carry the lengths of compact
 * strings, arrays and tagged fields in flexible protocol versions.
 * <p>
 * Relative methods move the buffer's position; absolute methods take an index, leave the position
 * alone and, when writing, return the number of bytes written. A varint longer than its type
 * allows (5 bytes for 32 bits, 10 for 64) is rejected with {@link IllegalArgumentException};
 * running off the buffer raises the usual {@link java.nio.BufferUnderflowException} or
 * {@link IndexOutOfBoundsException}. Stateless, so thread-safe.
 */
public final class Varint
{
    /** Longest encoding of a 32-bit value. */
    public static final int MAX_VARINT_SIZE = 5;
    /** Longest encoding of a 64-bit value. */
    public static final int MAX_VARLONG_SIZE = 10;

    private Varint()
    {
    }

    public static int sizeOfUnsignedVarint(final int value)
    {
        // One byte per started group of 7 bits; "| 1" gives zero its one byte without a branch.
        return (38 - Integer.numberOfLeadingZeros(value | 1)) / 7;
    }

    public static int sizeOfVarint(final int value)
    {
        return sizeOfUnsignedVarint(zigZag(value));
    }

    public static int sizeOfUnsignedVarlong(final long value)
    {
        return (70 - Long.numberOfLeadingZeros(value | 1)) / 7;
    }

    public static int sizeOfVarlong(final long value)
    {
        return sizeOfUnsignedVarlong(zigZag(value));
    }

    public static void writeUnsignedVarint(final ByteBuffer buffer, final int value)
    {
        int v = value;
        while ((v & 0xFFFF_FF80) != 0)
        {
            buffer.put((byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.put((byte)v);
    }

    /** Writes at {@code index}; returns the number of bytes written. */
    public static int writeUnsignedVarint(final ByteBuffer buffer, final int index, final int value)
    {
        int v = value;
        int i = index;
        while ((v & 0xFFFF_FF80) != 0)
        {
            buffer.put(i++, (byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.put(i++, (byte)v);
        return i - index;
    }

    public static void writeVarint(final ByteBuffer buffer, final int value)
    {
        writeUnsignedVarint(buffer, zigZag(value));
    }

    /** Writes at {@code index}; returns the number of bytes written. */
    public static int writeVarint(final ByteBuffer buffer, final int index, final int value)
    {
        return writeUnsignedVarint(buffer, index, zigZag(value));
    }

    public static void writeUnsignedVarlong(final ByteBuffer buffer, final long value)
    {
        long v = value;
        while ((v & 0xFFFF_FFFF_FFFF_FF80L) != 0)
        {
            buffer.put((byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.put((byte)v);
    }

    /** Writes at {@code index}; returns the number of bytes written. */
    public static int writeUnsignedVarlong(final ByteBuffer buffer, final int index, final long value)
    {
        long v = value;
        int i = index;
        while ((v & 0xFFFF_FFFF_FFFF_FF80L) != 0)
        {
            buffer.put(i++, (byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.put(i++, (byte)v);
        return i - index;
    }

    public static void writeVarlong(final ByteBuffer buffer, final long value)
    {
        writeUnsignedVarlong(buffer, zigZag(value));
    }

    /** Writes at {@code index}; returns the number of bytes written. */
    public static int writeVarlong(final ByteBuffer buffer, final int index, final long value)
    {
        return writeUnsignedVarlong(buffer, index, zigZag(value));
    }

    public static int readUnsignedVarint(final ByteBuffer buffer)
    {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            final byte b = buffer.get();
            value |= (b & 0x7F) << shift;
            if (b >= 0)
            {
                return value;
            }
        }
        throw new IllegalArgumentException("varint is longer than " + MAX_VARINT_SIZE + " bytes");
    }

    /** Reads at {@code index}; the size of what was read is {@link #sizeOfUnsignedVarint(int)} of the value for canonical encodings. */
    public static int readUnsignedVarint(final ByteBuffer buffer, final int index)
    {
        int value = 0;
        int i = index;
        for (int shift = 0; shift < 35; shift += 7)
        {
            final byte b = buffer.get(i++);
            value |= (b & 0x7F) << shift;
            if (b >= 0)
            {
                return value;
            }
        }
        throw new IllegalArgumentException("varint is longer than " + MAX_VARINT_SIZE + " bytes");
    }

    public static int readVarint(final ByteBuffer buffer)
    {
        return unZigZag(readUnsignedVarint(buffer));
    }

    public static int readVarint(final ByteBuffer buffer, final int index)
    {
        return unZigZag(readUnsignedVarint(buffer, index));
    }

    public static long readUnsignedVarlong(final ByteBuffer buffer)
    {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            final byte b = buffer.get();
            value |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                return value;
            }
        }
        throw new IllegalArgumentException("varlong is longer than " + MAX_VARLONG_SIZE + " bytes");
    }

    public static long readUnsignedVarlong(final ByteBuffer buffer, final int index)
    {
        long value = 0;
        int i = index;
        for (int shift = 0; shift < 70; shift += 7)
        {
            final byte b = buffer.get(i++);
            value |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                return value;
            }
        }
        throw new IllegalArgumentException("varlong is longer than " + MAX_VARLONG_SIZE + " bytes");
    }

    public static long readVarlong(final ByteBuffer buffer)
    {
        return unZigZag(readUnsignedVarlong(buffer));
    }

    public static long readVarlong(final ByteBuffer buffer, final int index)
    {
        return unZigZag(readUnsignedVarlong(buffer, index));
    }

    private static int zigZag(final int value)
    {
        return (value << 1) ^ (value >> 31);
    }

    private static long zigZag(final long value)
    {
        return (value << 1) ^ (value >> 63);
    }

    private static int unZigZag(final int value)
    {
        return (value >>> 1) ^ -(value & 1);
    }

    private static long unZigZag(final long value)
    {
        return (value >>> 1) ^ -(value & 1);
    }
}
