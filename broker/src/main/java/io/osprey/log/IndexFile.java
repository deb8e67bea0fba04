package io.osprey.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.IoUtil;

/**
 * A memory-mapped file of fixed-size entries, preallocated while its segment is active and
 * trimmed to the entries written when it is sealed or closed.
 * <p>
 * Single writer (the partition's log agent); readers look only at the first
 * {@link #entries()} entries, a count the writer publishes with a volatile store after the
 * entry's bytes are written, so a reader never sees a half-written entry.
 * <p>
 * A mapping is never unmapped while readers may still hold it: sealing trims the file but keeps
 * the mapping (readers stay below the published count, which lies inside the file), and a
 * mapping replaced to grow the file is retired and unmapped only at {@link #close()}, which the
 * owner calls once no reader can reach this index any more.
 * <p>
 * Disk space: the preallocated file is sparse, and an entry is written through the mapping only
 * where {@link Preallocation} reserved the blocks first ({@link #reserve}, in chunks of
 * {@link #RESERVE_CHUNK_BYTES}), so a full disk fails the reservation with an
 * {@link IOException} instead of a mapped write with SIGBUS. {@link Segment} reserves room for
 * the entries an append can add before it copies the batch, so an append never fails half done.
 */
abstract class IndexFile implements AutoCloseable
{
    /** Growth step of the reserved part: 64 KiB holds 8192 offset entries, 32 MiB of log at the default interval. */
    static final int RESERVE_CHUNK_BYTES = 64 * 1024;

    private final Path path;
    private final int entrySize;
    private final List<MappedByteBuffer> retired = new ArrayList<>(1);
    private RandomAccessFile file;
    private volatile MappedByteBuffer map;
    private int capacityEntries;
    /** Bytes {@code [0, reservedBytes)} of the file have disk blocks: entries may be written there. Writer only. */
    private int reservedBytes;
    private volatile int entries;

    IndexFile(final Path path, final int entrySize, final int maxIndexBytes, final boolean active) throws IOException
    {
        this.path = path;
        this.entrySize = entrySize;
        file = new RandomAccessFile(path.toFile(), "rw");
        final long length = file.length();
        entries = (int)(length / entrySize);
        final long written = (long)entries * entrySize;
        final long size = active ? Math.max(written, roundDown(maxIndexBytes)) : written;
        file.setLength(size);
        map = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, size);
        capacityEntries = (int)(size / entrySize);
        // What was written before is on disk; a crash leftover preallocated in full is reset by
        // the recovery's rebuild before anything is appended.
        reservedBytes = (int)written;
    }

    private long roundDown(final int bytes)
    {
        return (long)(bytes / entrySize) * entrySize;
    }

    final MappedByteBuffer map()
    {
        return map;
    }

    public final int entries()
    {
        return entries;
    }

    public final boolean isFull()
    {
        return entries >= capacityEntries;
    }

    public final Path path()
    {
        return path;
    }

    /** Byte position of entry {@code n}. */
    final int position(final int n)
    {
        return n * entrySize;
    }

    /**
     * Makes sure the file has disk blocks for the first {@code neededEntries} entries and tries
     * for {@code wantedEntries} (both capped at the capacity), writing zeros ahead of the entries
     * in chunks of {@link #RESERVE_CHUNK_BYTES}. Writer thread.
     *
     * @return how many entries have room now: at least {@code neededEntries}, or the capacity
     * @throws IOException when the disk has no room for {@code neededEntries} (nothing was written
     *                     through the mapping)
     */
    final long reserve(final long neededEntries, final long wantedEntries) throws IOException
    {
        return reserve(neededEntries, wantedEntries, RESERVE_CHUNK_BYTES);
    }

    private long reserve(final long neededEntries, final long wantedEntries, final int chunk) throws IOException
    {
        final int fileEnd = capacityEntries * entrySize;
        final long neededBytes = Math.min(neededEntries, capacityEntries) * entrySize;
        final long wantedBytes = Math.min(Math.max(neededEntries, wantedEntries), capacityEntries) * entrySize;
        if (wantedBytes > Preallocation.usable(reservedBytes, fileEnd))
        {
            final int from = Math.max(reservedBytes, entries * entrySize);
            final int target = Preallocation.target(from, wantedBytes, chunk, fileEnd);
            final int usableBefore = Preallocation.usable(from, fileEnd);
            reservedBytes = Preallocation.reserve(file, from, (int)Math.max(usableBefore, neededBytes), target, fileEnd);
        }
        return Preallocation.usable(reservedBytes, fileEnd) / entrySize;
    }

    /** Entries the file can take at most. */
    final int capacityEntries()
    {
        return capacityEntries;
    }

    /**
     * Reserves room for one more entry unless it is there already: one comparison on the common
     * path. Appends find their room reserved by {@link Segment}; this grows the file during a
     * rebuild, a page at a time, so that on a full disk each index takes back just the blocks its
     * reset gave up and never those of the other index.
     */
    final void reserveNext() throws IOException
    {
        if ((long)(entries + 1) * entrySize > Preallocation.usable(reservedBytes, capacityEntries * entrySize))
        {
            reserve(entries + 1L, entries + 1L, 0);
        }
    }

    /** Publishes one more entry whose bytes the subclass has just written at {@code position(entries())}. */
    final void publishAppend()
    {
        entries = entries + 1;
    }

    /**
     * Keeps the first {@code n} entries; zeroes the rest so a crash cannot bring them back (with
     * writes, not through the mapping: see {@link Preallocation#writeZeros}).
     */
    final void truncateToEntries(final int n) throws IOException
    {
        final int old = entries;
        if (n >= old)
        {
            return;
        }
        entries = n;
        Preallocation.writeZeros(file, position(n), position(old));
    }

    /**
     * Empties the index before a rebuild (recovery, when no reader exists yet): the file is cut
     * and grown back, so its preallocated extent is a hole of zeros rather than written zeros.
     */
    final void resetForRebuild() throws IOException
    {
        final long length = file.length();
        entries = 0;
        reservedBytes = 0;
        file.setLength(0);
        file.setLength(length);
    }

    public final void flush()
    {
        map.force();
    }

    /** Trims the file to the entries written: the segment is sealed and takes no more entries. */
    public final void seal() throws IOException
    {
        file.setLength((long)entries * entrySize);
        capacityEntries = entries;
        reservedBytes = Math.min(reservedBytes, entries * entrySize);
    }

    /** Makes room for entries again: truncation brought this index's segment back to being the active one. */
    public final void unseal(final int maxIndexBytes) throws IOException
    {
        final long size = Math.max((long)entries * entrySize, roundDown(maxIndexBytes));
        file.setLength(size);
        if (map.capacity() < size)
        {
            retired.add(map);
            map = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
        capacityEntries = (int)(size / entrySize);
    }

    /** Renames the file; the open mapping stays valid (Linux keeps the inode). */
    public final void renameTo(final Path target) throws IOException
    {
        Files.move(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException
    {
        close(true);
    }

    /** Closes the file; unmaps only when {@code unmap} (see {@link Segment#closeAndDelete()}). */
    public void close(final boolean unmap) throws IOException
    {
        if (file != null)
        {
            flush();
            final long written = (long)entries * entrySize;
            if (unmap)
            {
                IoUtil.unmap(map);
                for (final MappedByteBuffer m : retired)
                {
                    IoUtil.unmap(m);
                }
            }
            retired.clear();
            if (file.getChannel().isOpen() && Files.exists(path))
            {
                file.setLength(written);
            }
            file.close();
            file = null;
        }
    }
}
