package io.osprey.admin;

/** What {@link Admin#deleteRecords} deletes in one partition: every record below an offset. Immutable. */
public final class RecordsToDelete
{
    private final long offset;

    private RecordsToDelete(final long offset)
    {
        this.offset = offset;
    }

    /** Every record below {@code offset}; -1 means below the high watermark (every committed record). */
    public static RecordsToDelete beforeOffset(final long offset)
    {
        return new RecordsToDelete(offset);
    }

    public long beforeOffset()
    {
        return offset;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof RecordsToDelete r && r.offset == offset;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(offset);
    }

    @Override
    public String toString()
    {
        return "RecordsToDelete(beforeOffset=" + offset + ")";
    }
}
