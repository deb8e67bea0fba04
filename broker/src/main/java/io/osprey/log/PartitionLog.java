package io.osprey.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.record.RecordBatch;
import io.osprey.replication.LeaderEpochCache;

/**
 * The log of one partition: an ordered set of {@link Segment}s in {@code <log.dir>/<topic>-<partition>/}.
 * <p>
 * Threading: a single writer (the partition's log agent) calls every mutating method
 * ({@code append*}, {@code truncate*}, {@code flush}, retention, {@link #updateHighWatermark},
 * {@code close}); any thread may call {@link #read}, {@link #logEndOffset()},
 * {@link #logStartOffset()}, {@link #highWatermark()} and {@link #offsetForTimestamp}. Readers
 * see only published data: the writer copies a batch, then publishes the segment's size, then
 * the log end offset, each with a volatile store.
 * <p>
 * High watermark: the replication layer decides where it is and sets it with
 * {@link #updateHighWatermark}; the log only keeps it within [log start, log end] (truncation
 * lowers it, retention raises it to the new log start) and checkpoints it through
 * {@link LogManager}. Until the replication layer first sets it, {@link #highWatermark()} is the
 * log end: see there.
 * <p>
 * Durability follows the flush policy: by default the page cache and replication (Kafka's
 * default); {@code flush.messages} / {@code flush.ms} force an msync. Appends made between
 * {@link #beginGroup()} and {@link #endGroup(long)} share one flush (group commit).
 * <p>
 * Idempotent producers: the log keeps a {@link ProducerStateTable}. The leader checks each
 * idempotent batch against it before assigning offsets (a retry is answered with its original
 * offsets, a gap or a fenced epoch is refused); every append, leader or follower, then records
 * the batch header in it. The table is snapshotted to {@code <offset>.snapshot} files
 * ({@link ProducerStateSnapshots}) when a segment rolls and on clean close, and rebuilt from the
 * newest valid snapshot plus the batches after it on open and after truncation.
 * <p>
 * Compaction: the {@link LogCleaner} reads sealed segments on its own thread and swaps cleaned
 * copies in with {@link #replaceSegments}. The swap, truncation, retention's removals and
 * close take the {@code structureLock} (appends, rolls and reads never do), and every truncation
 * bumps a version the cleaner checks before its swap, so a cleaning that overlapped one is
 * dropped instead of bringing truncated batches back. {@link #firstDirtyOffset()} is the
 * cleaner's clean/dirty boundary.
 */
public final class PartitionLog implements AutoCloseable
{
    public static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    private final Path dir;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ArrayDeque<PendingDelete> pendingDeletes = new ArrayDeque<>();
    /** Segments the cleaner replaced, waiting for their delete delay; released by the writer. */
    private final java.util.concurrent.ConcurrentLinkedQueue<PendingDelete> cleanedDeletes =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Guards changes to the segment set other than appends and rolls; see the class comment. */
    private final Object structureLock = new Object();
    private final RecordBatch view = new RecordBatch();
    private final io.osprey.record.RecordBatchReader validationReader =
        new io.osprey.record.RecordBatchReader(BatchValidator.DECOMPRESSED_BYTES_MAX);
    private final LeaderEpochCache epochCache;
    private final ProducerStateTable producers;
    private volatile LogConfig config;
    private volatile Segment active;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long recoveryPoint;
    /**
     * The stored high watermark: the checkpointed value given at open until the replication layer
     * sets one, always within [logStartOffset, logEndOffset] once the writer's change completes.
     * Written by the writer thread only; read from any thread.
     */
    private volatile long highWatermark;
    /** Set by the first {@link #updateHighWatermark}; until then {@link #highWatermark()} is the log end. */
    private volatile boolean highWatermarkDriven;
    private volatile long firstDirtyOffset;
    private int structureVersion;
    private int activeFlushedPosition;
    private long unflushedMessages;
    private long lastFlushMs;
    private long flushCount;
    private long lastNowMs;
    private int groupDepth;
    /** The leader epoch checkpoint on disk is behind the cache (a write failed): rewritten before the next append. */
    private boolean epochCheckpointPending;
    private boolean closed;

    private record PendingDelete(Segment segment, long dueMs)
    {
    }

    /** The steps of {@link #replaceSegments}, for tests that simulate a crash after each one. */
    enum SwapStep
    {
        /** The cleaned files are written and the log still holds the segments they replace. */
        CLEANED,
        /** The cleaned files were renamed to {@code .swap}: the replacement is committed. */
        COMMITTED,
        /** The replaced segments' files were renamed to {@code .deleted}. */
        OLD_DELETED,
        /** The {@code .swap} files were renamed to the segment's names. */
        RENAMED
    }

    private PartitionLog(final Path dir, final LogConfig config, final LeaderEpochCache epochCache)
    {
        this.dir = dir;
        this.config = config;
        this.epochCache = epochCache;
        this.producers = new ProducerStateTable(config.producerIdExpirationMs());
    }

    /**
     * Opens (or creates) the log in {@code dir} with no checkpointed high watermark (as 0); see
     * {@link #open(Path, LogConfig, long, long, long, long)}.
     */
    public static PartitionLog open(final Path dir, final LogConfig config, final long recoveryPoint,
        final long logStartOffset, final long nowMs) throws IOException
    {
        return open(dir, config, recoveryPoint, logStartOffset, 0, nowMs);
    }

    /**
     * Opens (or creates) the log in {@code dir}. Segments that start at or after
     * {@code recoveryPoint}, and the last segment always, are scanned batch by batch and cut at
     * the first torn or corrupt batch; earlier segments are trusted when their indexes are sane.
     * The producer-state table is then rebuilt from the newest valid snapshot at or below the
     * recovered log end and the batches after it.
     *
     * @param recoveryPoint  offset below which data was flushed (0 when unknown: scan everything)
     * @param logStartOffset checkpointed log start offset (0 when unknown)
     * @param highWatermark  checkpointed high watermark (0 when unknown), clamped to the recovered
     *                       [log start, log end]: recovery may have cut the log below it. It is the
     *                       {@link #storedHighWatermark()}; {@link #highWatermark()} follows it only
     *                       once the replication layer drives the log
     */
    public static PartitionLog open(final Path dir, final LogConfig config, final long recoveryPoint,
        final long logStartOffset, final long highWatermark, final long nowMs) throws IOException
    {
        Files.createDirectories(dir);
        removeLeftovers(dir);
        CleanerRecovery.completeOrDiscard(dir);
        final LeaderEpochCache cache = new LeaderEpochCache(readEpochCheckpoint(dir.resolve(LEADER_EPOCH_CHECKPOINT)));
        final PartitionLog log = new PartitionLog(dir, config, cache);
        log.load(recoveryPoint, logStartOffset, nowMs);
        log.highWatermark = log.clampToLog(highWatermark);
        log.rebuildProducerState(nowMs);
        return log;
    }

