package io.osprey.log;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * Reserves disk blocks under a memory-mapped file before anything is written there through the
 * mapping.
 * <p>
 * Segment and index files are made with {@code setLength}, which allocates nothing: the file is a
 * hole, and the file system looks for a block only when a page is first written. Through a
 * mapping that happens inside a page fault, where a full disk (or quota) cannot be reported as an
 * error: the kernel sends SIGBUS, which the JVM turns into an asynchronous {@link InternalError}
 * delivered later to whatever code runs next, or into a crash. So every byte is reserved first
 * with an ordinary {@code write} of zeros, which reports a full disk as an {@link IOException}
 * (ENOSPC) on the thread that asked, and only reserved bytes are ever written through a mapping.
 * <p>
 * Only whole pages count as reserved ({@link #usable}): on a file system with blocks smaller
 * than a page, a mapped write allocates every block of its page, so a page whose tail is a hole
 * (the last page of a file that was trimmed) could still fault, even where the bytes written
 * are allocated. Reservations therefore end on a page boundary (or at the end of the file), and
 * zeros that overwrite existing bytes ({@link #writeZeros}) go through {@code write} too.
 * Copy-on-write file systems (btrfs, ZFS) allocate anew on every write, so no
 * reservation can protect a mapping there; use ext4 or XFS for log directories.
 * <p>
 * Writes go through {@link RandomAccessFile}, not {@code FileChannel}: an interrupt during a
 * channel write closes the channel, which the segment's readers share. The caller holds whatever
 * lock guards the file's position (it is moved here). Stateless; the zero buffer is shared and
 * never written.
 */
final class Preallocation
{
    static final int PAGE_SIZE = 4096;
    /** Zeros per write call: one 64 KiB buffer serves every file of the process. */
    private static final byte[] ZEROS = new byte[64 * 1024];

    private Preallocation()
    {
    }

    /**
     * Writes zeros from {@code from} towards {@code target} and returns the new end of the
     * reserved range: {@code target} when every write succeeded, otherwise the last page boundary
     * reached (never below {@code from}). Bytes at and above {@code from} must hold nothing of value.
     *
     * @param from    start of the unreserved range (every byte below it is reserved)
     * @param needed  the {@link #usable} end the caller cannot do without, at most {@code target}
     * @param target  the end the caller would like: a page boundary or {@code fileEnd}
     * @param fileEnd the file's length; a range that reaches it needs no page alignment
     * @throws IOException when the range could not be reserved up to {@code needed} (typically
     *                     "No space left on device"); what was reserved before stays written
     */
    static int reserve(final RandomAccessFile file, final int from, final int needed, final int target, final int fileEnd)
        throws IOException
    {
        if (target <= from)
        {
            return from;
        }
        long position = from;
        try
        {
            file.seek(from);
            while (position < target)
            {
                final int n = (int)Math.min(ZEROS.length, target - position);
                file.write(ZEROS, 0, n);
                position += n;
            }
            return target;
        }
        catch (final IOException e)
        {
            // A short write moved the file position past what it wrote; the call that failed wrote nothing.
            final long reached = reachedAfterFailure(file, position, target);
            final int end = reached == fileEnd ? fileEnd : Math.max(from, (int)(reached & -PAGE_SIZE));
            if (usable(end, fileEnd) >= needed)
            {
                return end;
            }
            throw e;
        }
    }

    /**
     * The part of a file reserved up to {@code reserved} that may be written through a mapping:
     * whole pages only, unless the reservation reaches the end of the file.
     */
    static int usable(final int reserved, final int fileEnd)
    {
        return reserved >= fileEnd ? reserved : reserved & -PAGE_SIZE;
    }

    /**
     * Overwrites {@code [from, to)} with zeros through {@code write}, not a mapping: the bytes
     * were written before, so their blocks exist, and no mapped write can fault on a page whose
     * tail is a hole. The caller holds the lock that guards the file position.
     */
    static void writeZeros(final RandomAccessFile file, final long from, final long to) throws IOException
    {
        file.seek(from);
        for (long position = from; position < to; )
        {
            final int n = (int)Math.min(ZEROS.length, to - position);
            file.write(ZEROS, 0, n);
            position += n;
        }
    }

    private static long reachedAfterFailure(final RandomAccessFile file, final long confirmed, final int target)
    {
        try
        {
            return Math.max(confirmed, Math.min(file.getFilePointer(), target));
        }
        catch (final IOException e)
        {
            return confirmed;
        }
    }

    /** {@code bytes} rounded up to a whole page, as a long so that it cannot overflow. */
    static long pageAlignUp(final long bytes)
    {
        return (bytes + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /**
     * The target for a reservation that must reach {@code needed} and should grow by
     * {@code chunk}: whole pages, never past {@code fileEnd}.
     */
    static int target(final int from, final long needed, final int chunk, final int fileEnd)
    {
        return (int)Math.min(fileEnd, pageAlignUp(Math.max(needed, (long)from + chunk)));
    }
}
