package io.osprey.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjLongConsumer;

import org.agrona.IoUtil;

import io.osprey.record.RecordBatch;

/**
 * One segment of a partition log: {@code <baseOffset>.log} with its sparse {@code .index} and
 * {@code .timeindex}.
 * <p>
 * While active the .log file is preallocated to {@code segment.bytes} and memory-mapped; the
 * single writer copies batches into the mapping and then publishes the new end with a volatile
 * store ({@link #sizeInBytes()}), so readers on other threads never look past bytes that are
 * completely written. Sealing (on roll and close) trims the file to the bytes written.
 * <p>
 * Mappings are never unmapped while a reader could hold one: {@link #close()} does that, and
 * the owner calls it only after the segment left the log and in-flight reads have drained
 * ({@code file.delete.delay.ms}). A file is never shrunk below bytes a reader may touch while
 * the log is open: truncation zeroes the dropped tail through the mapping instead.
 * <p>
 * Disk space: the preallocated file is sparse, so nothing is written through the mapping where
 * the disk has not given blocks yet (a full disk would answer a mapped write with SIGBUS). The
 * bytes {@code [0, reservedUpTo)} are reserved by {@link Preallocation} with ordinary writes of
 * zeros, in chunks ahead of the writer: by the pretoucher thread up to its window (once the
 * writer has made its first reservation), and by the writer itself ({@link #reserve}) when an
 * append would cross the reserved end. The writer checks one number per append,
 * {@code appendLimit}: below it the .log bytes are reserved and so are the index entries a log
 * of that length can need. A full disk fails {@link #reserve} with an {@link IOException}
 * before any byte of the batch is written.
 */
public final class Segment implements AutoCloseable
{
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String DELETED_SUFFIX = ".deleted";
    /** Appended to the three file names of a segment the log cleaner is still writing. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** Appended to the three file names of a cleaned segment that is being swapped into the log. */
    public static final String SWAP_SUFFIX = ".swap";
    /**
     * Growth step of the reserved part of the .log file when the writer reserves itself (the
     * pretoucher is behind or off): one write of zeros per MiB appended, at most 1 MiB of disk
     * reserved and not yet used per active segment beyond the pretoucher's window.
     */
    static final int RESERVE_CHUNK_BYTES = 1024 * 1024;
    /** Pages the pretoucher touches per call, so the pretouch lock is never held long. */
    private static final int PRETOUCH_PAGES_PER_CALL = RESERVE_CHUNK_BYTES / Pretoucher.PAGE_SIZE;
    /**
     * The last bytes of an active segment keep their pages mapped when the ones behind are released
     * ({@link #releaseResident}): followers and consumers at the tail read the newest batch headers.
     */
    static final int RELEASE_KEEP_BYTES = 1024 * 1024;
    /** The writer's pages are released once this much more has been written behind the kept tail. */
    static final int RELEASE_STEP_BYTES = 2 * 1024 * 1024;
    /**
     * A segment's pretouch window starts at this. It doubles (up to the pretoucher's window) when
     * the writer comes within half of it less than {@link #PRETOUCH_GROW_NS} after the previous
     * fill began, and falls back to this when it took longer: only a partition written at half a
     * window a second or more holds the whole window of touched pages.
     */
    static final int PRETOUCH_START_BYTES = 256 * 1024;
    static final long PRETOUCH_GROW_NS = 1_000_000_000L;
    /**
     * An active segment with no append for this long is idle: all its pages are released, the
     * pretouched ones ahead of the writer too, and it is not pretouched again until it grows.
     */
    static final long IDLE_NS = 5_000_000_000L;

    private final long baseOffset;
    private final Path logPath;
    private final RandomAccessFile file;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final List<MappedByteBuffer> retiredMaps = new ArrayList<>(1);
    private final RecordBatch scanView = new RecordBatch();
    private final int indexIntervalBytes;
    private final int maxIndexBytes;