    private void load(final long checkpointedRecoveryPoint, final long checkpointedStartOffset, final long nowMs) throws IOException
    {
        final List<Long> bases = segmentBaseOffsets(dir);
        if (bases.isEmpty())
        {
            final long start = Math.max(0, checkpointedStartOffset);
            final Segment s = Segment.create(dir, start, config, 0, nowMs);
            segments.put(start, s);
            active = s;
            logStartOffset = start;
            logEndOffset = start;
            recoveryPoint = start;
            epochCache.truncateFromEnd(start);
            writeEpochCheckpoint();
            lastFlushMs = nowMs;
            return;
        }
        long prevNext = bases.get(0);
        for (int i = 0; i < bases.size(); i++)
        {
            final long base = bases.get(i);
            final boolean last = i == bases.size() - 1;
            Segment s = Segment.open(dir, base, config, last, nowMs);
            final boolean trusted = !last && bases.get(i + 1) <= checkpointedRecoveryPoint && s.loadTrusted(bases.get(i + 1));
            if (!trusted)
            {
                final int truncated = s.recover(prevNext, this::onRecoveredBatch);
                if (truncated > 0 && !last)
                {
                    // Everything after damage is unreachable: drop later segments, continue writing here.
                    s.abandon();
                    for (int j = i + 1; j < bases.size(); j++)
                    {
                        deleteSegmentFiles(dir, bases.get(j));
                    }
                    s = Segment.open(dir, base, config, true, nowMs);
                    s.recover(prevNext, this::onRecoveredBatch);
                    segments.put(base, s);
                    break;
                }
            }
            segments.put(base, s);
            prevNext = s.nextOffset();
        }
        active = segments.lastEntry().getValue();
        logEndOffset = active.nextOffset();
        logStartOffset = Math.min(Math.max(checkpointedStartOffset, segments.firstKey()), logEndOffset);
        epochCache.truncateFromEnd(logEndOffset);
        epochCache.truncateFromStart(logStartOffset);
        writeEpochCheckpoint();
        // What recovery kept is now made durable once, so the recovery point can move to the end.
        for (final Segment s : segments.tailMap(segments.floorKey(Math.max(checkpointedRecoveryPoint, segments.firstKey()))).values())
        {
            s.flush(0);
        }
        activeFlushedPosition = active.sizeInBytes();
        recoveryPoint = logEndOffset;
        lastFlushMs = nowMs;
        lastNowMs = nowMs;
    }

    private void onRecoveredBatch(final RecordBatch batch, final long position)
    {
        epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
    }

    public Path dir()
    {
        return dir;
    }

    public LogConfig config()
    {
        return config;
    }

    /** New settings apply to later appends, rolls and retention passes. */
    public void updateConfig(final LogConfig newConfig)
    {
        this.config = newConfig;
        producers.expirationMs(newConfig.producerIdExpirationMs());
    }

    public long logStartOffset()
    {
        return logStartOffset;
    }

    /** Offset the next appended record gets. */
    public long logEndOffset()
    {
        return logEndOffset;
    }

    /** Offset below which all data is known to be on disk. */
    public long recoveryPoint()
    {
        return recoveryPoint;
    }

    /**
     * The offset below which records are committed: consumers read below it, and the cleaner
     * never compacts at or above it, because a leader change may still truncate what lies above.
     * Any thread.
     * <p>
     * Until {@link #updateHighWatermark} is first called this is the log end offset: a log no
     * replication layer drives, e.g. in tools and tests, treats its whole content as committed
     * (as does a single-replica partition). From the first call on it is the stored value,
     * which the log only clamps (never above the log end it was read with, so a reader racing
     * a truncation does not see it above the end).
     */
    public long highWatermark()
    {
        if (!highWatermarkDriven)
        {
            return logEndOffset;
        }
        return Math.min(highWatermark, logEndOffset);
    }

    /**
     * The stored high watermark, whether or not the replication layer drives it yet: the value
     * given at open (from {@code replication-offset-checkpoint}) until {@link #updateHighWatermark}
     * is first called, then the last value stored; clamped by truncation and retention all along.
     * This is what {@link LogManager} checkpoints, so a restart that has not yet handed a log to
     * the replication layer keeps its committed offset instead of overwriting it with the log
     * end; and it is where the replication layer starts when it takes the partition over
     * ({@link #highWatermark()} is the log end until then). Any thread.
     */
    public long storedHighWatermark()
    {
        return highWatermark;
    }

    /**
     * Replication layer, on the writer thread: stores {@code hw} as the high watermark, clamped
     * to [log start, log end] as Kafka's {@code UnifiedLog.updateHighWatermark} does. When it
     * moves is the caller's decision (a leader never lowers it, a follower takes the leader's
     * value capped at its own end); the log does not check. From the first call on,
     * {@link #highWatermark()} returns the stored value instead of the log end.
     */
    public void updateHighWatermark(final long hw)
    {
        highWatermark = clampToLog(hw);
        // After the value: a reader that sees the flag sees the value too.
        highWatermarkDriven = true;
    }

    /** {@code offset} clamped to [logStartOffset, logEndOffset]. */
    private long clampToLog(final long offset)
    {
        return Math.max(logStartOffset, Math.min(offset, logEndOffset));
    }

    public long flushCount()
    {
        return flushCount;
    }

    public int segmentCount()
    {
        return segments.size();
    }

    public List<Segment> segments()
    {
        return new ArrayList<>(segments.values());
    }

    public long sizeInBytes()
    {
        long total = 0;
        for (final Segment s : segments.values())
        {
            total += s.sizeInBytes();
        }
        return total;
    }

    public LeaderEpochCache leaderEpochCache()
    {
        return epochCache;
    }

