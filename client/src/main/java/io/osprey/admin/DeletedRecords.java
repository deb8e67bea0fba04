package io.osprey.admin;

/**
 * What {@link Admin#deleteRecords} did to one partition: its low watermark after the deletion
 * (the lowest log start offset of the leader and its in-sync followers). Immutable.
 */
public final class DeletedRecords
{
    private final long lowWatermark;

    public DeletedRecords(final long lowWatermark)
    {
        this.lowWatermark = lowWatermark;
    }

    public long lowWatermark()
    {
        return lowWatermark;
    }

    @Override
    public String toString()
    {
        return "DeletedRecords(lowWatermark=" + lowWatermark + ")";
    }
}
