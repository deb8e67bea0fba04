package io.osprey.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse offset index of one segment: maps an offset to the byte position of a batch in the
 * segment's {@code .log} file at or before it.
 * <p>
 * File layout: entries of 8 bytes, big-endian, in increasing offset order:
 * {@code relativeOffset int32} (offset minus the segment's base offset) and
 * {@code position int32} (byte position of the batch in the .log file). An entry is added when
 * at least {@code index.interval.bytes} of batches were appended since the previous one, so a
 * lookup lands within about that many bytes of the target and the scan from there is short.
 */
public final class OffsetIndex extends IndexFile
{
    public static final int ENTRY_SIZE = 8;

    private final long baseOffset;

    public OffsetIndex(final Path path, final long baseOffset, final int maxIndexBytes, final boolean active) throws IOException
    {
        super(path, ENTRY_SIZE, maxIndexBytes, active);
        this.baseOffset = baseOffset;
    }

    public long baseOffset()
    {
        return baseOffset;
    }

    /**
     * Adds an entry; the caller guarantees offsets and positions only grow.
     *
     * @throws IOException when the disk has no room for the entry (see {@link IndexFile#reserve})
     */
    public void append(final long offset, final int position) throws IOException
    {
        reserveNext();
        final int n = entries();
        final MappedByteBuffer m = map();
        final int at = position(n);
        m.putInt(at, (int)(offset - baseOffset));
        m.putInt(at + 4, position);
        publishAppend();
    }

    public long offsetAt(final int n)
    {
        return baseOffset + map().getInt(position(n));
    }

    public int positionAt(final int n)
    {
        return map().getInt(position(n) + 4);
    }

    public long lastOffset()
    {
        final int n = entries();
        return n == 0 ? baseOffset : offsetAt(n - 1);
    }

    /**
     * Byte position of the last indexed batch whose offset is at or below {@code targetOffset},
     * or 0 (the segment start) when there is none. Binary search over the published entries.
     */
    public int lookup(final long targetOffset)
    {
        return floorEntryPosition(0, targetOffset - baseOffset);
    }

    /**
     * Byte position of the last indexed batch that starts at or below {@code position}, or 0
     * (the segment start) when there is none. Binary search over the published entries, whose
     * positions grow with their offsets.
     */
    public int floorPosition(final int position)
    {
        return floorEntryPosition(4, position);
    }

    /**
     * The position field of the last entry whose int at {@code field} (0: relative offset, 4:
     * position; both grow from entry to entry) is at or below {@code key}, or 0 when none is.
     */
    private int floorEntryPosition(final int field, final long key)
    {
        final MappedByteBuffer m = map();
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (m.getInt(position(mid) + field) <= key)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : m.getInt(position(found) + 4);
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

    /** True when entries are strictly increasing in offset and position and below {@code logSize}. */
    public boolean isConsistent(final int logSize)
    {
        long prevOffset = -1;
        int prevPos = -1;
        for (int i = 0, n = entries(); i < n; i++)
        {
            final long off = offsetAt(i);
            final int pos = positionAt(i);
            if (off <= prevOffset || pos <= prevPos || pos >= logSize || off < baseOffset)
            {
                return false;
            }
            prevOffset = off;
            prevPos = pos;
        }
        return true;
    }

    public void clear() throws IOException
    {
        resetForRebuild();
    }
}
