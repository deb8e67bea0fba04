package io.osprey.record;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;

/**
 * Standard zstd frames through reused zstd-jni contexts.
 * <p>
 * Compression is one-shot at Kafka's default level 3, so frames carry their content size; Kafka
 * reads them with its streaming decoder like any other frame. Frames written by Kafka's streaming
 * encoder carry no content size, so decompression guesses an output size and doubles it until
 * the frames fit; the output buffer is kept, so the guess is rarely wrong twice.
 * <p>
 * The contexts hold native memory that zstd-jni frees only on {@code close()}: {@link #close()}
 * does so, and a {@link Cleaner} does it for owners that are dropped without closing.
 * Not thread-safe.
 */
final class ZstdCodec extends Codec
{
    private static final int LEVEL = 3;
    private static final Cleaner CLEANER = Cleaner.create();

    private ZstdCompressCtx compressor;
    private Cleaner.Cleanable compressorCleanable;
    private ZstdDecompressCtx decompressor;
    private Cleaner.Cleanable decompressorCleanable;
    /** Input staging for direct buffers, which zstd-jni's array API cannot read. */
    private byte[] input;

    @Override
    long maxCompressedLength(final int length)
    {
        // ZSTD_COMPRESSBOUND from zstd.h.
        final int small = length < 128 * 1024 ? (128 * 1024 - length) >> 11 : 0;
        return (long)length + (length >> 8) + small;
    }

    @Override
    int compress(final ByteBuffer src, final int srcOffset, final int length, final ByteBuffer dst, final int dstOffset)
    {
        if (compressor == null)
        {
            final ZstdCompressCtx ctx = new ZstdCompressCtx();
            ctx.setLevel(LEVEL);
            compressor = ctx;
            compressorCleanable = CLEANER.register(this, ctx::close);
        }
        // Both are the builder's own heap buffers.
        return compressor.compressByteArray(
            dst.array(), dst.arrayOffset() + dstOffset, dst.capacity() - dstOffset,
            src.array(), src.arrayOffset() + srcOffset, length);
    }

    /** zstd's default decoder limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27), which Kafka's consumers use. */
    static final long WINDOW_SIZE_MAX = 1L << 27;
    private static final int FRAME_MAGIC = 0xFD2FB528;
    private static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;

    /**
     * Refuses frames whose declared window exceeds what streaming decoders accept: the one-shot
     * decompression used here would decode them, but every Kafka consumer would then fail on the
     * batch ("Frame requires too much memory for decoding"), so a broker must not store them.
     */
    private static void checkWindows(final byte[] in, final int offset, final int length)
    {
        final int end = offset + length;
        int p = offset;
        while (p + 6 <= end)
        {
            final int magic = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8 | (in[p + 2] & 0xFF) << 16 | (in[p + 3] & 0xFF) << 24;
            if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC)
            {
                final long size = (in[p + 4] & 0xFFL) | (in[p + 5] & 0xFFL) << 8 |
                    (p + 7 < end ? (in[p + 6] & 0xFFL) << 16 | (in[p + 7] & 0xFFL) << 24 : 0);
                p += 8 + (int)Math.min(size, end);
                continue;
            }
            if (magic != FRAME_MAGIC)
            {
                return; // not a frame: decompression reports it
            }
            final int descriptor = in[p + 4] & 0xFF;
            if ((descriptor & 0x20) == 0)
            {
                final int windowDescriptor = in[p + 5] & 0xFF;
                final long base = 1L << (10 + (windowDescriptor >>> 3));
                final long windowSize = base + (base / 8) * (windowDescriptor & 7);
                if (windowSize > WINDOW_SIZE_MAX)
                {
                    throw new CorruptRecordException("zstd frame declares a window of " + windowSize +
                        " bytes, above the " + WINDOW_SIZE_MAX + " bytes consumers can decode");
                }
            }
            final long frameSize;
            try
            {
                frameSize = Zstd.findFrameCompressedSize(in, p, end - p);
            }
            catch (final ZstdException e)
            {
                return; // a malformed frame: decompression reports it
            }
            if (frameSize <= 0 || Zstd.isError(frameSize))
            {
                return;
            }
            p += (int)Math.min(frameSize, end - p);
        }
    }

    @Override
    ByteBuffer decompress(final ByteBuffer src, final int offset, final int length, final ByteBuffer dst)
    {
        if (decompressor == null)
        {
            final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
            decompressor = ctx;
            decompressorCleanable = CLEANER.register(this, ctx::close);
        }
        final byte[] in;
        final int inOffset;
        if (src.hasArray())
        {
            in = src.array();
            inOffset = src.arrayOffset() + offset;
        }
        else
        {
            if (input == null || input.length < length)
            {
                input = new byte[length];
            }
            src.get(offset, input, 0, length);
            in = input;
            inOffset = 0;
        }
        checkWindows(in, inOffset, length);
        ByteBuffer out = ensureOutput(dst, 0, initialOutputSize(length));
        while (true)
        {
            try
            {
                final int written = decompressor.decompressByteArray(out.array(), out.arrayOffset(), out.capacity(), in, inOffset, length);
                out.limit(written).position(0);
                return out;
            }
            catch (final ZstdException e)
            {
                if (e.getErrorCode() != Zstd.errDstSizeTooSmall())
                {
                    throw new CorruptRecordException("invalid zstd data: " + e.getMessage(), e);
                }
                if (out.capacity() >= outputLimit)
                {
                    throw new CorruptRecordException("zstd records decompress to more than " + outputLimit + " bytes", e);
                }
                out = ensureOutput(out, 0, out.capacity() + 1L);
            }
        }
    }

    @Override
    void close()
    {
        if (compressorCleanable != null)
        {
            compressorCleanable.clean();
            compressorCleanable = null;
            compressor = null;
        }
        if (decompressorCleanable != null)
        {
            decompressorCleanable.clean();
            decompressorCleanable = null;
            decompressor = null;
        }
    }
}