    private final Object pretouchLock = new Object();
    /**
     * The writer wakes the pretoucher once {@link #size} reaches this: the pretoucher has work in
     * this segment from there (a window to top up, pages to release). Set by the pretoucher after
     * each pass over the segment, to {@code MAX_VALUE} by the writer when it wakes it.
     */
    private volatile int pretouchWakeAt = Integer.MAX_VALUE;
    private int touchedUpTo;
    /** The pretoucher is filling the window (until it is whole again); guarded by the pretouch lock. */
    private boolean pretouchFilling;
    /** This segment's pretouch window now (0: not started); guarded by the pretouch lock. */
    private int pretouchWindow;
    /** When the last fill of the window began (0: none yet); pretoucher thread. */
    private long fillStartedNs;
    private org.agrona.concurrent.UnsafeBuffer touchView;
    /** The pretoucher's last reservation failed (disk full): it stops reserving until the writer's succeeds. */
    private boolean pretouchReserveFailed;
    /**
     * Bytes {@code [0, reservedUpTo)} of the .log file have disk blocks; never below {@link #size}.
     * Grows under the pretouch lock, by the writer or the pretoucher; read by the writer without it.
     */
    private volatile int reservedUpTo;
    /**
     * An append ending at or below this needs no reservation: the .log bytes are reserved and the
     * indexes have room for every entry a log this long can need. Writer only.
     */
    private int appendLimit;
    /** Not a cleaner's output: the pretoucher works ahead of this segment's writer. */
    private final boolean pretouchable;
    /**
     * Handed to the pretoucher, which happens at the writer's first reservation: not while a
     * recovery rebuilds the indexes (the pretoucher would take the blocks it needs on a full disk),
     * and not for a partition that takes no appends. Writer only.
     */
    private boolean pretouchRegistered;
    private volatile MappedByteBuffer map;
    /**
     * Pages below this were released by the last {@link #releaseResident} (the writer has not been
     * there since); guarded by the pretouch lock.
     */
    private int releasedUpTo;
    private long releasedAtNs;
    /** Pretoucher thread: the size at its last pass and when it last changed. */
    private int lastSeenSize = -1;
    private long lastGrowthNs;
    /** Released as idle: not pretouched until it grows again; pretoucher thread only. */
    private boolean idle;
    /**
     * A reader went through the mapping since the last release (it maps pages back in). Set by
     * readers, only when clear; cleared by whoever releases, before it does.
     */
    private volatile boolean readSinceRelease;
    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;
    private long createdMs;
    /** Written under the pretouch lock; volatile for readers deciding who releases their pages. */
    private volatile boolean active;
    private boolean closed;

