package io.osprey.log;

import java.nio.MappedByteBuffer;

import org.agrona.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Drops this process's page-table entries for part of a shared file mapping with
 * {@code madvise(MADV_DONTNEED)}, so pages a segment's writer (or a reader) went through stop
 * counting in the broker's resident set.
 * <p>
 * Nothing is lost: on a {@code MAP_SHARED} file mapping the kernel keeps the pages in the page
 * cache, dirty ones stay dirty and are written back as usual, {@code msync} and {@code fsync}
 * still reach them, and the next access maps the file's current bytes again (a minor fault).
 * What changes is the accounting: a write through a mapping leaves the page in the writer's
 * RSS until it is unmapped, where Kafka's {@code FileChannel} writes leave the same page cache
 * pages outside its RSS.
 * <p>
 * Java 17 has no call for it, so it goes through JNA (direct mapping of libc's
 * {@code madvise}). Linux only: elsewhere, or when the native library does not load,
 * {@link #ENABLED} is false and the pages stay mapped as before. {@code -Dosprey.log.release.pages=false}
 * turns it off.
 */
final class ResidentPages
{
    /** Linux's MADV_DONTNEED. */
    private static final int MADV_DONTNEED = 4;
    private static final Logger LOG = LoggerFactory.getLogger(ResidentPages.class);

    static final boolean ENABLED = load();
    /** The kernel's page size (4 KiB on x86, up to 64 KiB elsewhere): madvise takes whole pages only. */
    private static final long PAGE_SIZE = ENABLED ? getpagesize() : Pretoucher.PAGE_SIZE;

    private ResidentPages()
    {
    }

    private static boolean load()
    {
        if (!Boolean.parseBoolean(System.getProperty("osprey.log.release.pages", "true")) || !Platform.isLinux())
        {
            return false;
        }
        try
        {
            Native.register(ResidentPages.class, Platform.C_LIBRARY_NAME);
            return true;
        }
        catch (final Throwable t)
        {
            LOG.warn("madvise is not available ({}): segment pages written through mappings stay resident until unmapped",
                t.toString());
            return false;
        }
    }

    private static native int madvise(Pointer address, long length, int advice);

    private static native int getpagesize();

    /**
     * Drops the resident pages of {@code [from, to)} of {@code map} (shrunk to whole pages: the
     * page holding {@code to} stays). The caller makes sure the mapping is not unmapped
     * meanwhile and that {@code to} is within the file.
     *
     * @return bytes released, 0 when nothing was (disabled, an empty range or a failed call,
     *         which is logged once)
     */
    static long release(final MappedByteBuffer map, final long from, final long to)
    {
        if (!ENABLED)
        {
            return 0;
        }
        final long start = (from + PAGE_SIZE - 1) & -PAGE_SIZE;
        final long end = Math.min(to, map.capacity()) & -PAGE_SIZE;
        if (end <= start)
        {
            return 0;
        }
        // A mapping from file position 0 starts on a page boundary, so these addresses are aligned.
        final long address = BufferUtil.address(map) + start;
        if (madvise(new Pointer(address), end - start, MADV_DONTNEED) == 0)
        {
            return end - start;
        }
        if (!failureLogged)
        {
            failureLogged = true;
            LOG.warn("madvise(MADV_DONTNEED) failed with errno {} for {} bytes at {}: segment pages may stay resident",
                Native.getLastError(), end - start, Long.toHexString(address));
        }
        return 0;
    }

    private static volatile boolean failureLogged;
}
