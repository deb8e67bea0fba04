package io.osprey.record;

/**
 * The codecs of one builder or reader, created on first use so that a producer that never
 * compresses never loads zstd's or lz4's native code. Not thread-safe, like its owner.
 */
final class Codecs
{
    private GzipCodec gzip;
    private Lz4Codec lz4;
    private ZstdCodec zstd;
    private final long outputLimit;

    Codecs()
    {
        this(Codec.MAX_BUFFER_SIZE);
    }

    /** Codecs whose decompression output is limited to {@code outputLimit} bytes. */
    Codecs(final long outputLimit)
    {
        this.outputLimit = outputLimit;
    }

    /** The codec for {@code compression}, or {@code null} for {@link Compression#NONE}. */
    Codec forCompression(final Compression compression)
    {
        switch (compression)
        {
            case NONE:
                return null;
            case GZIP:
                if (gzip == null)
                {
                    gzip = new GzipCodec();
                    gzip.outputLimit = outputLimit;
                }
                return gzip;
            case LZ4:
                if (lz4 == null)
                {
                    lz4 = new Lz4Codec();
                    lz4.outputLimit = outputLimit;
                }
                return lz4;
            case ZSTD:
                if (zstd == null)
                {
                    zstd = new ZstdCodec();
                    zstd.outputLimit = outputLimit;
                }
                return zstd;
            case SNAPPY:
            default:
                throw new UnsupportedOperationException("snappy compression is not supported");
        }
    }

    void close()
    {
        if (gzip != null)
        {
            gzip.close();
            gzip = null;
        }
        if (lz4 != null)
        {
            lz4.close();
            lz4 = null;
        }
        if (zstd != null)
        {
            zstd.close();
            zstd = null;
        }
    }
}
