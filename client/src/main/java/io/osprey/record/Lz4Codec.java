package io.osprey.record;

import static io.osprey.record.GzipCodec.getIntLE;
import static io.osprey.record.GzipCodec.putIntLE;

import java.nio.ByteBuffer;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format (lz4 spec "LZ4 Frame Format Description" 1.6) over lz4-java's block
 * compressor, written directly into the batch buffer.
 * <p>
 * Writes what Kafka writes for magic 2: magic {@code 0x184D2204}, FLG {@code 0x60} (version 1,
 * independent blocks, no checksums, no content size), BD {@code 0x40} (64 KB blocks), a correct
 * header checksum, blocks stored raw when they do not shrink, and the zero end mark.
 * <p>
 * Reads any frame Kafka's reader accepts and a little more: block and content checksums are
 * verified, a content size is skipped, skippable frames and several frames in a row are allowed.
 * Dependent (linked) blocks and dictionaries are rejected, as Kafka rejects them. Holds no
 * mutable state, and lz4-java's compressor, decompressor and hash are thread-safe, so instances
 * are too; they are still created per owner like the other codecs.
 */
final class Lz4Codec extends Codec
{
    private static final int MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;
    private static final int SKIPPABLE_MAGIC_MASK = 0xFFFF_FFF0;

    private static final int FLG_VERSION_MASK = 0xC0;
    private static final int FLG_VERSION_1 = 0x40;
    private static final int FLG_BLOCK_INDEPENDENCE = 0x20;
    private static final int FLG_BLOCK_CHECKSUM = 0x10;
    private static final int FLG_CONTENT_SIZE = 0x08;
    private static final int FLG_CONTENT_CHECKSUM = 0x04;
    private static final int FLG_RESERVED = 0x02;
    private static final int FLG_DICTIONARY_ID = 0x01;
    private static final int BD_RESERVED = 0x8F;
    /** Block maximum size 4 = 64 KB, the size Kafka writes. */
    private static final int BD_64KB = 0x40;

    private static final int BLOCK_SIZE = 64 * 1024;
    private static final int UNCOMPRESSED_BLOCK_FLAG = 0x8000_0000;
    /** Magic, FLG, BD and header checksum. */
    private static final int FRAME_HEADER_SIZE = 7;
    private static final int END_MARK_SIZE = 4;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    @Override
    long maxCompressedLength(final int length)
    {
        final long blocks = ((long)length + BLOCK_SIZE - 1) / BLOCK_SIZE;
        // Each block costs at most its size plus the 4-byte size word, as incompressible blocks
        // are stored raw. The last term leaves the block compressor room for its own worst case
        // (LZ4_compressBound) while it works on the final block.
        return (long)length + 4 * blocks + FRAME_HEADER_SIZE + END_MARK_SIZE + COMPRESSOR.maxCompressedLength(BLOCK_SIZE) - BLOCK_SIZE;
    }

    @Override
    int compress(final ByteBuffer src, final int srcOffset, final int length, final ByteBuffer dst, final int dstOffset)
    {
        src.clear();
        dst.clear();
        int p = dstOffset;
        putIntLE(dst, p, MAGIC);
        dst.put(p + 4, (byte)(FLG_VERSION_1 | FLG_BLOCK_INDEPENDENCE));
        dst.put(p + 5, (byte)BD_64KB);
        dst.put(p + 6, headerChecksum(dst, p + 4, 2));
        p += FRAME_HEADER_SIZE;
        for (int offset = 0; offset < length; offset += BLOCK_SIZE)
        {
            final int n = Math.min(BLOCK_SIZE, length - offset);
            final int compressed = COMPRESSOR.compress(src, srcOffset + offset, n, dst, p + 4, COMPRESSOR.maxCompressedLength(n));
            if (compressed < n)
            {
                putIntLE(dst, p, compressed);
                p += 4 + compressed;
            }
            else
            {
                putIntLE(dst, p, n | UNCOMPRESSED_BLOCK_FLAG);
                dst.put(p + 4, src, srcOffset + offset, n);
                p += 4 + n;
            }
        }
        putIntLE(dst, p, 0);
        p += END_MARK_SIZE;
        return p - dstOffset;
    }

