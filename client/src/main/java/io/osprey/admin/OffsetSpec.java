package io.osprey.admin;

/**
 * Which offset {@link Admin#listOffsets} looks up for a partition, as Kafka's {@code OffsetSpec}:
 * the log end, the log start, the first offset at or after a time, or the offset of the record
 * with the largest timestamp. Immutable.
 */
public final class OffsetSpec
{
    /** ListOffsets' timestamp for the log end offset. */
    static final long LATEST_TIMESTAMP = -1L;
    /** ListOffsets' timestamp for the log start offset. */
    static final long EARLIEST_TIMESTAMP = -2L;
    /** ListOffsets' timestamp for the record with the largest timestamp (v7+). */
    static final long MAX_TIMESTAMP = -3L;

    private static final OffsetSpec LATEST = new OffsetSpec(LATEST_TIMESTAMP);
    private static final OffsetSpec EARLIEST = new OffsetSpec(EARLIEST_TIMESTAMP);
    private static final OffsetSpec MAX = new OffsetSpec(MAX_TIMESTAMP);

    private final long timestamp;

    private OffsetSpec(final long timestamp)
    {
        this.timestamp = timestamp;
    }

    /** The log end offset: the offset the next record will get. */
    public static OffsetSpec latest()
    {
        return LATEST;
    }

    /** The log start offset: the first offset still in the log. */
    public static OffsetSpec earliest()
    {
        return EARLIEST;
    }

    /** The earliest offset whose record's timestamp is at or after {@code timestampMs}; offset -1 when there is none. */
    public static OffsetSpec forTimestamp(final long timestampMs)
    {
        if (timestampMs < 0)
        {
            throw new IllegalArgumentException("The timestamp must not be negative, not " + timestampMs);
        }
        return new OffsetSpec(timestampMs);
    }

    /** The offset of the record with the largest timestamp. */
    public static OffsetSpec maxTimestamp()
    {
        return MAX;
    }

    /** The timestamp a ListOffsets request carries for this spec. */
    long wireTimestamp()
    {
        return timestamp;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof OffsetSpec other && timestamp == other.timestamp;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(timestamp);
    }

    @Override
    public String toString()
    {
        if (timestamp == LATEST_TIMESTAMP)
        {
            return "latest";
        }
        if (timestamp == EARLIEST_TIMESTAMP)
        {
            return "earliest";
        }
        return timestamp == MAX_TIMESTAMP ? "maxTimestamp" : "timestamp " + timestamp;
    }
}
