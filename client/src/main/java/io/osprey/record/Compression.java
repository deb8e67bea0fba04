package io.osprey.record;

/**
 * Compression codecs of RecordBatch v2, by the id stored in bits 0-2 of the batch attributes.
 * Snappy is recognised (so a batch that uses it gets a clear error) but not implemented.
 */
public enum Compression
{
    NONE(0, "none"),
    GZIP(1, "gzip"),
    SNAPPY(2, "snappy"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    private static final Compression[] BY_ID = {NONE, GZIP, SNAPPY, LZ4, ZSTD};

    public final int id;
    public final String configName;

    Compression(final int id, final String configName)
    {
        this.id = id;
        this.configName = configName;
    }

    /** The codec for an attribute id, or {@code null} for ids 5-7, which no codec uses. */
    public static Compression forId(final int id)
    {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** The codec for a {@code compression.type} value such as {@code lz4}. */
    public static Compression forName(final String name)
    {
        for (final Compression c : BY_ID)
        {
            if (c.configName.equalsIgnoreCase(name))
            {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown compression type '" + name + "': allowed are none, gzip, lz4, zstd");
    }
}