    @Override
    ByteBuffer decompress(final ByteBuffer src, final int offset, final int length, final ByteBuffer dst)
    {
        final int end = offset + length;
        src.limit(end);
        ByteBuffer out = ensureOutput(dst, 0, initialOutputSize(length));
        out.clear();
        int written = 0;
        int p = offset;
        while (p < end)
        {
            need(p, 4, end);
            final int magic = getIntLE(src, p);
            p += 4;
            if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC)
            {
                need(p, 4, end);
                final int size = getIntLE(src, p);
                p += 4;
                need(p, size, end);
                p += size;
                continue;
            }
            if (magic != MAGIC)
            {
                throw new CorruptRecordException("not an LZ4 frame: magic " + Integer.toHexString(magic));
            }
            need(p, 3, end);
            final int flg = src.get(p) & 0xFF;
            final int bd = src.get(p + 1) & 0xFF;
            checkDescriptor(flg, bd);
            final int descriptorSize = (flg & FLG_CONTENT_SIZE) != 0 ? 10 : 2;
            need(p, descriptorSize + 1, end);
            if (headerChecksum(src, p, descriptorSize) != src.get(p + descriptorSize))
            {
                throw new CorruptRecordException("LZ4 frame header checksum mismatch");
            }
            p += descriptorSize + 1;

            final int maxBlockSize = 1 << (8 + 2 * (bd >> 4));
            final int frameStart = written;
            while (true)
            {
                need(p, 4, end);
                final int word = getIntLE(src, p);
                p += 4;
                if (word == 0)
                {
                    break;
                }
                final int size = word & ~UNCOMPRESSED_BLOCK_FLAG;
                if (size > maxBlockSize)
                {
                    throw new CorruptRecordException("LZ4 block of " + size + " bytes exceeds the frame's maximum " + maxBlockSize);
                }
                need(p, size, end);
                out = ensureOutput(out, written, (long)written + maxBlockSize);
                out.clear();
                // Below maxBlockSize only when the output limit clamped the buffer.
                final int room = out.capacity() - written;
                if ((word & UNCOMPRESSED_BLOCK_FLAG) != 0)
                {
                    if (size > room)
                    {
                        throw new CorruptRecordException("records decompress to more than " + outputLimit + " bytes");
                    }
                    out.put(written, src, p, size);
                    written += size;
                }
                else
                {
                    try
                    {
                        written += DECOMPRESSOR.decompress(src, p, size, out, written, Math.min(maxBlockSize, room));
                    }
                    catch (final LZ4Exception e)
                    {
                        throw new CorruptRecordException("invalid LZ4 block: " + e.getMessage(), e);
                    }
                }
                if ((flg & FLG_BLOCK_CHECKSUM) != 0)
                {
                    need(p + size, 4, end);
                    if (XXHASH.hash(src, p, size, 0) != getIntLE(src, p + size))
                    {
                        throw new CorruptRecordException("LZ4 block checksum mismatch");
                    }
                    p += 4;
                }
                p += size;
            }
            if ((flg & FLG_CONTENT_CHECKSUM) != 0)
            {
                need(p, 4, end);
                if (XXHASH.hash(out, frameStart, written - frameStart, 0) != getIntLE(src, p))
                {
                    throw new CorruptRecordException("LZ4 content checksum mismatch");
                }
                p += 4;
            }
        }
        out.limit(written).position(0);
        return out;
    }

    private static void checkDescriptor(final int flg, final int bd)
    {
        if ((flg & FLG_VERSION_MASK) != FLG_VERSION_1 || (flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0 || (bd >> 4) < 4)
        {
            throw new CorruptRecordException("unsupported LZ4 frame descriptor FLG=" + Integer.toHexString(flg) + " BD=" + Integer.toHexString(bd));
        }
        if ((flg & FLG_BLOCK_INDEPENDENCE) == 0)
        {
            throw new CorruptRecordException("LZ4 frames with dependent blocks are not supported (Kafka does not write them)");
        }
        if ((flg & FLG_DICTIONARY_ID) != 0)
        {
            throw new CorruptRecordException("LZ4 frames with a dictionary are not supported");
        }
    }

    /** Second byte of the xxHash32 of the frame descriptor, as the frame format defines it. */
    private static byte headerChecksum(final ByteBuffer buffer, final int index, final int length)
    {
        return (byte)(XXHASH.hash(buffer, index, length, 0) >> 8);
    }

    private static void need(final int p, final int bytes, final int end)
    {
        if (bytes < 0 || bytes > end - p)
        {
            throw new CorruptRecordException("truncated LZ4 frame");
        }
    }
}
