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
 */
abstract class IndexFile implements AutoCloseable
{
    private final Path path;
    private final int entrySize;
    private final List<MappedByteBuffer> retired = new ArrayList<>(1);
    private RandomAccessFile file;
    private volatile MappedByteBuffer map;
    private int capacityEntries;
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

    /** Publishes one more entry whose bytes the subclass has just written at {@code position(entries())}. */
    final void publishAppend()
    {
        entries = entries + 1;
    }

    /** Keeps the first {@code n} entries; zeroes the rest so a crash cannot bring them back. */
    final void truncateToEntries(final int n)
    {
        final int old = entries;
        if (n >= old)
        {
            return;
        }
        entries = n;
        final MappedByteBuffer m = map;
        for (int i = position(n), end = position(old); i < end; i++)
        {
            m.put(i, (byte)0);
        }
    }

    /**
     * Empties the index before a rebuild (recovery, when no reader exists yet): the file is cut
     * and grown back, so its preallocated extent is a hole of zeros rather than written zeros.
     */
    final void resetForRebuild() throws IOException
    {
        final long length = file.length();
        entries = 0;
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
