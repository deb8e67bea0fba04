package io.osprey.record;

import java.nio.ByteBuffer;

/**
 * Compresses and decompresses the records section of a batch as one blob.
 * <p>
 * Instances may keep native or heap state between calls (contexts, block buffers), so each
 * builder and reader owns its own through {@link Codecs}; not thread-safe.
 */
abstract class Codec
{
    /** Largest array the JVM reliably allocates; decompressed records beyond it cannot be held. */
    static final int MAX_BUFFER_SIZE = Integer.MAX_VALUE - 8;

    /**
     * Largest decompressed records section this codec will produce; beyond it decompression
     * fails with {@link CorruptRecordException}, so a small hostile batch cannot inflate into
     * gigabytes of heap (a decompression bomb).
     */
    long outputLimit = MAX_BUFFER_SIZE;

    /**
     * Upper bound of {@link #compress}'s output for {@code length} input bytes, so the builder can
     * promise that a batch fits before compressing it.
     */
    abstract long maxCompressedLength(int length);

    /**
     * Compresses {@code src[srcOffset, srcOffset + length)} into {@code dst} from {@code dstOffset}
     * and returns the number of bytes written. {@code dst} must have
     * {@link #maxCompressedLength(int)} bytes of capacity from {@code dstOffset}; both buffers are
     * owned by the caller and may have their position and limit changed.
     */
    abstract int compress(ByteBuffer src, int srcOffset, int length, ByteBuffer dst, int dstOffset);

    /**
     * Decompresses {@code src[offset, offset + length)} into {@code dst} from index 0 and returns
     * {@code dst}, or a larger heap buffer that replaces it, with position 0 and limit at the end
     * of the decompressed bytes. {@code src} is a scratch view whose position and limit may be
     * changed. Malformed input throws {@link CorruptRecordException}.
     */
    abstract ByteBuffer decompress(ByteBuffer src, int offset, int length, ByteBuffer dst);

    /** Releases native resources; the codec is not used afterwards. */
    void close()
    {
    }

    /** A first guess for decompressed records: typical ratios are 2-5, and growth covers the rest. */
    static long initialOutputSize(final int compressedLength)
    {
        return Math.min(MAX_BUFFER_SIZE, Math.max(8 * 1024, 4L * compressedLength));
    }

    /**
     * {@link #ensureCapacity} for decompression output, within {@link #outputLimit}: a guess or a
     * growth step beyond the limit is clamped to it, and needing more than the limit to hold what
     * was already written fails.
     */
    ByteBuffer ensureOutput(final ByteBuffer buffer, final int used, final long minCapacity)
    {
        if (minCapacity > outputLimit)
        {
            if (used >= outputLimit || (buffer != null && buffer.capacity() >= outputLimit))
            {
                throw new CorruptRecordException("records decompress to more than " + outputLimit + " bytes");
            }
            return ensureCapacity(buffer, used, outputLimit);
        }
        return ensureCapacity(buffer, used, minCapacity);
    }

    /**
     * A heap buffer of at least {@code minCapacity} that keeps the first {@code used} bytes of
     * {@code buffer}; growth doubles so repeated appends copy each byte a bounded number of times.
     */
    static ByteBuffer ensureCapacity(final ByteBuffer buffer, final int used, final long minCapacity)
    {
        if (buffer != null && buffer.capacity() >= minCapacity)
        {
            return buffer;
        }
        if (minCapacity > MAX_BUFFER_SIZE)
        {
            throw new CorruptRecordException("records need " + minCapacity + " bytes, more than a buffer can hold");
        }
        final long doubled = buffer == null ? 0 : 2L * buffer.capacity();
        final ByteBuffer grown = ByteBuffer.allocate((int)Math.min(MAX_BUFFER_SIZE, Math.max(minCapacity, doubled)));
        if (buffer != null && used > 0)
        {
            grown.put(0, buffer, 0, used);
        }
        return grown;
    }
}
