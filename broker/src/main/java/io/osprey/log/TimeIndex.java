package io.osprey.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse time index of one segment: maps a timestamp to the first offset whose batch has a
 * larger or equal max timestamp, within about {@code index.interval.bytes}.
 * <p>
 * File layout: entries of 12 bytes, big-endian: {@code timestamp int64} (the largest batch
 * max-timestamp seen in the segment up to that batch) and {@code relativeOffset int32} (the
 * batch that carried it, minus the segment's base offset). Timestamps strictly increase
 * from entry to entry, so a binary search finds the last entry below a target and the batches
 * before that entry's offset all have smaller timestamps.
 */
public final class TimeIndex extends IndexFile
{
    public static final int ENTRY_SIZE = 12;

    private final long baseOffset;

    public TimeIndex(final Path path, final long baseOffset, final int maxIndexBytes, final boolean active) throws IOException
    {
        super(path, ENTRY_SIZE, maxIndexBytes, active);
        this.baseOffset = baseOffset;
    }

    /**
     * Adds an entry when {@code timestamp} is above the last one.
     *
     * @throws IOException when the disk has no room for the entry (see {@link IndexFile#reserve})
     */
    public void maybeAppend(final long timestamp, final long offset) throws IOException
    {
        final int n = entries();
        if (n > 0 && timestamp <= timestampAt(n - 1))
        {
            return;
        }
        reserveNext();
        final MappedByteBuffer m = map();
        final int at = position(n);
        m.putLong(at, timestamp);
        m.putInt(at + 8, (int)(offset - baseOffset));
        publishAppend();
    }

    public long timestampAt(final int n)
    {
        return map().getLong(position(n));
    }

    public long offsetAt(final int n)
    {
        return baseOffset + map().getInt(position(n) + 8);
    }

    /** Largest timestamp indexed, or -1 when empty. */
    public long lastTimestamp()
    {
        final int n = entries();
        return n == 0 ? -1 : timestampAt(n - 1);
    }

    /**
     * An offset from which to scan forward for the first batch with max timestamp at or above
     * {@code targetTimestamp}: the offset of the last entry strictly below the target (every
     * batch before it is below the target too), or the segment's base offset.
     */
    public long lookup(final long targetTimestamp)
    {
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (timestampAt(mid) < targetTimestamp)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found < 0 ? baseOffset : offsetAt(found);
    }

    /** Drops entries for offsets at or above {@code offset}. */
    public void truncateTo(final long offset) throws IOException
    {
        int n = entries();
        while (n > 0 && offsetAt(n - 1) >= offset)
        {
            n--;
        }
        truncateToEntries(n);
    }

    public boolean isConsistent(final long nextOffset)
    {
        long prevTs = Long.MIN_VALUE;
        long prevOffset = -1;
        for (int i = 0, n = entries(); i < n; i++)
        {
            final long ts = timestampAt(i);
            final long off = offsetAt(i);
            if (ts <= prevTs || off < prevOffset || off >= nextOffset || off < baseOffset)
            {
                return false;
            }
            prevTs = ts;
            prevOffset = off;
        }
        return true;
    }

    public void clear() throws IOException
    {
        resetForRebuild();
    }
}