    /**
     * The idempotent-producer state of this partition. For reading only, and only on the
     * writer thread: the table is not thread-safe and its mutators are package-private.
     */
    public ProducerStateTable producerStateTable()
    {
        return producers;
    }

    /**
     * Leader path: validates the one batch in {@code records} (position to limit), checks an
     * idempotent batch against the producer state, assigns it the next offsets by patching
     * {@code baseOffset} and {@code partitionLeaderEpoch} in place (both lie outside the CRC, so
     * the producer's bytes are stored as sent), and appends it.
     * <p>
     * A retry of one of the producer's last five batches appends nothing and returns that
     * batch's original offsets with {@link LogAppendInfo#duplicate()} set.
     *
     * @throws OspreyException with the protocol error for an invalid batch (INVALID_PRODUCER_EPOCH
     *                         or OUT_OF_ORDER_SEQUENCE_NUMBER among them); nothing is appended then
     */
    public LogAppendInfo appendAsLeader(final ByteBuffer records, final int leaderEpoch, final long nowMs)
    {
        ensureOpen();
        final LogConfig cfg = config;
        // CreateTime records must lie within the topic's timestamp bounds (as Kafka; LogAppendTime overwrites them).
        final boolean checkTimestamps = !cfg.logAppendTime();
        BatchValidator.validateLeaderBatch(view, validationReader, records, cfg.maxMessageBytes(), cfg.compacted(),
            checkTimestamps ? BatchValidator.minTimestamp(nowMs, cfg.timestampBeforeMaxMs()) : Long.MIN_VALUE,
            checkTimestamps ? BatchValidator.maxTimestamp(nowMs, cfg.timestampAfterMaxMs()) : Long.MAX_VALUE);
        final long producerId = view.producerId();
        if (producerId != RecordBatch.NO_PRODUCER_ID)
        {
            final ProducerStateTable.CheckResult check =
                producers.check(producerId, view.producerEpoch(), view.baseSequence(), view.lastSequence());
            if (check.verdict() == ProducerStateTable.Verdict.DUPLICATE)
            {
                return new LogAppendInfo(check.firstOffset(), check.lastOffset(), check.maxTimestamp(),
                    cfg.logAppendTime() ? check.maxTimestamp() : -1, 0, 0, true);
            }
            if (check.verdict() != ProducerStateTable.Verdict.ACCEPT)
            {
                throw new OspreyException(check.errorCode(), check.errorMessage(dir.getFileName().toString()));
            }
        }
        final int start = records.position();
        final int size = records.remaining();
        final long base = logEndOffset;
        view.wrap(records, start);
        view.setBaseOffset(base);
        view.setPartitionLeaderEpoch(leaderEpoch);
        long appendTime = -1;
        if (cfg.logAppendTime())
        {
            appendTime = nowMs;
            records.putShort(start + RecordBatch.ATTRIBUTES_OFFSET,
                (short)(view.attributes() | RecordBatch.TIMESTAMP_TYPE_MASK));
            records.putLong(start + RecordBatch.MAX_TIMESTAMP_OFFSET, nowMs);
            view.updateChecksum();
        }
        final long last = view.lastOffset();
        final long maxTs = view.maxTimestamp();
        final int count = view.recordCount();
        appendValidated(records, start, size, base, last, maxTs, leaderEpoch, count, nowMs);
        producers.update(view.wrap(records, start));
        maybeFlushUnlessGrouped(nowMs);
        return new LogAppendInfo(base, last, maxTs, appendTime, 1, size, false);
    }

    /**
     * Follower path: appends the leader's batches with their offsets and epochs unchanged. The
     * first batch must start at the log end offset (or after it on a compacted topic), offsets
     * must grow, and each batch must pass the integrity checks; a trailing partial batch, as
     * fetch responses may carry, is ignored. All batches are checked before any is appended.
     * Each batch's header is recorded in the producer-state table exactly as on the leader,
     * without the leader's checks (the leader already made them), so the tables stay identical.
     */
    public LogAppendInfo appendAsFollower(final ByteBuffer records, final long nowMs)
    {
        final int limit = records.limit();
        final boolean gapsAllowed = config.compacted();
        long expected = logEndOffset;
        int p = records.position();
        int batches = 0;
        while (p + RecordBatch.HEADER_SIZE <= limit)
        {
            final int size = records.getInt(p + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
            if (size > limit - p && size >= RecordBatch.HEADER_SIZE)
            {
                break; // partial trailing batch
            }
            BatchValidator.validateFraming(records, p, limit - p);
            view.wrap(records, p);
            BatchValidator.validateIntegrity(view);
            final long base = view.baseOffset();
            if (base < expected || (base > expected && !gapsAllowed))
            {
                throw new OspreyException(ErrorCode.OFFSET_OUT_OF_RANGE,
                    "Follower append at " + dir.getFileName() + " expected base offset " + expected + " but got " + base);
            }
            expected = view.lastOffset() + 1;
            p += size;
            batches++;
        }
        if (batches == 0)
        {
            return new LogAppendInfo(logEndOffset, logEndOffset - 1, RecordBatch.NO_TIMESTAMP, -1, 0, 0, false);
        }
        final long first = records.getLong(records.position() + RecordBatch.BASE_OFFSET_OFFSET);
        long maxTs = RecordBatch.NO_TIMESTAMP;
        long last = first - 1;
        int bytes = 0;
        for (int q = records.position(), i = 0; i < batches; i++)
        {
            view.wrap(records, q);
            final int size = view.sizeInBytes();
            last = view.lastOffset();
            maxTs = Math.max(maxTs, view.maxTimestamp());
            appendValidated(records, q, size, view.baseOffset(), last, view.maxTimestamp(),
                view.partitionLeaderEpoch(), view.recordCount(), nowMs);
            producers.update(view.wrap(records, q));
            q += size;
            bytes += size;
        }
        maybeFlushUnlessGrouped(nowMs);
        return new LogAppendInfo(first, last, maxTs, -1, batches, bytes, false);
    }

    /**
     * Appends one validated batch. Everything that can fail comes before the first byte is
     * written (the roll, the disk space for the batch and its index entries, the leader epoch
     * checkpoint), so a failure, a full disk above all, leaves the log as it was: no partial
     * batch, the log end unchanged.
     */
    private void appendValidated(final ByteBuffer src, final int start, final int size, final long base, final long last,
        final long maxTs, final int epoch, final int count, final long nowMs)
    {
        ensureOpen();
        lastNowMs = nowMs;
        final Segment segment = maybeRoll(size, last, nowMs);
        try
        {
            segment.reserve(size);
        }
        catch (final IOException e)
        {
            throw noSpace(size, segment, e);
        }
        if (epoch >= 0 && epoch > epochCache.latestEpoch())
        {
            // Kept even if the append fails below: an epoch starting at the log end with no
            // batch yet is what a new leader records too.
            epochCache.assign(epoch, base);
            epochCheckpointPending = true;
        }
        if (epochCheckpointPending)
        {
            final IOException e = tryWriteEpochCheckpoint();
            if (e != null)
            {
                throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not write the leader epoch checkpoint of " +
                    dir.getFileName() + ": " + e.getMessage() + "; the append was refused and nothing was written", e);
            }
        }
        try
        {
            segment.append(src, start, size, base, last, maxTs, nowMs);
        }
        catch (final IOException e)
        {
            throw noSpace(size, segment, e);
        }
        unflushedMessages += count;
        logEndOffset = last + 1;
    }