    private Segment(
        final Path dir,
        final long baseOffset,
        final int capacity,
        final int indexIntervalBytes,
        final int maxIndexBytes,
        final boolean active,
        final long nowMs,
        final String suffix) throws IOException
    {
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = indexIntervalBytes;
        this.maxIndexBytes = maxIndexBytes;
        this.active = active;
        this.logPath = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + suffix);
        final boolean existed = Files.exists(logPath);
        this.file = new RandomAccessFile(logPath.toFile(), "rw");
        this.channel = file.getChannel();
        final long fileLength = file.length();
        if (fileLength > Integer.MAX_VALUE)
        {
            file.close();
            throw new IOException("Segment file " + logPath + " is larger than 2 GiB: " + fileLength);
        }
        final long mapSize = active ? Math.max(fileLength, capacity) : fileLength;
        if (mapSize > fileLength)
        {
            file.setLength(mapSize);
        }
        this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, mapSize);
        this.size = (int)fileLength;
        this.nextOffset = baseOffset;
        this.offsetIndex = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + suffix), baseOffset, maxIndexBytes, active);
        this.timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + suffix), baseOffset, maxIndexBytes, active);
        this.createdMs = existed ? Files.getLastModifiedTime(logPath).toMillis() : nowMs;
        // Written bytes have their blocks. A crash leftover preallocated in full claims more than
        // it has until recover() cuts it to what it holds, which happens before any append.
        this.reservedUpTo = size;
        this.pretouchable = suffix.isEmpty();
        if (!existed)
        {
            this.size = 0;
        }
    }

    /** Creates a new, empty, active segment. */
    static Segment create(final Path dir, final long baseOffset, final LogConfig config, final int minCapacity, final long nowMs)
        throws IOException
    {
        final Path logPath = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        // A leftover file with this name (an earlier truncation that crashed) must not leak old bytes.
        Files.deleteIfExists(logPath);
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        final int capacity = Math.max(config.segmentBytes(), minCapacity);
        return new Segment(dir, baseOffset, capacity, config.indexIntervalBytes(), config.segmentIndexBytes(), true, nowMs, "");
    }

    /**
     * Creates the output of the log cleaner: an active segment whose three files carry the
     * {@link #CLEANED_SUFFIX}, preallocated to {@code capacity} bytes and never pretouched. The
     * cleaner appends to it, {@link #close() closes} it (which trims the files), and renames the
     * files into place; the log then opens them again as an ordinary sealed segment.
     */
    static Segment createCleaned(final Path dir, final long baseOffset, final LogConfig config, final int capacity,
        final long nowMs) throws IOException
    {
        for (final String suffix : new String[] {LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX})
        {
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, suffix) + CLEANED_SUFFIX));
        }
        return new Segment(dir, baseOffset, capacity, config.indexIntervalBytes(), config.segmentIndexBytes(), true, nowMs,
            CLEANED_SUFFIX);
    }

    /**
     * Opens an existing segment. Its size is the file length until {@link #recover} or
     * {@link #loadTrusted} establish where the valid bytes end.
     */
    static Segment open(final Path dir, final long baseOffset, final LogConfig config, final boolean active, final long nowMs)
        throws IOException
    {
        return new Segment(dir, baseOffset, config.segmentBytes(), config.indexIntervalBytes(),
            config.segmentIndexBytes(), active, nowMs, "");
    }

    public static String fileName(final long offset, final String suffix)
    {
        final String digits = Long.toString(offset);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits + suffix;
    }

    public long baseOffset()
    {
        return baseOffset;
    }

    /** Bytes published: readers may read below this position. */
    public int sizeInBytes()
    {
        return size;
    }

    /** Offset just past the last batch of this segment (its base offset when empty). */
    public long nextOffset()
    {
        return nextOffset;
    }

    public long maxTimestamp()
    {
        return maxTimestamp;
    }

    /** The time used for retention: the largest record timestamp, or the file's age when none is known. */
    public long retentionTimestampMs()
    {
        return maxTimestamp >= 0 ? maxTimestamp : createdMs;
    }

    public long createdMs()
    {
        return createdMs;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    public boolean isActive()
    {
        return active;
    }

    public Path logPath()
    {
        return logPath;
    }

    public FileChannel channel()
    {
        return channel;
    }

    public OffsetIndex offsetIndex()
    {
        return offsetIndex;
    }

    public TimeIndex timeIndex()
    {
        return timeIndex;
    }

    /** Free bytes in the preallocated file. */
    public int remainingCapacity()
    {
        return map.capacity() - size;
    }

    /** True when the indexes cannot take another entry or the relative offset would overflow. */
    boolean indexesFull(final long lastOffset)
    {
        return offsetIndex.isFull() || timeIndex.isFull() || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /**
     * Makes sure an append of {@code length} bytes at the end can be written without touching an
     * unreserved page: reserves the .log bytes (a chunk ahead) and room in both indexes when the
     * append would cross {@code appendLimit}. Writer thread; the caller checked that the batch
     * fits ({@link #remainingCapacity()}).
     *
     * @throws IOException when the disk has no room (typically "No space left on device");
     *                     nothing was written to the segment then
     */
    void reserve(final int length) throws IOException
    {
        final long end = (long)size + length;
        if (end > appendLimit)
        {
            reserveSlow(end);
        }
    }

    private void reserveSlow(final long end) throws IOException
    {
        final int capacity = map.capacity();
        if (end > capacity)
        {
            throw new IllegalStateException("An append to " + this + " would end at " + end + ", past its capacity " + capacity);
        }
        int reserved = reservedUpTo;
        if (end > Preallocation.usable(reserved, capacity))
        {
            synchronized (pretouchLock)
            {
                reserved = reservedUpTo;
                if (end > Preallocation.usable(reserved, capacity))
                {
                    reserved = Preallocation.reserve(file, reserved, (int)end,
                        Preallocation.target(reserved, end, RESERVE_CHUNK_BYTES, capacity), capacity);
                    reservedUpTo = reserved;
                    pretouchReserveFailed = false;
                }
            }
        }
        reserved = Preallocation.usable(reserved, capacity);
        // Index entries are at least max(index.interval.bytes, one batch header) of log apart and
        // the first is at position 0, so a log of n bytes needs at most 1 + (n - 1) / gap entries,
        // and e entries cover a log of e * gap bytes. The indexes get room for all of the reserved
        // log when the disk allows, and must get it for this append.
        final int gap = Math.max(indexIntervalBytes, RecordBatch.HEADER_SIZE);
        final long needed = 1 + end / gap;
        final long wanted = 1 + reserved / gap;
        final long limit = Math.min(reserved,
            Math.min(coveredBytes(offsetIndex, offsetIndex.reserve(needed, wanted), gap),
                coveredBytes(timeIndex, timeIndex.reserve(needed, wanted), gap)));
        appendLimit = (int)limit;
        if (pretouchable && !pretouchRegistered)
        {
            pretouchRegistered = true;
            Pretoucher.register(this);
        }
    }

    /** Bytes of log whose index entries fit in {@code entries}; a full index takes no more entries (the log rolls). */
    private static long coveredBytes(final IndexFile index, final long entries, final int gap)
    {
        return entries >= index.capacityEntries() ? Long.MAX_VALUE : entries * gap;
    }

    /**
     * Copies one batch into the mapping at the current end and publishes it. The caller has
     * validated the batch and made sure it fits ({@link #remainingCapacity()}); it should have
     * {@link #reserve reserved} the bytes, otherwise this does.
     *
     * @throws IOException when the bytes could not be reserved; nothing was written then
     */
    void append(final ByteBuffer src, final int srcOffset, final int length,
        final long batchBaseOffset, final long batchLastOffset, final long batchMaxTimestamp, final long nowMs)
        throws IOException
    {
        final int position = size;
        reserve(length);
        final MappedByteBuffer m = map;
        m.put(position, src, srcOffset, length);
        if (size == 0)
        {
            // segment.ms counts from the first batch in the segment, not from when the file was made.
            createdMs = nowMs;
        }
        onBatch(position, length, batchBaseOffset, batchLastOffset, batchMaxTimestamp);
        nextOffset = batchLastOffset + 1;
        size = position + length;
        // A volatile write of size, then a volatile read of the mark: with the pretoucher's write of the mark, then its
        // read of size (armPretouchWake), one of the two sees the other, so no crossing goes unnoticed.
        if (position + length >= pretouchWakeAt)
        {
            pretouchWakeAt = Integer.MAX_VALUE;
            Pretoucher.wake();
        }
    }

    private void onBatch(final int position, final int length, final long batchBaseOffset, final long lastOffset,
        final long batchMaxTimestamp) throws IOException
    {
        if (batchMaxTimestamp > maxTimestamp)
        {
            maxTimestamp = batchMaxTimestamp;
        }
        if (bytesSinceLastIndexEntry >= indexIntervalBytes || position == 0)
        {
            if (!offsetIndex.isFull() && (offsetIndex.entries() == 0 || batchBaseOffset > offsetIndex.lastOffset()))
            {
                offsetIndex.append(batchBaseOffset, position);
            }
            if (!timeIndex.isFull() && maxTimestamp >= 0)
            {
                timeIndex.maybeAppend(maxTimestamp, lastOffset);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += length;
    }

    /**
     * Position of the first batch whose last offset is at or above {@code targetOffset},
     * scanning batch headers from the index entry at or below it; -1 when no published batch
     * qualifies. Safe on any thread.
     */
    public int findPosition(final long targetOffset)
    {
        return findPosition(targetOffset, size);
    }

    int findPosition(final long targetOffset, final int limit)
    {
        noteRead();
        final MappedByteBuffer m = map;
        int p = offsetIndex.lookup(targetOffset);
        while (p + RecordBatch.HEADER_SIZE <= limit)
        {
            final long base = m.getLong(p + RecordBatch.BASE_OFFSET_OFFSET);
            final int lastDelta = m.getInt(p + RecordBatch.LAST_OFFSET_DELTA_OFFSET);
            if (base + lastDelta >= targetOffset)
            {
                return p;
            }
            p += m.getInt(p + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
        }
        return -1;
    }

    /**
     * The last offset of the last batch whose header lies within {@code [from, end)}, or -1 when
     * none does: the batches from {@code from} are whole up to there (a fetch may cut the last one
     * short). Scans batch headers from the index entry at or below {@code end}, not from
     * {@code from}, so a large read costs a few header reads, not one per batch. Any thread;
     * {@code from} must be a batch start.
     */
    long lastOffsetOfBatchesWithin(final int from, final int end)
    {
        final MappedByteBuffer m = map;
        int p = Math.max(from, offsetIndex.floorPosition(end - RecordBatch.HEADER_SIZE));
        long last = -1;
        while (p + RecordBatch.HEADER_SIZE <= end)
        {
            last = m.getLong(p + RecordBatch.BASE_OFFSET_OFFSET) + m.getInt(p + RecordBatch.LAST_OFFSET_DELTA_OFFSET);
            p += m.getInt(p + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
        }
        return last;
    }

    /**
     * Every read goes through {@link #findPosition(long, int)} first, which calls this: the pages it
     * and the rest of the read touch are resident again, and someone should release them. An
     * active segment's are released by the pretoucher's pass over active segments, a sealed one's
     * by its pass over the segments handed to it here.
     */
    private void noteRead()
    {
        if (!readSinceRelease)
        {
            readSinceRelease = true;
            if (!active)
            {
                Pretoucher.releaseLater(this);
            }
        }
    }

    /**
     * Pretoucher thread, for an active segment: drops the resident pages behind the writer (all
     * but the last {@link #RELEASE_KEEP_BYTES}) once {@link #RELEASE_STEP_BYTES} more were written
     * there, or once {@code intervalNs} passed since the last release and readers mapped pages back
     * in. From where the last release ended, or from the start when readers went anywhere.
     *
     * @return bytes released
     */
    long releaseResident(final long nowNs, final long intervalNs)
    {
        if (!ResidentPages.ENABLED)
        {
            return 0;
        }
        final int current = size;
        if (current != lastSeenSize)
        {
            lastSeenSize = current;
            lastGrowthNs = nowNs;
            idle = false;
        }
        else if (!idle && nowNs - lastGrowthNs >= IDLE_NS)
        {
            readSinceRelease = false;
            synchronized (pretouchLock)
            {
                if (closed || !active)
                {
                    return 0;
                }
                // The pretouched pages ahead go too; pretouch() starts over from the end once it grows.
                idle = true;
                touchedUpTo = 0;
                pretouchFilling = false;
                pretouchWindow = 0;
                fillStartedNs = 0;
                releasedUpTo = current;
                releasedAtNs = nowNs;
                return ResidentPages.release(map, 0, map.capacity());
            }
        }
        final int behind = current - RELEASE_KEEP_BYTES;
        final boolean read = readSinceRelease;
        if (behind <= 0 || (behind - releasedUpTo < RELEASE_STEP_BYTES && !(read && nowNs - releasedAtNs >= intervalNs)))
        {
            return 0;
        }
        readSinceRelease = false;
        synchronized (pretouchLock)
        {
            if (closed || !active)
            {
                return 0;
            }
            final long released = ResidentPages.release(map, read ? 0 : Math.min(releasedUpTo, behind), behind);
            releasedUpTo = behind;
            releasedAtNs = nowNs;
            return released;
        }
    }

    /**
     * Pretoucher thread, for a segment handed over by {@link Pretoucher#releaseLater}: drops the
     * resident pages of everything published (a sealed segment's whole file).
     *
     * @return bytes released
     */
    long releaseAll()
    {
        readSinceRelease = false;
        synchronized (pretouchLock)
        {
            if (closed)
            {
                return 0;
            }
            final int to = size;
            releasedUpTo = Math.max(releasedUpTo, to);
            return ResidentPages.release(map, 0, to);
        }
    }

    /** Size of the batch at {@code position}. */
    int batchSizeAt(final int position)
    {
        return map.getInt(position + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
    }

    long batchLastOffsetAt(final int position)
    {
        final MappedByteBuffer m = map;
        return m.getLong(position + RecordBatch.BASE_OFFSET_OFFSET) + m.getInt(position + RecordBatch.LAST_OFFSET_DELTA_OFFSET);
    }

    long batchMaxTimestampAt(final int position)
    {
        return map.getLong(position + RecordBatch.MAX_TIMESTAMP_OFFSET);
    }

    /** The mapping, for readers (the log cleaner, slices' views): they map pages back in. */
    ByteBuffer mapping()
    {
        noteRead();
        return map;
    }

    /**
     * Feeds every published batch whose last offset is at or above {@code fromOffset} to the
     * producer-state table, in log order: the replay after a snapshot. Reads batch headers
     * only. Writer thread (it uses this segment's scan view).
     */
    void replayProducerState(final long fromOffset, final ProducerStateTable table)
    {
        final int limit = size;
        int p = fromOffset <= baseOffset ? 0 : findPosition(fromOffset, limit);
        if (p < 0)
        {
            return;
        }
        final MappedByteBuffer m = map;
        final RecordBatch view = scanView;
        while (p + RecordBatch.HEADER_SIZE <= limit)
        {
            view.wrap(m, p);
            table.update(view);
            p += view.sizeInBytes();
        }
    }

    /**
     * Base offset of the first batch whose max timestamp is at or above {@code timestamp},
     * starting from the time index's hint; -1 when none is.
     */
    long findOffsetByTimestamp(final long timestamp)
    {
        if (maxTimestamp < timestamp)
        {
            return -1;
        }
        final long fromOffset = timeIndex.lookup(timestamp);
        final int limit = size;
        int p = findPosition(fromOffset, limit);
        while (p >= 0 && p + RecordBatch.HEADER_SIZE <= limit)
        {
            if (batchMaxTimestampAt(p) >= timestamp)
            {
                return map.getLong(p + RecordBatch.BASE_OFFSET_OFFSET);
            }
            p += batchSizeAt(p);
        }
        return -1;
    }

    /**
     * Scans every batch from the start, checking framing, magic, CRC and that offsets only
     * grow, rebuilds both indexes, and truncates at the first bad batch so a torn or corrupt
     * tail is never served.
     *
     * @param minBaseOffset the base offset the first batch must have at least (the previous
     *                      segment's next offset)
     * @param onBatch       told of every valid batch (view, position) in order, for the leader
     *                      epoch cache and producer state
     * @return bytes truncated (0 when the segment was intact)
     */
    int recover(final long minBaseOffset, final ObjLongConsumer<RecordBatch> onBatch) throws IOException
    {
        final int fileLength = size;
        final MappedByteBuffer m = map;
        offsetIndex.clear();
        timeIndex.clear();
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        long expectedMin = Math.max(minBaseOffset, baseOffset);
        long next = baseOffset;
        int p = 0;
        final RecordBatch view = scanView;
        while (p + RecordBatch.HEADER_SIZE <= fileLength)
        {
            final int batchLength = m.getInt(p + RecordBatch.BATCH_LENGTH_OFFSET);
            if (batchLength < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD ||
                batchLength > fileLength - p - RecordBatch.LOG_OVERHEAD)
            {
                break;
            }
            view.wrap(m, p);
            if (view.magic() != RecordBatch.MAGIC || view.lastOffsetDelta() < 0 || view.baseOffset() < expectedMin ||
                view.lastOffset() - baseOffset > Integer.MAX_VALUE || !view.isChecksumValid())
            {
                break;
            }
            final int length = batchLength + RecordBatch.LOG_OVERHEAD;
            onBatch(p, length, view.baseOffset(), view.lastOffset(), view.maxTimestamp());
            onBatch.accept(view, p);
            next = view.lastOffset() + 1;
            expectedMin = next;
            p += length;
        }
        final int truncated = fileLength - p;
        if (truncated > 0)
        {
            // Nobody reads this segment yet: cutting the file and growing it back makes the tail
            // a hole of zeros again, where writing zeros would allocate and dirty every block.
            synchronized (pretouchLock)
            {
                file.setLength(p);
                if (active)
                {
                    file.setLength(map.capacity());
                }
                // The cut freed every block past p: reserve and touch again from there.
                reservedUpTo = p;
                touchedUpTo = 0;
                pretouchWakeAt = 0;
            }
        }
        appendLimit = 0;
        size = p;
        nextOffset = next;
        if (!active)
        {
            file.setLength(p);
        }
        // The scan mapped in every page of the file; no reader is there yet.
        synchronized (pretouchLock)
        {
            ResidentPages.release(map, 0, p);
            releasedUpTo = p;
        }
        return truncated;
    }

    /**
     * Loads a sealed segment below the recovery point without scanning it: its length is the
     * file's and its next offset is the next segment's base. Indexes are checked for sanity and
     * rebuilt by a scan when they do not match the file.
     *
     * @return false when the indexes were inconsistent and the caller should {@link #recover} instead
     */
    boolean loadTrusted(final long nextSegmentBaseOffset)
    {
        if (!offsetIndex.isConsistent(size) || !timeIndex.isConsistent(nextSegmentBaseOffset) ||
            (size > 0 && offsetIndex.entries() == 0))
        {
            return false;
        }
        nextOffset = nextSegmentBaseOffset;
        // The time index is sparse: batches after its last entry may carry larger timestamps.
        // Scanning headers from the last offset-index entry covers them (about one index interval).
        long maxTs = timeIndex.lastTimestamp();
        final int entries = offsetIndex.entries();
        int p = entries == 0 ? 0 : offsetIndex.positionAt(entries - 1);
        while (p + RecordBatch.HEADER_SIZE <= size)
        {
            maxTs = Math.max(maxTs, batchMaxTimestampAt(p));
            p += batchSizeAt(p);
        }
        maxTimestamp = maxTs;
        return true;
    }

    /**
     * Drops every batch whose last offset is at or above {@code offset}.
     *
     * @return bytes dropped
     */
    int truncateTo(final long offset, final LogConfig config) throws IOException
    {
        final int oldSize = size;
        final int p = findPosition(offset, oldSize);
        if (p < 0)
        {
            return 0;
        }
        activate(config);
        size = p;
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        // Recompute what the kept batches say: the next offset and the max timestamp.
        long next = baseOffset;
        long maxTs = RecordBatch.NO_TIMESTAMP;
        int q = 0;
        while (q < p)
        {
            next = batchLastOffsetAt(q) + 1;
            maxTs = Math.max(maxTs, batchMaxTimestampAt(q));
            q += batchSizeAt(q);
        }
        nextOffset = next;
        maxTimestamp = maxTs;
        bytesSinceLastIndexEntry = 0;
        zero(p, oldSize);
        return oldSize - p;
    }

    /** Makes a sealed segment writable again (truncation brought the log end back into it). */
    void activate(final LogConfig config) throws IOException
    {
        if (active)
        {
            return;
        }
        // Never shorter than an existing mapping: appends and the pretoucher go up to its capacity.
        final long capacity = Math.max(Math.max(size, config.segmentBytes()), map.capacity());
        file.setLength(capacity);
        if (map.capacity() < capacity)
        {
            retiredMaps.add(map);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
        }
        offsetIndex.unseal(maxIndexBytes);
        timeIndex.unseal(maxIndexBytes);
        synchronized (pretouchLock)
        {
            active = true;
            touchedUpTo = 0;
            pretouchWakeAt = 0;
            // Sealing trimmed the file to its size: what lies past it is a hole again.
            reservedUpTo = size;
            pretouchReserveFailed = false;
        }
        appendLimit = 0;
    }

    /**
     * Grows the mapping of an empty active segment to {@code capacity} bytes (an oversized batch
     * arrives first): the file stays sparse, the reserved part and the indexes are unchanged.
     */
    void growEmpty(final int capacity) throws IOException
    {
        if (!active || size != 0)
        {
            throw new IllegalStateException("Only an empty active segment grows in place: " + this);
        }
        synchronized (pretouchLock)
        {
            if (capacity <= map.capacity())
            {
                return;
            }
            file.setLength(capacity);
            retiredMaps.add(map);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
        }
    }

    /**
     * Zeroes bytes so that neither a reader nor a later recovery can mistake them for batches;
     * with writes, not through the mapping (see {@link Preallocation#writeZeros}).
     */
    private void zero(final int from, final int to) throws IOException
    {
        synchronized (pretouchLock)
        {
            Preallocation.writeZeros(file, from, to);
        }
    }

    /** Forces the bytes in {@code [from, size)} to disk. */
    void flush(final int from)
    {
        final int to = size;
        if (to > from)
        {
            map.force(from, to - from);
        }
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** The segment takes no more appends: flush, trim the preallocated files to what was written. */
    void seal() throws IOException
    {
        if (!active)
        {
            return;
        }
        // No fsync here: durability is the flush policy's job (PartitionLog.flush forces every
        // segment from the recovery point on), and an msync of a whole segment on the writer
        // thread stalls every partition of its log agent.
        Pretoucher.unregister(this);
        pretouchRegistered = false;
        synchronized (pretouchLock)
        {
            active = false;
            file.setLength(size);
            reservedUpTo = size;
        }
        appendLimit = 0;
        offsetIndex.seal();
        timeIndex.seal();
        // The pages the writer went through are released off this thread (a pass over a segment
        // of segment.bytes takes a while). After active turned false: a reader that sets the flag
        // from now on sees a sealed segment and hands it over itself.
        readSinceRelease = true;
        Pretoucher.releaseLater(this);
    }

    /**
     * Pretoucher thread: reserves disk blocks (one chunk a call) and takes the write faults of up
     * to this segment's window past the end, touching only reserved pages. The window starts at
     * {@link #PRETOUCH_START_BYTES} and grows with the write rate up to {@code maxWindow}. A
     * reservation that fails (disk full) is not retried until the writer's own one succeeds.
     *
     * @return chunks reserved plus pages touched: 0 when there was nothing to do
     */
    int pretouch(final int maxWindow, final long nowNs)
    {
        synchronized (pretouchLock)
        {
            if (!active || closed || idle)
            {
                return 0;
            }
            final MappedByteBuffer m = map;
            if (touchView == null || touchView.byteBuffer() != m)
            {
                touchView = new org.agrona.concurrent.UnsafeBuffer(m);
                touchedUpTo = 0;
            }
            final int capacity = m.capacity();
            if (pretouchWindow == 0)
            {
                pretouchWindow = Math.min(maxWindow, PRETOUCH_START_BYTES);
            }
            // Hysteresis: nothing until the writer is within half a window of the touched pages, then passes until a
            // whole window ahead is touched. Topping up a page or two every pass woke this thread a thousand times a
            // second at a modest rate.
            if (touchedUpTo >= capacity || (!pretouchFilling && (long)touchedUpTo - size >= pretouchWindow / 2))
            {
                return 0;
            }
            if (!pretouchFilling)
            {
                // A new fill: a writer that used half the window within a second gets twice the window.
                if (fillStartedNs != 0)
                {
                    pretouchWindow = nowNs - fillStartedNs < PRETOUCH_GROW_NS ?
                        (int)Math.min(maxWindow, 2L * pretouchWindow) : Math.min(maxWindow, PRETOUCH_START_BYTES);
                }
                fillStartedNs = nowNs;
            }
            final int window = pretouchWindow;
            pretouchFilling = true;
            final int wanted = (int)Math.min(capacity, (long)size + window);
            int reserved = reservedUpTo;
            int work = 0;
            if (reserved < wanted && !pretouchReserveFailed)
            {
                final int target = (int)Math.min(capacity,
                    Preallocation.pageAlignUp(Math.min(wanted, (long)reserved + RESERVE_CHUNK_BYTES)));
                try
                {
                    reserved = Preallocation.reserve(file, reserved, reserved + 1, target, capacity);
                    reservedUpTo = reserved;
                    work++;
                }
                catch (final IOException e)
                {
                    pretouchReserveFailed = true;
                }
            }
            final int end = Math.min(wanted, Preallocation.usable(reserved, capacity));
            int p = Math.max(touchedUpTo, (size + Pretoucher.PAGE_SIZE - 1) & -Pretoucher.PAGE_SIZE);
            int pages = 0;
            for (; p + 4 <= end && pages < PRETOUCH_PAGES_PER_CALL; p += Pretoucher.PAGE_SIZE)
            {
                touchView.compareAndSetInt(p, 0, 0);
                pages++;
            }
            touchedUpTo = Math.max(touchedUpTo, p);
            if (touchedUpTo >= wanted)
            {
                pretouchFilling = false;
            }
            return work + pages;
        }
    }

    /**
     * Pretoucher thread, after its pass over this segment: sets the size at which the writer wakes
     * it again, the soonest of where the window needs topping up (the writer within half a window of
     * the touched pages) and where the pages behind need releasing ({@link #releaseResident}).
     * Time-based work (an idle segment, pages readers mapped back in) waits for the pretoucher's
     * periodic pass instead.
     *
     * @return whether that size is reached already: the pretoucher passes again before it parks
     */
    boolean armPretouchWake(final int maxWindow)
    {
        synchronized (pretouchLock)
        {
            if (!active || closed)
            {
                pretouchWakeAt = Integer.MAX_VALUE;
                return false;
            }
            final int current = size;
            long at = Integer.MAX_VALUE;
            if (idle || pretouchReserveFailed)
            {
                // The next append: an idle segment that grows is pretouched again; a failed reservation may be retried.
                at = (long)current + 1;
            }
            else if (maxWindow > 0 && touchedUpTo < map.capacity())
            {
                // pretouch() has work once touchedUpTo - size < window / 2, or at once while filling or not started.
                at = pretouchFilling || pretouchWindow == 0 ? current : (long)touchedUpTo - pretouchWindow / 2 + 1;
            }
            if (ResidentPages.ENABLED)
            {
                // releaseResident() has work once size - RELEASE_KEEP_BYTES - releasedUpTo >= RELEASE_STEP_BYTES.
                at = Math.min(at, (long)releasedUpTo + RELEASE_KEEP_BYTES + RELEASE_STEP_BYTES);
            }
            final int mark = (int)Math.min(Integer.MAX_VALUE, Math.max(0, at));
            pretouchWakeAt = mark;
            return size >= mark;
        }
    }

    /** Renames the files with {@code .deleted}; reads in flight continue on the open files. */
    void markDeleted() throws IOException
    {
        // Replacing is right: a file of that name is an older segment with the same base offset
        // (replaced by the cleaner earlier) waiting for its own delete; both are garbage.
        Files.move(logPath, logPath.resolveSibling(logPath.getFileName() + DELETED_SUFFIX), StandardCopyOption.REPLACE_EXISTING);
        offsetIndex.renameTo(offsetIndex.path().resolveSibling(offsetIndex.path().getFileName() + DELETED_SUFFIX));
        timeIndex.renameTo(timeIndex.path().resolveSibling(timeIndex.path().getFileName() + DELETED_SUFFIX));
    }

    /**
     * Closes and removes the renamed files. The mappings are not unmapped here: a reader that
     * looked the segment up just before it was removed may still be reading it, and touching an
     * unmapped buffer crashes the JVM. The garbage collector unmaps them once nothing refers to
     * them (the file's blocks are freed then).
     */
    void closeAndDelete() throws IOException
    {
        release(false);
        Files.deleteIfExists(logPath.resolveSibling(logPath.getFileName() + DELETED_SUFFIX));
        Files.deleteIfExists(offsetIndex.path().resolveSibling(offsetIndex.path().getFileName() + DELETED_SUFFIX));
        Files.deleteIfExists(timeIndex.path().resolveSibling(timeIndex.path().getFileName() + DELETED_SUFFIX));
    }

    private void closeQuietly() throws IOException
    {
        release(true);
    }

    /**
     * Closes the files; unmaps now only when {@code unmap} (shutdown, when no reader can run),
     * otherwise leaves the mappings to the garbage collector.
     */
    void release(final boolean unmap) throws IOException
    {
        if (closed)
        {
            return;
        }
        Pretoucher.unregister(this);
        synchronized (pretouchLock)
        {
            closed = true;
        }
        if (unmap)
        {
            IoUtil.unmap(map);
            for (final MappedByteBuffer m : retiredMaps)
            {
                IoUtil.unmap(m);
            }
        }
        retiredMaps.clear();
        file.close();
        offsetIndex.close(unmap);
        timeIndex.close(unmap);
    }

    /** Clean close: seal (trim) and release everything. */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        map.force(0, size);
        seal();
        closeQuietly();
    }

    /** Releases files and mappings without trimming or flushing: what a crash leaves behind. */
    void abandon() throws IOException
    {
        closeQuietly();
    }

    @Override
    public String toString()
    {
        return "Segment{" + logPath.getFileName() + ", size=" + size + ", nextOffset=" + nextOffset + ", active=" + active + '}';
    }
}
