package io.osprey.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.agrona.collections.Long2LongHashMap;

import io.osprey.record.Compression;
import io.osprey.record.Record;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;
import io.osprey.record.RecordsCompressor;
import io.osprey.record.Varint;

/**
 * One cleaning pass over one compacted log (Kafka's {@code Cleaner}).
 * <p>
 * The log's sealed segments below the active one split at {@link PartitionLog#firstDirtyOffset()}
 * into a clean section (cleaned before) and a dirty section. A pass:
 * <ol>
 *   <li>finds the cleanable end: the active segment's base, the first segment that holds an
 *       offset at or above the log's {@link PartitionLog#highWatermark() high watermark} (the
 *       records above it are not committed: a leader change may still truncate them, and a
 *       cleaning must not decide which of them survive), or the first segment whose newest
 *       record is younger than {@code min.compaction.lag.ms} (Kafka's
 *       {@code firstUncleanableDirtyOffset}). Only whole segments below that end are cleaned;</li>
 *   <li>builds the {@link OffsetMap} (key digest to latest offset) over the dirty section, stopping
 *       before the first batch that no longer fits; that batch's offset is the pass's end;</li>
 *   <li>notes, for every producer id, the last offset of its newest batch anywhere in the log;</li>
 *   <li>rewrites every sealed segment that starts below the end, from the first, in groups of
 *       consecutive segments whose sizes add up to at most {@code segment.bytes} (so segments that
 *       shrank merge), each group into one new segment swapped in by
 *       {@link PartitionLog#replaceSegments};</li>
 *   <li>moves the log's first dirty offset to the end.</li>
 * </ol>
 * A record survives when it has a key, no later offset for its key is in the map, and it is not
 * a tombstone (null value) past its batch's delete horizon. Keyless records are dropped, as Kafka
 * does. Tombstones expire as in Kafka since KIP-534: when a pass first retains a batch holding
 * tombstones, it sets the batch's delete-horizon flag (attributes bit 6) and stores the horizon,
 * {@code now + delete.retention.ms}, in its base timestamp, rewriting every record's timestamp
 * delta against it so that base + delta still gives each record its timestamp; a later pass
 * drops those tombstones once {@code now >= horizon}. A tombstone thus lives at least
 * {@code delete.retention.ms} after its first cleaning, whatever timestamp its producer gave it.
 * <p>
 * A batch whose records all survive and that needs no horizon is copied byte for byte; otherwise
 * it is rebuilt with the same header (base offset, last offset delta, producer id, epoch and base
 * sequence, leader epoch, max timestamp, codec), the surviving records' bytes unchanged (so their
 * offset and timestamp deltas still hold) unless the horizon is being set, the record count and
 * length updated, recompressed with its codec, and a new CRC. A batch that loses every record
 * disappears, unless it is its producer's newest batch: then an empty batch (header only, no
 * codec, no horizon, base timestamp -1, as Kafka's {@code writeEmptyHeader}) keeps its offsets
 * and sequences so the producer state can be rebuilt from the log.
 * <p>
 * Never on the append path: it reads sealed segments through their mappings and takes the log's
 * structure lock only for the swap. Not thread-safe: one per cleaner thread (it owns the map and
 * reusable buffers; nothing is allocated per record).
 */
