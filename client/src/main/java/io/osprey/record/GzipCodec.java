package io.osprey.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * GZIP (RFC 1952) members around raw deflate, built from a reused {@link Deflater} and
 * {@link Inflater} instead of the stream classes, which allocate a native zlib context each time.
 * <p>
 * Writes one member with a 10-byte header without optional fields, as Kafka's
 * {@code GZIPOutputStream} does. Reads any member the RFC allows (FEXTRA, FNAME, FCOMMENT, FHCRC)
 * and several members in a row, checking each trailer's CRC-32 and length. Not thread-safe.
 */
final class GzipCodec extends Codec
{
    private static final int HEADER_SIZE = 10;
    private static final int TRAILER_SIZE = 8;
    // ID1 ID2, CM = deflate, FLG = none, MTIME = 0, XFL = 0, OS = unknown.
    private static final byte[] HEADER = {0x1f, (byte)0x8b, 8, 0, 0, 0, 0, 0, 0, (byte)0xff};
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int FRESERVED = 0xE0;

    private final CRC32 crc = new CRC32();
    private Deflater deflater;
    private Inflater inflater;

    @Override
    long maxCompressedLength(final int length)
    {
        // zlib's deflateBound() for the default window and memory level that Deflater uses, with
        // some slack for zlib builds that differ in the last few bytes.
        return (long)length + (length >> 12) + (length >> 14) + (length >> 25) + 64 + HEADER_SIZE + TRAILER_SIZE;
    }

    @Override
    int compress(final ByteBuffer src, final int srcOffset, final int length, final ByteBuffer dst, final int dstOffset)
    {
        if (deflater == null)
        {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        dst.clear();
        dst.put(dstOffset, HEADER);

        src.limit(srcOffset + length).position(srcOffset);
        crc.reset();
        crc.update(src);
        src.position(srcOffset);

        deflater.reset();
        deflater.setInput(src);
        deflater.finish();
        dst.position(dstOffset + HEADER_SIZE);
        while (!deflater.finished())
        {
            if (deflater.deflate(dst) == 0 && !dst.hasRemaining())
            {
                throw new IllegalStateException("gzip output of " + length + " bytes exceeded its bound " + maxCompressedLength(length));
            }
        }
        int p = dst.position();
        putIntLE(dst, p, (int)crc.getValue());
        putIntLE(dst, p + 4, length);
        p += TRAILER_SIZE;
        return p - dstOffset;
    }

    @Override
    ByteBuffer decompress(final ByteBuffer src, final int offset, final int length, final ByteBuffer dst)
    {
        if (inflater == null)
        {
            inflater = new Inflater(true);
        }
        final int end = offset + length;
        ByteBuffer out = ensureOutput(dst, 0, initialOutputSize(length));
        int written = 0;
        int p = offset;
        do
        {
            p = skipHeader(src, p, end);
            final int memberStart = written;
            inflater.reset();
            src.limit(end).position(p);
            inflater.setInput(src);
            while (!inflater.finished())
            {
                if (written == out.capacity())
                {
                    out = ensureOutput(out, written, written + 1L);
                }
                out.limit(out.capacity()).position(written);
                final int n;
                try
                {
                    n = inflater.inflate(out);
                }
                catch (final DataFormatException e)
                {
                    throw new CorruptRecordException("invalid gzip data: " + e.getMessage(), e);
                }
                written += n;
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary() || written < out.capacity()))
                {
                    // No progress although there is room: the input ran out, or it asks for a preset dictionary.
                    throw new CorruptRecordException("truncated gzip data");
                }
            }
            p = end - inflater.getRemaining();
            if (end - p < TRAILER_SIZE)
            {
                throw new CorruptRecordException("truncated gzip trailer");
            }
            crc.reset();
            crc.update(out.array(), out.arrayOffset() + memberStart, written - memberStart);
            if (getIntLE(src, p) != (int)crc.getValue() || getIntLE(src, p + 4) != written - memberStart)
            {
                throw new CorruptRecordException("gzip CRC-32 or length mismatch");
            }
            p += TRAILER_SIZE;
        }
        while (p < end);
        out.limit(written).position(0);
        return out;
    }

    @Override
    void close()
    {
        if (deflater != null)
        {
            deflater.end();
            deflater = null;
        }
        if (inflater != null)
        {
            inflater.end();
            inflater = null;
        }
    }

    /** Returns the index of the deflate data that follows the member header at {@code start}. */
    private static int skipHeader(final ByteBuffer src, final int start, final int end)
    {
        if (end - start < HEADER_SIZE || src.get(start) != 0x1f || src.get(start + 1) != (byte)0x8b || src.get(start + 2) != 8)
        {
            throw new CorruptRecordException("not a gzip member");
        }
        final int flags = src.get(start + 3) & 0xFF;
        if ((flags & FRESERVED) != 0)
        {
            throw new CorruptRecordException("gzip header has reserved flags set");
        }
        int p = start + HEADER_SIZE;
        if ((flags & FEXTRA) != 0)
        {
            require(p + 2 <= end);
            p += 2 + ((src.get(p) & 0xFF) | (src.get(p + 1) & 0xFF) << 8);
        }
        if ((flags & FNAME) != 0)
        {
            p = skipZeroTerminated(src, p, end);
        }
        if ((flags & FCOMMENT) != 0)
        {
            p = skipZeroTerminated(src, p, end);
        }
        if ((flags & FHCRC) != 0)
        {
            p += 2;
        }
        require(p <= end);
        return p;
    }

    private static int skipZeroTerminated(final ByteBuffer src, final int start, final int end)
    {
        for (int p = start; p < end; p++)
        {
            if (src.get(p) == 0)
            {
                return p + 1;
            }
        }
        throw new CorruptRecordException("truncated gzip header");
    }

    private static void require(final boolean condition)
    {
        if (!condition)
        {
            throw new CorruptRecordException("truncated gzip header");
        }
    }

    static void putIntLE(final ByteBuffer buffer, final int index, final int value)
    {
        buffer.put(index, (byte)value);
        buffer.put(index + 1, (byte)(value >>> 8));
        buffer.put(index + 2, (byte)(value >>> 16));
        buffer.put(index + 3, (byte)(value >>> 24));
    }

    static int getIntLE(final ByteBuffer buffer, final int index)
    {
        return (buffer.get(index) & 0xFF)
            | (buffer.get(index + 1) & 0xFF) << 8
            | (buffer.get(index + 2) & 0xFF) << 16
            | (buffer.get(index + 3) & 0xFF) << 24;
    }
}
