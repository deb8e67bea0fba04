package io.osprey.chaos;

/**
 * What one reader saw of the workload topic: the value at each (partition, offset), in compact
 * form (see {@link Values}). The first value recorded at an offset is kept; a different one seen
 * there later is counted as a conflict, since the first has then gone from the log. Thread-safe:
 * a consumer's thread writes while the progress reporter reads.
 */
final class OffsetTable
{
    private final String name;
    private final LongArray[] partitions;
    private long records;
    private long conflicts;
    private String firstConflict;

    OffsetTable(final String name, final int partitionCount)
    {
        this.name = name;
        this.partitions = new LongArray[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            partitions[p] = new LongArray();
        }
    }

    String name()
    {
        return name;
    }

    int partitionCount()
    {
        return partitions.length;
    }

    synchronized void record(final int partition, final long offset, final long value)
    {
        records++;
        final long previous = partitions[partition].get(offset);
        if (previous == Values.NONE)
        {
            partitions[partition].set(offset, value);
        }
        else if (previous != value)
        {
            conflicts++;
            if (firstConflict == null)
            {
                firstConflict = String.format("%s saw %s at partition %d offset %d, later %s", name, Values.describe(previous),
                    partition, offset, Values.describe(value));
            }
        }
    }

    synchronized long get(final int partition, final long offset)
    {
        return partitions[partition].get(offset);
    }

    /** One past the highest offset recorded in the partition (0 when none). */
    synchronized long end(final int partition)
    {
        return partitions[partition].length();
    }

    /** Records delivered to this reader, re-reads included. */
    synchronized long records()
    {
        return records;
    }

    synchronized long conflicts()
    {
        return conflicts;
    }

    synchronized String firstConflict()
    {
        return firstConflict;
    }
}
