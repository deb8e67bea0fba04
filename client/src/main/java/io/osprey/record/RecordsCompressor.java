package io.osprey.record;

import java.nio.ByteBuffer;

/**
 * Compresses an already encoded records section with one of the batch codecs: what the broker's
 * log cleaner needs to rebuild a compressed batch from the records it keeps, with their original
 * offset and timestamp deltas (which {@link RecordBatchBuilder} would renumber).
 * <p>
 * Not thread-safe: the codecs keep native contexts between calls. {@link #close()} frees them.
 */
public final class RecordsCompressor implements AutoCloseable
{
    private final Codecs codecs = new Codecs();

    /**
     * Upper bound of {@link #compress}'s output for {@code length} bytes of records ({@code length}
     * itself for {@link Compression#NONE}).
     */
    public long maxCompressedLength(final Compression compression, final int length)
    {
        final Codec codec = codecs.forCompression(compression);
        return codec == null ? length : codec.maxCompressedLength(length);
    }

    /**
     * Compresses {@code src[srcOffset, srcOffset + length)} into {@code dst} from {@code dstOffset},
     * which must have {@link #maxCompressedLength} bytes of room, and returns the bytes written.
     * Positions and limits of both buffers may change.
     *
     * @throws UnsupportedOperationException for {@link Compression#SNAPPY}
     * @throws IllegalArgumentException for {@link Compression#NONE}: there is nothing to do
     */
    public int compress(final Compression compression, final ByteBuffer src, final int srcOffset, final int length,
        final ByteBuffer dst, final int dstOffset)
    {
        final Codec codec = codecs.forCompression(compression);
        if (codec == null)
        {
            throw new IllegalArgumentException("compression none needs no compressor");
        }
        return codec.compress(src, srcOffset, length, dst, dstOffset);
    }

    @Override
    public void close()
    {
        codecs.close();
    }
}