final class Cleaner implements AutoCloseable
{
    /** Thrown when the cleaning of a log is aborted (its deletion, or shutdown). */
    static final class AbortedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        AbortedException(final String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * What a log offers for cleaning.
     *
     * @param firstDirty       first offset of the dirty section
     * @param firstUncleanable the dirty section ends before this offset: a segment base, or the
     *                         high watermark when it falls between two segments (never above it);
     *                         at most {@code firstDirty} when the dirty section is empty
     * @param cleanBytes       bytes of the sealed segments wholly below {@code firstDirty}
     * @param dirtyBytes       bytes of the sealed segments in the dirty section
     * @param lagExceeded      the oldest dirty record is older than {@code max.compaction.lag.ms}
     */
    record Cleanable(long firstDirty, long firstUncleanable, long cleanBytes, long dirtyBytes, boolean lagExceeded)
    {
        double dirtyRatio()
        {
            return cleanBytes + dirtyBytes == 0 ? 0 : (double)dirtyBytes / (cleanBytes + dirtyBytes);
        }

        boolean eligible(final double minRatio)
        {
            return dirtyBytes > 0 && (lagExceeded || dirtyRatio() >= minRatio);
        }
    }

    /**
     * The outcome of a pass.
     *
     * @param firstDirty     the first dirty offset before the pass
     * @param cleanedUpTo    the first dirty offset after it
     * @param segmentsBefore segments rewritten
     * @param segmentsAfter  segments that replaced them
     * @param bytesBefore    their bytes before
     * @param bytesAfter     their bytes after
     * @param recordsRemoved records dropped
     */
    record Stats(long firstDirty, long cleanedUpTo, int segmentsBefore, int segmentsAfter, long bytesBefore, long bytesAfter,
        long recordsRemoved)
    {
    }

    private static final int BUFFER_INITIAL_BYTES = 64 * 1024;
    /**
     * Most bytes a record can gain when its timestamp delta is rewritten against a delete horizon:
     * a longer delta varlong and a longer length varint.
     */
    private static final int RETIMED_RECORD_GROWTH_MAX = Varint.MAX_VARLONG_SIZE - 1 + Varint.MAX_VARINT_SIZE - 1;

    private final OffsetMap map;
    private final RecordBatchReader reader = new RecordBatchReader(BatchValidator.DECOMPRESSED_BYTES_MAX);
    private final RecordsCompressor compressor = new RecordsCompressor();
    private final RecordBatch view = new RecordBatch();
    private final RecordBatch rebuiltView = new RecordBatch();
    private final Long2LongHashMap producerLastOffsets = new Long2LongHashMap(-1L);
    private final Throttler throttler;
    private final Consumer<PartitionLog.SwapStep> onSwapStep;
    private ByteBuffer raw = ByteBuffer.allocate(BUFFER_INITIAL_BYTES);
    /** The retained records re-encoded with timestamp deltas against a new delete horizon. */
    private ByteBuffer retimed = ByteBuffer.allocate(BUFFER_INITIAL_BYTES);
    private ByteBuffer rebuilt = ByteBuffer.allocate(BUFFER_INITIAL_BYTES);
    private long recordsRemoved;

    /**
     * @param throttler shared by every cleaner thread, so log.cleaner.io.max.bytes.per.second bounds them together
     */
    Cleaner(final CleanerConfig config, final Consumer<PartitionLog.SwapStep> onSwapStep, final Throttler throttler)
    {
        this.map = new OffsetMap(config.dedupeBytesPerThread(), config.loadFactor());
        this.throttler = throttler;
        this.onSwapStep = onSwapStep;
    }

    /** Measures the clean and dirty sections of {@code log}. Any thread. */
    static Cleanable cleanable(final PartitionLog log, final long nowMs)
    {
        final CompactionConfig cc = log.config().compaction();
        final long activeBase = log.activeSegment().baseOffset();
        final long logStart = log.logStartOffset();
        // highWatermark() is the log end while no replication layer drives the log: the active segment bounds the pass then.
        final long bound = Math.min(activeBase, log.highWatermark());
        long firstDirty = log.firstDirtyOffset();
        if (firstDirty < logStart || firstDirty > log.logEndOffset())
        {
            firstDirty = logStart;
        }
        long uncleanable = bound;
        long clean = 0;
        long dirty = 0;
        boolean lagExceeded = false;
        boolean firstDirtySegment = true;
        for (final Segment s : log.segments())
        {
            if (s.baseOffset() >= activeBase)
            {
                break;
            }
            if (s.nextOffset() <= firstDirty)
            {
                clean += s.sizeInBytes();
                continue;
            }
            if (s.nextOffset() > bound)
            {
                // Holds an offset at or above the high watermark: neither it nor anything after is cleaned.
                // The high watermark itself when it lies in a gap the cleaner left before this segment.
                uncleanable = Math.max(Math.min(s.baseOffset(), bound), firstDirty);
                break;
            }
            if (cc.minCompactionLagMs() > 0 && s.retentionTimestampMs() > nowMs - cc.minCompactionLagMs())
            {
                uncleanable = Math.max(s.baseOffset(), firstDirty);
                break;
            }
            if (firstDirtySegment && s.sizeInBytes() > 0 && cc.maxCompactionLagMs() != Long.MAX_VALUE)
            {
                lagExceeded = s.batchMaxTimestampAt(0) < nowMs - cc.maxCompactionLagMs();
            }
            firstDirtySegment = false;
            dirty += s.sizeInBytes();
        }
        return new Cleanable(firstDirty, uncleanable, clean, dirty, lagExceeded);
    }

    /**
     * Cleans {@code log} once.
     *
     * @param abort polled between batches; true stops the pass with {@link AbortedException}
     * @return what was done, or null when there was nothing to do or the log changed under the pass
     */
    Stats clean(final PartitionLog log, final long nowMs, final BooleanSupplier abort) throws IOException
    {
        final LogConfig cfg = log.config();
        final int version = log.structureVersion();
        final Cleanable range = cleanable(log, nowMs);
        if (range.dirtyBytes() == 0)
        {
            return null;
        }
        final List<Segment> sealed = new ArrayList<>();
        final long activeBase = log.activeSegment().baseOffset();
        for (final Segment s : log.segments())
        {
            if (s.baseOffset() < activeBase)
            {
                sealed.add(s);
            }
        }
        final long end = buildOffsetMap(sealed, range.firstDirty(), range.firstUncleanable(), abort);
        if (end <= range.firstDirty())
        {
            return null;
        }
        collectProducerLastOffsets(log.segments());
        recordsRemoved = 0;
        final List<List<Segment>> groups = group(sealed, end, cfg);
        int before = 0;
        long bytesBefore = 0;
        long bytesAfter = 0;
        for (final List<Segment> g : groups)
        {
            for (final Segment s : g)
            {
                bytesBefore += s.sizeInBytes();
            }
            before += g.size();
            final Segment fresh = cleanGroup(log, g, nowMs, version, abort);
            if (fresh == null)
            {
                return null;
            }
            bytesAfter += fresh.sizeInBytes();
        }
        if (!log.completeCleaning(end, version))
        {
            return null;
        }
        return new Stats(range.firstDirty(), end, before, groups.size(), bytesBefore, bytesAfter, recordsRemoved);
    }

    /**
     * Puts every keyed record of the dirty section in the map.
     *
     * @return the offset the map covers up to (exclusive): the dirty section's end, or the first
     *         batch that did not fit
     */
    private long buildOffsetMap(final List<Segment> sealed, final long firstDirty, final long uncleanable,
        final BooleanSupplier abort) throws IOException
    {
        long expected = 0;
        for (final Segment s : sealed)
        {
            if (s.baseOffset() < uncleanable && s.nextOffset() > firstDirty)
            {
                final ByteBuffer m = s.mapping();
                final int limit = s.sizeInBytes();
                for (int p = 0; p + RecordBatch.HEADER_SIZE <= limit; p += s.batchSizeAt(p))
                {
                    expected += m.getInt(p + RecordBatch.RECORDS_COUNT_OFFSET);
                }
            }
        }
        map.reset(expected);
        long mapEnd = firstDirty;
        for (final Segment s : sealed)
        {
            if (s.baseOffset() >= uncleanable)
            {
                break;
            }
            if (s.nextOffset() <= firstDirty)
            {
                continue;
            }
            final ByteBuffer m = s.mapping();
            final int limit = s.sizeInBytes();
            int p = firstDirty > s.baseOffset() ? s.findPosition(firstDirty, limit) : 0;
            while (p >= 0 && p + RecordBatch.HEADER_SIZE <= limit)
            {
                view.wrap(m, p);
                final int size = checkedSize(s, p, limit);
                if (view.lastOffset() >= firstDirty)
                {
                    if (!map.canTake(view.recordCount()))
                    {
                        return mapEnd;
                    }
                    if (!view.isControlBatch())
                    {
                        reader.wrap(m, p);
                        while (reader.hasNext())
                        {
                            final Record r = reader.next();
                            if (r.offset() >= firstDirty && r.hasKey())
                            {
                                map.put(r.buffer(), r.keyPosition(), r.keySize(), r.offset());
                            }
                        }
                    }
                    mapEnd = view.lastOffset() + 1;
                }
                p += size;
                throttler.onBytes(size);
                checkAbort(abort, s);
            }
            mapEnd = Math.max(mapEnd, s.nextOffset());
        }
        return Math.max(mapEnd, uncleanable);
    }

    /** For every producer id, the last offset of its newest batch in the log (headers only). */
    private void collectProducerLastOffsets(final List<Segment> all)
    {
        producerLastOffsets.clear();
        for (final Segment s : all)
        {
            final ByteBuffer m = s.mapping();
            final int limit = s.sizeInBytes();
            for (int p = 0; p + RecordBatch.HEADER_SIZE <= limit; p += s.batchSizeAt(p))
            {
                final long producerId = m.getLong(p + RecordBatch.PRODUCER_ID_OFFSET);
                if (producerId != RecordBatch.NO_PRODUCER_ID)
                {
                    final long last = s.batchLastOffsetAt(p);
                    if (last > producerLastOffsets.get(producerId))
                    {
                        producerLastOffsets.put(producerId, last);
                    }
                }
            }
        }
    }

    /**
     * Consecutive sealed segments below {@code end}, grouped so that each group's bytes fit in
     * {@code segment.bytes}, its index entries in {@code segment.index.bytes}, and its offsets in
     * a 32-bit relative offset (Kafka's {@code groupSegmentsBySize}). Sizes before cleaning bound
     * the sizes after, except for the few bytes per record that setting a delete horizon can add
     * (longer timestamp deltas), so a merged segment may exceed {@code segment.bytes} slightly,
     * as in Kafka.
     */
    static List<List<Segment>> group(final List<Segment> sealed, final long end, final LogConfig cfg)
    {
        final List<List<Segment>> groups = new ArrayList<>();
        List<Segment> current = new ArrayList<>();
        long bytes = 0;
        long indexBytes = 0;
        long timeIndexBytes = 0;
        for (final Segment s : sealed)
        {
            if (s.baseOffset() >= end)
            {
                break;
            }
            final long segIndex = (long)s.offsetIndex().entries() * OffsetIndex.ENTRY_SIZE;
            final long segTimeIndex = (long)s.timeIndex().entries() * TimeIndex.ENTRY_SIZE;
            if (!current.isEmpty() && (bytes + s.sizeInBytes() > cfg.segmentBytes() ||
                indexBytes + segIndex > cfg.segmentIndexBytes() || timeIndexBytes + segTimeIndex > cfg.segmentIndexBytes() ||
                s.nextOffset() - 1 - current.get(0).baseOffset() > Integer.MAX_VALUE))
            {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
                indexBytes = 0;
                timeIndexBytes = 0;
            }
            current.add(s);
            bytes += s.sizeInBytes();
            indexBytes += segIndex;
            timeIndexBytes += segTimeIndex;
        }
        if (!current.isEmpty())
        {
            groups.add(current);
        }
        return groups;
    }

    /** Writes one group's surviving batches to a cleaned segment and swaps it in; null when the log changed. */
    private Segment cleanGroup(final PartitionLog log, final List<Segment> group, final long nowMs, final int version,
        final BooleanSupplier abort) throws IOException
    {
        final LogConfig cfg = log.config();
        final Path dir = log.dir();
        final long base = group.get(0).baseOffset();
        long inputBytes = 0;
        long inputRecords = 0;
        for (final Segment s : group)
        {
            inputBytes += s.sizeInBytes();
            final ByteBuffer m = s.mapping();
            final int limit = s.sizeInBytes();
            for (int p = 0; p + RecordBatch.HEADER_SIZE <= limit; p += Math.max(RecordBatch.HEADER_SIZE, s.batchSizeAt(p)))
            {
                inputRecords += Math.max(0, m.getInt(p + RecordBatch.RECORDS_COUNT_OFFSET));
            }
        }
        // A rebuilt compressed batch could in theory come out a little larger than the original,
        // and a record whose timestamp delta is rewritten against a delete horizon can grow by a
        // few bytes; the slack costs nothing (the file is sparse and trimmed when sealed).
        final long slack = inputBytes / 8 + 4096 + inputRecords * RETIMED_RECORD_GROWTH_MAX;
        final int capacity = (int)Math.min(Integer.MAX_VALUE - 8, inputBytes + slack);
        final long deleteHorizonMs = deleteHorizon(nowMs, cfg.compaction().deleteRetentionMs());
        final Segment out = Segment.createCleaned(dir, base, cfg, capacity, nowMs);
        boolean written = false;
        try
        {
            for (final Segment s : group)
            {
                final ByteBuffer m = s.mapping();
                final int limit = s.sizeInBytes();
                for (int p = 0; p + RecordBatch.HEADER_SIZE <= limit; )
                {
                    final int size = checkedSize(s, p, limit);
                    filterBatch(out, m, p, size, deleteHorizonMs, nowMs);
                    p += size;
                    throttler.onBytes(size);
                    checkAbort(abort, s);
                }
            }
            out.close();
            for (final String suffix : new String[] {Segment.LOG_SUFFIX, Segment.INDEX_SUFFIX, Segment.TIME_INDEX_SUFFIX})
            {
                try (FileChannel ch = FileChannel.open(dir.resolve(Segment.fileName(base, suffix) + Segment.CLEANED_SUFFIX),
                    StandardOpenOption.WRITE))
                {
                    ch.force(true);
                }
            }
            written = true;
        }
        finally
        {
            if (!written)
            {
                out.abandon();
                CleanerRecovery.deleteFiles(dir, base, Segment.CLEANED_SUFFIX);
            }
        }
        return log.replaceSegments(group, version, nowMs, onSwapStep);
    }

    /** {@code nowMs + deleteRetentionMs}, saturated: the delete horizon a pass gives the batches it first retains. */
    static long deleteHorizon(final long nowMs, final long deleteRetentionMs)
    {
        return deleteRetentionMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + deleteRetentionMs;
    }

    /**
     * Decides the batch at {@code m[p]} record by record and appends what survives to {@code out}
     * (Kafka's {@code MemoryRecords.filterTo} with the cleaner's filter).
     *
     * @param deleteHorizonMs the horizon to set on a retained batch holding tombstones that has none yet
     */
    private void filterBatch(final Segment out, final ByteBuffer m, final int p, final int size, final long deleteHorizonMs,
        final long nowMs) throws IOException
    {
        view.wrap(m, p);
        if (view.isControlBatch())
        {
            append(out, m, p, size, nowMs);
            return;
        }
        final int count = view.recordCount();
        final boolean hasHorizon = view.hasDeleteHorizon();
        final boolean tombstonesExpired = hasHorizon && nowMs >= view.baseTimestamp();
        int kept = 0;
        boolean keptTombstone = false;
        int rawLength = 0;
        raw.clear();
        reader.wrap(m, p);
        while (reader.hasNext())
        {
            final Record r = reader.next();
            if (retain(r, tombstonesExpired))
            {
                raw = ensureCapacity(raw, rawLength, rawLength + r.sizeInBytes());
                raw.put(rawLength, r.buffer(), r.position(), r.sizeInBytes());
                rawLength += r.sizeInBytes();
                kept++;
                keptTombstone |= !r.hasValue();
            }
        }
        recordsRemoved += count - kept;
        final boolean setHorizon = keptTombstone && !hasHorizon;
        if (kept == count && !setHorizon)
        {
            append(out, m, p, size, nowMs);
            return;
        }
        final long producerId = view.producerId();
        if (kept == 0)
        {
            if (producerId != RecordBatch.NO_PRODUCER_ID && producerLastOffsets.get(producerId) == view.lastOffset())
            {
                rebuilt.clear();
                rebuilt.put(0, m, p, RecordBatch.HEADER_SIZE);
                rebuilt.putShort(RecordBatch.ATTRIBUTES_OFFSET,
                    (short)(view.attributes() & ~(RecordBatch.COMPRESSION_CODEC_MASK | RecordBatch.DELETE_HORIZON_FLAG_MASK)));
                rebuilt.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, RecordBatch.NO_TIMESTAMP);
                finishRebuilt(out, RecordBatch.HEADER_SIZE, 0, nowMs);
            }
            return;
        }
        if (setHorizon)
        {
            rawLength = retime(rawLength, view.baseTimestamp(), deleteHorizonMs);
        }
        final Compression codec = view.compression();
        final int maxRecords = (int)Math.min(Integer.MAX_VALUE - RecordBatch.HEADER_SIZE,
            compressor.maxCompressedLength(codec, rawLength));
        rebuilt = ensureCapacity(rebuilt, 0, RecordBatch.HEADER_SIZE + (long)maxRecords);
        rebuilt.clear();
        rebuilt.put(0, m, p, RecordBatch.HEADER_SIZE);
        if (setHorizon)
        {
            rebuilt.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short)(view.attributes() | RecordBatch.DELETE_HORIZON_FLAG_MASK));
            rebuilt.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, deleteHorizonMs);
        }
        final int recordsBytes;
        if (codec == Compression.NONE)
        {
            rebuilt.put(RecordBatch.HEADER_SIZE, raw, 0, rawLength);
            recordsBytes = rawLength;
        }
        else
        {
            recordsBytes = compressor.compress(codec, raw, 0, rawLength, rebuilt, RecordBatch.HEADER_SIZE);
            rebuilt.clear();
            raw.clear();
        }
        finishRebuilt(out, RecordBatch.HEADER_SIZE + recordsBytes, kept, nowMs);
    }

    /**
     * Re-encodes the {@code length} bytes of records in {@link #raw} with their timestamp deltas
     * taken from {@code newBase} instead of {@code oldBase} (each record's timestamp, base +
     * delta, is unchanged, wrapping included), leaves the result in {@link #raw} and returns its
     * length. The record length prefix grows with the delta when need be; the other fields are
     * copied as they are. The records were parsed by the reader, so their varints are sound.
     */
    private int retime(final int length, final long oldBase, final long newBase)
    {
        int in = 0;
        int outLength = 0;
        while (in < length)
        {
            final int bodySize = Varint.readVarint(raw, in);
            final int bodyStart = in + varintSize(raw, in);
            final int deltaPosition = bodyStart + 1;
            final long timestamp = oldBase + Varint.readVarlong(raw, deltaPosition);
            final int restPosition = deltaPosition + varintSize(raw, deltaPosition);
            final int restSize = bodyStart + bodySize - restPosition;
            final long newDelta = timestamp - newBase;
            final int newBodySize = 1 + Varint.sizeOfVarlong(newDelta) + restSize;
            retimed = ensureCapacity(retimed, outLength, (long)outLength + Varint.MAX_VARINT_SIZE + newBodySize);
            int o = outLength;
            o += Varint.writeVarint(retimed, o, newBodySize);
            retimed.put(o++, raw.get(bodyStart));
            o += Varint.writeVarlong(retimed, o, newDelta);
            retimed.put(o, raw, restPosition, restSize);
            outLength = o + restSize;
            in = bodyStart + bodySize;
        }
        final ByteBuffer swap = raw;
        raw = retimed;
        retimed = swap;
        return outLength;
    }

    /** Bytes of the (zig-zag or not) varint or varlong at {@code buffer[index]}. */
    private static int varintSize(final ByteBuffer buffer, final int index)
    {
        int i = index;
        while (buffer.get(i) < 0)
        {
            i++;
        }
        return i - index + 1;
    }

    /**
     * The retention rule (Kafka's {@code Cleaner.shouldRetainRecord}): keyed, not superseded by a
     * later offset in the map, and not a tombstone of a batch whose delete horizon has passed.
     */
    private boolean retain(final Record r, final boolean tombstonesExpired)
    {
        if (!r.hasKey())
        {
            return false;
        }
        final long latest = map.get(r.buffer(), r.keyPosition(), r.keySize());
        if (latest > r.offset())
        {
            return false;
        }
        return r.hasValue() || !tombstonesExpired;
    }

    /** Sets length, count and CRC of the batch in {@link #rebuilt} and appends it. */
    private void finishRebuilt(final Segment out, final int size, final int count, final long nowMs) throws IOException
    {
        rebuilt.putInt(RecordBatch.BATCH_LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
        rebuilt.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        rebuiltView.wrap(rebuilt, 0).updateChecksum();
        append(out, rebuilt, 0, size, nowMs);
    }

    private void append(final Segment out, final ByteBuffer src, final int p, final int size, final long nowMs)
        throws IOException
    {
        if (size > out.remainingCapacity())
        {
            throw new IOException("Cleaned output " + out + " has no room for a batch of " + size + " bytes");
        }
        final RecordBatch b = src == rebuilt ? rebuiltView : view;
        out.append(src, p, size, b.baseOffset(), b.lastOffset(), b.maxTimestamp(), nowMs);
        throttler.onBytes(size);
    }

    private int checkedSize(final Segment s, final int p, final int limit) throws IOException
    {
        final int size = s.batchSizeAt(p);
        if (size < RecordBatch.HEADER_SIZE || size > limit - p)
        {
            throw new IOException("Corrupt batch length " + size + " at position " + p + " of " + s);
        }
        return size;
    }

    private static void checkAbort(final BooleanSupplier abort, final Segment s)
    {
        if (abort.getAsBoolean())
        {
            throw new AbortedException("cleaning aborted at " + s);
        }
    }

    private static ByteBuffer ensureCapacity(final ByteBuffer buffer, final int used, final long needed)
    {
        if (buffer.capacity() >= needed)
        {
            return buffer;
        }
        if (needed > Integer.MAX_VALUE - 8)
        {
            throw new IllegalStateException("batch of " + needed + " bytes is too large to clean");
        }
        final ByteBuffer grown = ByteBuffer.allocate((int)Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * buffer.capacity())));
        grown.put(0, buffer, 0, used);
        return grown;
    }

    @Override
    public void close()
    {
        reader.close();
        compressor.close();
    }
}