    private OspreyException noSpace(final int size, final Segment segment, final IOException e)
    {
        return new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not reserve disk space for an append of " + size +
            " bytes to " + dir.getFileName() + " (" + segment.logPath() + "): " + e.getMessage() +
            "; the append was refused and nothing was written", e);
    }

    private Segment maybeRoll(final int size, final long lastOffset, final long nowMs)
    {
        final Segment current = active;
        final LogConfig cfg = config;
        try
        {
            if (current.isEmpty())
            {
                if (current.baseOffset() != logEndOffset)
                {
                    // The new segment is made before the old one goes (their names differ), so a
                    // failure leaves the log with its active segment.
                    final Segment fresh = Segment.create(dir, logEndOffset, cfg, size, nowMs);
                    segments.remove(current.baseOffset());
                    current.abandon();
                    deleteSegmentFiles(dir, current.baseOffset());
                    return installActive(fresh);
                }
                if (size > current.remainingCapacity())
                {
                    // An empty segment too small for an oversized batch grows in place.
                    current.growEmpty(Math.max(cfg.segmentBytes(), size));
                }
                return current;
            }
            // segment.bytes is checked as well as the mapping's capacity: a lowered segment.bytes applies to the
            // active segment too, as in Kafka.
            if (size > current.remainingCapacity() || (long)current.sizeInBytes() + size > cfg.segmentBytes() ||
                nowMs - current.createdMs() >= cfg.rollMs() || current.indexesFull(lastOffset))
            {
                return roll(size, nowMs);
            }
            return current;
        }
        catch (final IOException e)
        {
            throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not roll segment in " + dir + ": " + e, e);
        }
    }

    /**
     * Seals the active segment, starts a new one at the log end offset, and snapshots the
     * producer state at that offset (so a restart replays at most the newest segment).
     */
    public Segment roll(final int minCapacity, final long nowMs) throws IOException
    {
        final Segment old = active;
        if (old.isEmpty())
        {
            return old;
        }
        // The new segment and the disk space for the batch that needs it come first: on a full
        // disk the roll fails here and the old segment stays active, unsealed and unchanged.
        Segment created = null;
        try
        {
            created = Segment.create(dir, logEndOffset, config, minCapacity, nowMs);
            created.reserve(minCapacity);
        }
        catch (final IOException | RuntimeException e)
        {
            if (created != null)
            {
                created.abandon();
            }
            deleteSegmentFiles(dir, logEndOffset);
            throw e;
        }
        // The rolled segment's unflushed tail stays counted: the next flush forces it (from the recovery point on).
        old.seal();
        installActive(created);
        try
        {
            takeProducerSnapshot();
        }
        catch (final IOException e)
        {
            // Not fatal: the next open rebuilds the state from an older snapshot and more of the log.
            LOG.warn("Could not snapshot producer state of {} at offset {}: {}", dir, logEndOffset, e.toString());
        }
        return created;
    }

    /** Writes the producer state as of the log end and keeps only the newest snapshots. */
    private void takeProducerSnapshot() throws IOException
    {
        ProducerStateSnapshots.write(dir, logEndOffset, producers);
        ProducerStateSnapshots.retainNewest(dir, ProducerStateSnapshots.RETAINED);
    }

    /**
     * Rebuilds the producer state for the log as it now stands: snapshots above the log end are
     * deleted (they describe batches the log lost or dropped), the newest valid one at or below
     * the end is loaded, the batches after it are replayed from the segments, and producers
     * idle past {@code producer.id.expiration.ms} are dropped.
     */
    private void rebuildProducerState(final long nowMs) throws IOException
    {
        final long end = logEndOffset;
        ProducerStateSnapshots.deleteAbove(dir, end);
        final long loaded = ProducerStateSnapshots.loadNewest(dir, end, producers);
        if (loaded < end)
        {
            final long from = Math.max(loaded, 0);
            final Long first = segments.floorKey(from);
            for (final Segment s : (first == null ? segments : segments.tailMap(first)).values())
            {
                s.replayProducerState(from, producers);
            }
        }
        producers.removeExpired(nowMs);
    }

    /**
     * Drops the state of producers idle for {@code producer.id.expiration.ms}; also part of
     * {@link #deleteRetainedSegments}. Writer thread.
     *
     * @return producers removed
     */
    public int removeExpiredProducers(final long nowMs)
    {
        return producers.removeExpired(nowMs);
    }

    private Segment installActive(final Segment s)
    {
        segments.put(s.baseOffset(), s);
        active = s;
        activeFlushedPosition = 0;
        return s;
    }

    /** Opens a group of appends that will share one flush. Groups nest. */
    public void beginGroup()
    {
        groupDepth++;
    }

    /**
     * Closes a group; the outermost close applies the flush policy once for every append made
     * in the group.
     *
     * @return true when it flushed
     */
    public boolean endGroup(final long nowMs)
    {
        if (groupDepth > 0 && --groupDepth == 0)
        {
            return maybeFlush(nowMs);
        }
        return false;
    }

    private void maybeFlushUnlessGrouped(final long nowMs)
    {
        if (groupDepth == 0)
        {
            maybeFlush(nowMs);
        }
    }

    /**
     * Whether an append may be followed by an fsync: {@code flush.messages} or {@code flush.ms}
     * is set. With neither (the default, as in Kafka) no append is followed by one. Any thread.
     */
    public boolean mayFlushOnAppend()
    {
        final LogConfig cfg = config;
        return cfg.flushMessages() != Long.MAX_VALUE || cfg.flushMs() != Long.MAX_VALUE;
    }

    /** Flushes when {@code flush.messages} records are unflushed or the last flush is {@code flush.ms} old. */
    public boolean maybeFlush(final long nowMs)
    {
        final LogConfig cfg = config;
        if (unflushedMessages > 0 &&
            (unflushedMessages >= cfg.flushMessages() || nowMs - lastFlushMs >= cfg.flushMs()))
        {
            flush(nowMs);
            return true;
        }
        return false;
    }

    /** Forces everything appended so far to disk and moves the recovery point to the log end. */
    public void flush(final long nowMs)
    {
        final long end = logEndOffset;
        final Long from = segments.floorKey(recoveryPoint);
        for (final Segment s : (from == null ? segments : segments.tailMap(from)).values())
        {
            s.flush(s == active ? activeFlushedPosition : 0);
        }
        activeFlushedPosition = active.sizeInBytes();
        unflushedMessages = 0;
        lastFlushMs = nowMs;
        recoveryPoint = end;
        flushCount++;
    }

    /**
     * Reads from {@code offset}: whole batches up to {@code maxBytes} (at least one whole batch
     * when {@code minOneBatch}, even if larger), stopping before the first batch that reaches
     * {@code upperBound} (the high watermark for consumers, the log end for followers). The
     * slice stays within one segment; the next read continues from the next one. Any thread.
     *
     * @throws OspreyException OFFSET_OUT_OF_RANGE below the log start or above the log end
     */
    public LogSlice read(final long offset, final int maxBytes, final long upperBound, final boolean minOneBatch)
    {
        final long end = logEndOffset;
        final long start = logStartOffset;
        if (offset < start || offset > end)
        {
            throw new OspreyException(ErrorCode.OFFSET_OUT_OF_RANGE,
                "Offset " + offset + " is out of range [" + start + ", " + end + "] for " + dir.getFileName());
        }
        final long bound = Math.min(upperBound, end);
        if (offset >= bound)
        {
            return LogSlice.empty(offset);
        }
        Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        if (entry == null)
        {
            entry = segments.firstEntry();
        }
        while (entry != null)
        {
            final Segment s = entry.getValue();
            final int limit = s.sizeInBytes();
            final int pos = s.findPosition(offset, limit);
            if (pos >= 0)
            {
                int endPos = limit;
                if (bound < s.nextOffset())
                {
                    final int boundPos = s.findPosition(bound, limit);
                    endPos = boundPos < 0 ? limit : boundPos;
                }
                if (endPos <= pos)
                {
                    return LogSlice.empty(offset);
                }
                int length = Math.min(endPos - pos, Math.max(maxBytes, 0));
                final int first = s.batchSizeAt(pos);
                if (length < first)
                {
                    if (!minOneBatch)
                    {
                        // Kafka never sends a lone cut-off batch: the consumer could not make progress on it.
                        return LogSlice.empty(offset);
                    }
                    length = Math.min(first, endPos - pos);
                }
                final long firstBase = s.mapping().getLong(pos + RecordBatch.BASE_OFFSET_OFFSET);
                return new LogSlice(s.channel(), pos, length, firstBase, s.mapping());
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return LogSlice.empty(offset);
    }

    /**
     * How many records the whole batches of {@code slice} (one {@link #read} gave it) hold, for
     * the messages-out metric, without reading every batch header: the offsets from the first
     * batch's base to the last batch's last offset, found through the offset index. Exact on a
     * log without gaps; on a compacted log, whose cleaned segments skip the offsets of records
     * cleaned away, the batch headers are summed instead. Any thread.
     */
    public long recordsIn(final LogSlice slice)
    {
        if (slice.isEmpty())
        {
            return 0;
        }
        final int end = slice.position() + slice.length();
        final Map.Entry<Long, Segment> entry = segments.floorEntry(slice.firstOffset());
        if (!config.compacted() && entry != null && entry.getValue().channel() == slice.channel())
        {
            final long last = entry.getValue().lastOffsetOfBatchesWithin(slice.position(), end);
            return last < 0 ? 0 : last - slice.firstOffset() + 1;
        }
        final ByteBuffer map = slice.mapping();
        long count = 0;
        int p = slice.position();
        while (p + RecordBatch.HEADER_SIZE <= end)
        {
            count += map.getInt(p + RecordBatch.RECORDS_COUNT_OFFSET);
            p += map.getInt(p + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
        }
        return count;
    }

    /**
     * The base offset of the first batch whose max timestamp is at or above {@code timestamp},
     * or -1 when every batch is older. Any thread.
     */
    public long offsetForTimestamp(final long timestamp)
    {
        for (final Segment s : segments.values())
        {
            if (s.maxTimestamp() >= timestamp)
            {
                final long found = s.findOffsetByTimestamp(timestamp);
                if (found >= 0)
                {
                    return Math.max(found, logStartOffset);
                }
            }
        }
        return -1;
    }

    /**
     * Drops everything at and above {@code offset} (replication: the follower's log diverged).
     * A batch that contains {@code offset} is dropped whole. The producer state is rebuilt for
     * the shorter log: snapshots above the new end are deleted, and the newest one at or below
     * it is loaded and the batches after it replayed.
     *
     * @return the new log end offset
     */
    public long truncateTo(final long offset)
    {
        synchronized (structureLock)
        {
            structureVersion++;
            final long end = truncateToLocked(offset);
            firstDirtyOffset = Math.min(firstDirtyOffset, end);
            return end;
        }
    }

    private long truncateToLocked(final long offset)
    {
        ensureOpen();
        if (offset >= logEndOffset)
        {
            // No record to drop, but an epoch that starts at the log end without records (a leader's
            // epoch nothing was written in) must go, or a follower keeps claiming it and diverges forever.
            if (offset == logEndOffset && epochCache.truncateFromEnd(offset))
            {
                writeEpochCheckpoint();
            }
            return logEndOffset;
        }
        if (offset <= logStartOffset)
        {
            truncateFullyAndStartAt(Math.max(offset, 0), lastNowMs);
            return logEndOffset;
        }
        try
        {
            Map.Entry<Long, Segment> last = segments.lastEntry();
            while (last.getKey() >= offset && segments.size() > 1)
            {
                final Segment s = last.getValue();
                logEndOffset = Math.min(logEndOffset, s.baseOffset());
                segments.remove(last.getKey());
                scheduleDelete(s, lastNowMs);
                last = segments.lastEntry();
            }
            final Segment s = last.getValue();
            s.truncateTo(offset, config);
            s.activate(config);
            active = s;
            activeFlushedPosition = Math.min(activeFlushedPosition, s.sizeInBytes());
            logEndOffset = s.nextOffset();
        }
        catch (final IOException e)
        {
            throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not truncate " + dir + ": " + e, e);
        }
        if (epochCache.truncateFromEnd(logEndOffset))
        {
            writeEpochCheckpoint();
        }
        recoveryPoint = Math.min(recoveryPoint, logEndOffset);
        // A truncating replica never keeps a high watermark above its end: what it dropped was not committed here.
        highWatermark = clampToLog(highWatermark);
        try
        {
            rebuildProducerState(lastNowMs);
        }
        catch (final IOException e)
        {
            throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not rebuild producer state of " + dir + ": " + e, e);
        }
        return logEndOffset;
    }

    /**
     * Deletes every segment and starts empty at {@code offset} (a follower far behind the
     * leader's log start). The producer state and every snapshot go too: the old snapshots
     * describe this replica's own, possibly diverged, batches, and none of them remains.
     */
    public void truncateFullyAndStartAt(final long offset, final long nowMs)
    {
        synchronized (structureLock)
        {
            structureVersion++;
            truncateFullyAndStartAtLocked(offset, nowMs);
            firstDirtyOffset = offset;
        }
    }

    private void truncateFullyAndStartAtLocked(final long offset, final long nowMs)
    {
        ensureOpen();
        try
        {
            producers.clear();
            ProducerStateSnapshots.deleteAll(dir);
            final List<Segment> old = new ArrayList<>(segments.values());
            logEndOffset = offset;
            segments.clear();
            for (final Segment s : old)
            {
                scheduleDelete(s, nowMs);
            }
            installActive(Segment.create(dir, offset, config, 0, nowMs));
        }
        catch (final IOException e)
        {
            throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not reset " + dir + ": " + e, e);
        }
        logStartOffset = offset;
        logEndOffset = offset;
        recoveryPoint = offset;
        highWatermark = offset;
        unflushedMessages = 0;
        epochCache.clear();
        writeEpochCheckpoint();
    }

    /**
     * Moves the log start offset up to {@code offset} (DeleteRecords on a leader; on a follower,
     * the leader's log start) and deletes the whole segments that then hold only records below
     * it, never the active one. Records below the new start are no longer served: reads there are
     * out of range, and ListOffsets' earliest is the new start. The segment holding the new start
     * keeps its bytes below it until retention removes the segment, as in Kafka. Agent thread.
     *
     * @param offset the new log start; at most the log end (a caller checks it against the high watermark)
     * @return the log start offset after the call (unchanged when {@code offset} is not above it)
     */
    public long advanceLogStartOffset(final long offset, final long nowMs)
    {
        ensureOpen();
        lastNowMs = Math.max(lastNowMs, nowMs);
        synchronized (structureLock)
        {
            if (offset > logEndOffset)
            {
                throw new OspreyException(ErrorCode.OFFSET_OUT_OF_RANGE,
                    "Offset " + offset + " is above the log end " + logEndOffset + " of " + dir.getFileName());
            }
            if (offset <= logStartOffset)
            {
                return logStartOffset;
            }
            logStartOffset = offset;
            while (segments.size() > 1)
            {
                final Segment oldest = segments.firstEntry().getValue();
                final Map.Entry<Long, Segment> next = segments.higherEntry(oldest.baseOffset());
                if (oldest == active || next == null || next.getKey() > offset)
                {
                    break;
                }
                segments.remove(oldest.baseOffset());
                scheduleDelete(oldest, nowMs);
            }
            onLogStartMoved();
            return logStartOffset;
        }
    }

    /**
     * Deletes whole segments that {@code retention.ms} or {@code retention.bytes} no longer
     * keep, oldest first; moves the log start offset forward; when the active segment is one of
     * them and all its records are below the high watermark, rolls it first (as Kafka), so an
     * idle partition does not keep its last segment past retention;
     * releases segments whose delete delay has passed; and drops the state of producers idle
     * for {@code producer.id.expiration.ms}. Producers whose batches all fell below the new log
     * start keep their state until they expire (as in Kafka), so they can continue their sequence.
     *
     * @return segments deleted by this call
     */
    public int deleteRetainedSegments(final long nowMs)
    {
        ensureOpen();
        lastNowMs = Math.max(lastNowMs, nowMs);
        final LogConfig cfg = config;
        int deleted = 0;
        if (cfg.compaction().deletePolicy())
        {
            synchronized (structureLock)
            {
                deleted = deleteRetainedSegmentsLocked(cfg, nowMs);
            }
        }
        releaseDeletedSegments(nowMs);
        producers.removeExpired(nowMs);
        return deleted;
    }

    private int deleteRetainedSegmentsLocked(final LogConfig cfg, final long nowMs)
    {
        int deleted = 0;
        long excess = cfg.retentionBytes() < 0 ? Long.MIN_VALUE : sizeInBytes() - cfg.retentionBytes();
        while (!segments.isEmpty())
        {
            final Segment oldest = segments.firstEntry().getValue();
            final boolean expired = cfg.retentionMs() >= 0 && nowMs - oldest.retentionTimestampMs() > cfg.retentionMs();
            final boolean oversize = excess != Long.MIN_VALUE && excess >= oldest.sizeInBytes();
            if (!expired && !oversize)
            {
                break;
            }
            if (oldest == active && !rollForRetention(oldest, nowMs))
            {
                break;
            }
            // As Kafka: only segments wholly below the high watermark go. Records above it are not
            // yet on every in-sync replica; deleting them would move followers past them and let an
            // acks=all write count as replicated while no replica holds it.
            final Map.Entry<Long, Segment> next = segments.higherEntry(oldest.baseOffset());
            if (next == null || next.getKey() > highWatermark())
            {
                break;
            }
            segments.remove(oldest.baseOffset());
            if (excess != Long.MIN_VALUE)
            {
                excess -= oldest.sizeInBytes();
            }
            logStartOffset = Math.max(logStartOffset, segments.firstKey());
            scheduleDelete(oldest, nowMs);
            deleted++;
        }
        if (deleted > 0)
        {
            onLogStartMoved();
        }
        return deleted;
    }

    /**
     * Retention would delete the active segment: rolls it, when it holds records and all of them
     * are below the high watermark, so that it can go as a sealed segment below a new, empty
     * active one at the log end. Under the structure lock, on the writer's thread (maintenance
     * runs as a cycle of the partition's agent, like appends).
     *
     * @return whether the segment was rolled
     */
    private boolean rollForRetention(final Segment current, final long nowMs)
    {
        if (current.isEmpty() || highWatermark() < logEndOffset)
        {
            return false;
        }
        try
        {
            roll(0, nowMs);
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.warn("Could not roll the active segment of {} for retention; it stays until the next check: {}",
                dir.getFileName(), e.toString());
            return false;
        }
        return active != current;
    }

    /**
     * After the log start moved up: the high watermark is never below it (Kafka's
     * updateLogStartOffset raises it too), and the epochs wholly below it go. Under the structure lock.
     */
    private void onLogStartMoved()
    {
        highWatermark = clampToLog(highWatermark);
        if (epochCache.truncateFromStart(logStartOffset))
        {
            writeEpochCheckpoint();
        }
    }

    private void scheduleDelete(final Segment s, final long nowMs)
    {
        try
        {
            s.markDeleted();
        }
        catch (final IOException e)
        {
            throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Could not delete segment " + s + ": " + e, e);
        }
        pendingDeletes.add(new PendingDelete(s, nowMs + config.fileDeleteDelayMs()));
    }

    /** Closes and removes deleted segments once no read can still be using them. */
    public void releaseDeletedSegments(final long nowMs)
    {
        while (!pendingDeletes.isEmpty() && pendingDeletes.peekFirst().dueMs() <= nowMs)
        {
            SegmentDeleter.submit(pendingDeletes.pollFirst().segment());
        }
        cleanedDeletes.removeIf(d ->
        {
            if (d.dueMs() <= nowMs)
            {
                SegmentDeleter.submit(d.segment());
                return true;
            }
            return false;
        });
    }

    /** The segment appends go to. Any thread. */
    Segment activeSegment()
    {
        return active;
    }

    /**
     * The cleaner's boundary: offsets below it were in the dirty section of a completed cleaning
     * (so the log holds at most one record per key there, apart from keys rewritten later), offsets
     * at and above it have not been cleaned yet. Any thread.
     */
    public long firstDirtyOffset()
    {
        return firstDirtyOffset;
    }

    /** Sets the boundary read from {@code cleaner-offset-checkpoint} when the log is opened. */
    void firstDirtyOffset(final long offset)
    {
        firstDirtyOffset = offset;
    }

    /** Changes whenever a truncation may have rewritten segments the cleaner is reading. */
    int structureVersion()
    {
        synchronized (structureLock)
        {
            return structureVersion;
        }
    }

    /**
     * Cleaner: records that everything below {@code offset} is now clean, unless the log was
     * truncated or closed since the cleaning started at {@code expectedVersion}.
     */
    boolean completeCleaning(final long offset, final int expectedVersion)
    {
        synchronized (structureLock)
        {
            if (closed || structureVersion != expectedVersion)
            {
                return false;
            }
            firstDirtyOffset = Math.min(offset, logEndOffset);
            return true;
        }
    }

    /**
     * Cleaner: replaces the consecutive sealed segments {@code old} by the cleaned segment whose
     * files {@code <base>.log/.index/.timeindex.cleaned} the cleaner has written and fsynced,
     * base being the first old segment's base offset. Under the structure lock:
     * <ol>
     *   <li>check that the log is open, was not truncated since {@code expectedVersion}, and still
     *       holds exactly these segment objects (retention may have deleted some);</li>
     *   <li>rename the cleaned files to {@code .swap} (the {@code .log} last) and fsync the
     *       directory: from here on, recovery completes the replacement;</li>
     *   <li>rename the old segments' files to {@code .deleted}; their open files stay readable;</li>
     *   <li>rename the {@code .swap} files to the segment names and fsync the directory;</li>
     *   <li>open the new segment and put it in the map in place of the first old one (a reader
     *       sees the old segments or the new one, both holding the same offsets for the records
     *       the cleaner kept), then remove the other old ones.</li>
     * </ol>
     * The old segments are closed and removed {@code file.delete.delay.ms} later, as retention does.
     *
     * @param onStep told after each step (tests simulate a crash by throwing)
     * @return the new segment, or null when the log changed and the cleaned files were discarded
     */
    Segment replaceSegments(final List<Segment> old, final int expectedVersion, final long nowMs,
        final java.util.function.Consumer<SwapStep> onStep) throws IOException
    {
        final long base = old.get(0).baseOffset();
        synchronized (structureLock)
        {
            boolean current = !closed && structureVersion == expectedVersion;
            for (int i = 0; current && i < old.size(); i++)
            {
                final Segment s = old.get(i);
                current = segments.get(s.baseOffset()) == s && s.baseOffset() < active.baseOffset();
            }
            if (!current)
            {
                CleanerRecovery.deleteFiles(dir, base, Segment.CLEANED_SUFFIX);
                return null;
            }
            final Long nextBase = segments.higherKey(old.get(old.size() - 1).baseOffset());
            onStep.accept(SwapStep.CLEANED);
            CleanerRecovery.rename(dir, base, Segment.CLEANED_SUFFIX, Segment.SWAP_SUFFIX);
            CheckpointFiles.fsyncDirectory(dir);
            onStep.accept(SwapStep.COMMITTED);
            for (final Segment s : old)
            {
                s.markDeleted();
            }
            onStep.accept(SwapStep.OLD_DELETED);
            CleanerRecovery.rename(dir, base, Segment.SWAP_SUFFIX, "");
            CheckpointFiles.fsyncDirectory(dir);
            onStep.accept(SwapStep.RENAMED);
            final LogConfig cfg = config;
            final Segment fresh = Segment.open(dir, base, cfg, false, nowMs);
            if (!fresh.loadTrusted(nextBase))
            {
                // Never expected: the cleaner built these indexes. Rebuild them from the batches.
                fresh.recover(base, (b, p) -> { });
            }
            segments.put(base, fresh);
            for (int i = 1; i < old.size(); i++)
            {
                segments.remove(old.get(i).baseOffset());
            }
            for (final Segment s : old)
            {
                cleanedDeletes.add(new PendingDelete(s, nowMs + cfg.fileDeleteDelayMs()));
            }
            return fresh;
        }
    }

    /**
     * Starts leader epoch {@code epoch} at the log end offset, as a broker does when it becomes
     * leader: followers find where their logs diverge from this one by it, before the first
     * batch of the epoch is appended. Persisted at once. Writer thread only.
     */
    public void assignLeaderEpoch(final int epoch)
    {
        ensureOpen();
        if (epoch > epochCache.latestEpoch() && epochCache.assign(epoch, logEndOffset))
        {
            writeEpochCheckpoint();
        }
    }

    /**
     * Writes {@code leader-epoch-checkpoint}; a failure (a full disk) is logged and leaves it
     * pending. That is safe wherever the log itself did not grow: at open, on a new leader epoch,
     * after truncation or retention the file may stay behind the cache, because opening the log
     * trims the cache to the log's offsets again. An append of a batch with a new epoch must not
     * outrun it, so the next append writes it first and is refused while it cannot.
     */
    private void writeEpochCheckpoint()
    {
        final IOException e = tryWriteEpochCheckpoint();
        if (e != null)
        {
            LOG.warn("Could not write the leader epoch checkpoint of {}: {}; retried before the next append", dir, e.toString());
        }
    }

    /** @return null when written, else the error (the checkpoint stays pending) */
    private IOException tryWriteEpochCheckpoint()
    {
        epochCheckpointPending = true;
        final List<CheckpointFiles.Line> lines = new ArrayList<>();
        for (final LeaderEpochCache.Entry e : epochCache.entries())
        {
            lines.add(new CheckpointFiles.Line(Integer.toString(e.epoch()), Long.toString(e.startOffset())));
        }
        try
        {
            CheckpointFiles.write(dir.resolve(LEADER_EPOCH_CHECKPOINT), lines);
        }
        catch (final IOException e)
        {
            return e;
        }
        epochCheckpointPending = false;
        return null;
    }

    private static List<LeaderEpochCache.Entry> readEpochCheckpoint(final Path path) throws IOException
    {
        final List<LeaderEpochCache.Entry> entries = new ArrayList<>();
        for (final CheckpointFiles.Line line : CheckpointFiles.read(path))
        {
            entries.add(new LeaderEpochCache.Entry(Integer.parseInt(line.first()), Long.parseLong(line.second())));
        }
        return entries;
    }

    private static List<Long> segmentBaseOffsets(final Path dir) throws IOException
    {
        final List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Segment.LOG_SUFFIX))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString();
                final String digits = name.substring(0, name.length() - Segment.LOG_SUFFIX.length());
                if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit))
                {
                    bases.add(Long.parseLong(digits));
                }
            }
        }
        bases.sort(null);
        return bases;
    }

    private static void removeLeftovers(final Path dir) throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString();
                if (name.endsWith(Segment.DELETED_SUFFIX) || name.endsWith(".tmp"))
                {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static void deleteSegmentFiles(final Path dir, final long base) throws IOException
    {
        Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX)));
        Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.TIME_INDEX_SUFFIX)));
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new OspreyException(ErrorCode.KAFKA_STORAGE_ERROR, "Log " + dir + " is closed");
        }
    }

    /**
     * Clean close: flush, snapshot the producer state at the log end (so the next open replays
     * nothing), trim the active segment, release files. The recovery point becomes the log end.
     */
    @Override
    public void close() throws IOException
    {
        synchronized (structureLock)
        {
            closeLocked();
        }
    }

    private void closeLocked() throws IOException
    {
        if (closed)
        {
            return;
        }
        validationReader.close();
        flush(lastFlushMs);
        try
        {
            takeProducerSnapshot();
        }
        catch (final IOException e)
        {
            // Not fatal: the next open rebuilds the state from an older snapshot and the log.
            LOG.warn("Could not snapshot producer state of {} at offset {}: {}", dir, logEndOffset, e.toString());
        }
        closed = true;
        for (final Segment s : segments.values())
        {
            s.close();
        }
        for (final PendingDelete d : pendingDeletes)
        {
            d.segment().closeAndDelete();
        }
        pendingDeletes.clear();
        for (final PendingDelete d : cleanedDeletes)
        {
            d.segment().closeAndDelete();
        }
        cleanedDeletes.clear();
    }

    /**
     * Closes a log whose directory is about to be deleted: no flush, and no unmapping, because
     * readers on other threads may still hold its segments (see {@link Segment#closeAndDelete()}).
     */
    public void closeForDelete() throws IOException
    {
        synchronized (structureLock)
        {
            closeForDeleteLocked();
        }
    }

    private void closeForDeleteLocked() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        validationReader.close();
        for (final Segment s : segments.values())
        {
            s.release(false);
        }
        for (final PendingDelete d : pendingDeletes)
        {
            d.segment().release(false);
        }
        pendingDeletes.clear();
        for (final PendingDelete d : cleanedDeletes)
        {
            d.segment().release(false);
        }
        cleanedDeletes.clear();
    }

    /** Releases files without flushing or trimming: leaves the directory as a crash would. For tests. */
    public void abandon() throws IOException
    {
        synchronized (structureLock)
        {
            closed = true;
            for (final Segment s : segments.values())
            {
                s.abandon();
            }
            for (final PendingDelete d : pendingDeletes)
            {
                d.segment().abandon();
            }
            for (final PendingDelete d : cleanedDeletes)
            {
                d.segment().abandon();
            }
        }
    }

    @Override
    public String toString()
    {
        return "PartitionLog{" + dir.getFileName() + ", start=" + logStartOffset + ", end=" + logEndOffset +
            ", hw=" + highWatermark() + ", segments=" + segments.size() + '}';
    }
}
