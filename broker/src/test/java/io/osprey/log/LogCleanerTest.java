package io.osprey.log;

import static io.osprey.log.CompactionFixtures.keyed;
import static io.osprey.log.CompactionFixtures.latest;
import static io.osprey.log.CompactionFixtures.readBatches;
import static io.osprey.log.CompactionFixtures.readRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.log.CompactionFixtures.Rec;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;

class LogCleanerTest
{
    private static final long T0 = 1_000_000;
    private static final LogConfig COMPACTED = LogConfig.defaults().withSegmentBytes(600).withSegmentIndexBytes(4096)
        .withIndexIntervalBytes(100).withFileDeleteDelayMs(0).withCleanupPolicy(true, false);

    @TempDir
    Path tmp;

    private static final class SimulatedCrash extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
    }

    private static LogCleaner cleanerOf(final PartitionLog log)
    {
        return cleanerOf(log, step -> { });
    }

    private static LogCleaner cleanerOf(final PartitionLog log, final Consumer<PartitionLog.SwapStep> onStep)
    {
        return new LogCleaner(CleanerConfig.defaults(), () -> List.of(log), () -> { }, onStep);
    }

    /** Appends {@code count} single-record batches: key k(i % keys), value v(offset). */
    private static void appendUpdates(final PartitionLog log, final int count, final int keys, final long timestamp)
    {
        for (int i = 0; i < count; i++)
        {
            final long offset = log.logEndOffset();
            log.appendAsLeader(keyed(timestamp, "k" + (offset % keys), "v" + offset), 0, timestamp);
        }
    }

    /** Appends records with keys used nowhere else, enough to roll at least one segment. */
    private static void appendFiller(final PartitionLog log, final long timestamp)
    {
        final long before = log.activeSegment().baseOffset();
        while (log.activeSegment().baseOffset() == before)
        {
            final long offset = log.logEndOffset();
            log.appendAsLeader(keyed(timestamp, "filler-" + offset, "f" + offset), 0, timestamp);
        }
    }

    private static void assertSameRecordsAtSameOffsets(final List<Rec> after, final List<Rec> before)
    {
        final Map<Long, Rec> byOffset = new java.util.HashMap<>();
        before.forEach(r -> byOffset.put(r.offset(), r));
        for (final Rec r : after)
        {
            assertThat(byOffset.get(r.offset())).as("record at offset %d", r.offset()).isEqualTo(r);
        }
    }

    @Test
    void shouldKeepOnlyTheLatestValueOfEachKeyWithOffsetsUnchanged() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            appendUpdates(log, 60, 7, T0);
            final List<Rec> before = readRecords(log);
            final int segmentsBefore = log.segmentCount();

            assertThat(cleanerOf(log).cleanNow(T0)).isPositive();

            final List<Rec> after = readRecords(log);
            assertSameRecordsAtSameOffsets(after, before);
            assertThat(latest(after)).isEqualTo(latest(before));
            assertThat(log.firstDirtyOffset()).isEqualTo(log.activeSegment().baseOffset());
            final List<Rec> clean = after.stream().filter(r -> r.offset() < log.firstDirtyOffset()).toList();
            assertThat(clean.stream().map(Rec::key).distinct().count()).isEqualTo(clean.size());
            assertThat(log.logEndOffset()).isEqualTo(60);

            // Groups are formed from the sizes before cleaning: the segments that shrank merge in the next pass.
            appendFiller(log, T0);
            assertThat(cleanerOf(log).cleanNow(T0)).isPositive();
            assertThat(log.segmentCount()).as("small cleaned segments merge").isLessThan(segmentsBefore);
            assertThat(latest(readRecords(log))).containsAllEntriesOf(latest(before));
        }
    }

    /**
     * Records at and above the high watermark may still be truncated by a leader change: the
     * segment holding it and everything after keep all their records, the segments wholly below
     * it are compacted. {@code position} places the high watermark in the third segment: 0 at
     * its base, 1 just after, -1 at its last offset.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1})
    void shouldNotCleanTheSegmentHoldingTheHighWatermarkNorAnythingAfterIt(final int position) throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            appendUpdates(log, 60, 7, T0);
            final List<Segment> segments = log.segments();
            assertThat(segments.size()).as("two segments below the high watermark's, more above").isGreaterThan(4);
            final Segment holding = segments.get(2);
            final long hw = position >= 0 ? holding.baseOffset() + position : holding.nextOffset() + position;
            final List<Rec> before = readRecords(log);
            final List<Rec> belowBefore = before.stream().filter(r -> r.offset() < holding.baseOffset()).toList();
            final List<Rec> heldBefore = before.stream().filter(r -> r.offset() >= holding.baseOffset()).toList();
            final List<Rec> uncommitted = before.stream().filter(r -> r.offset() >= hw).toList();
            assertThat(uncommitted.stream().map(Rec::key).distinct().count()).as("duplicates at and above the high watermark")
                .isLessThan(uncommitted.size());
            assertThat(belowBefore.stream().map(Rec::key).distinct().count()).as("duplicates below")
                .isLessThan(belowBefore.size());

            log.updateHighWatermark(hw);
            assertThat(cleanerOf(log).cleanNow(T0)).isPositive();

            final List<Rec> after = readRecords(log);
            assertThat(after.stream().filter(r -> r.offset() >= holding.baseOffset()).toList())
                .as("the segment holding the high watermark and those after are untouched").isEqualTo(heldBefore);
            assertThat(log.segments()).as("the very same segments").containsSubsequence(segments.subList(2, segments.size()));
            final List<Rec> below = after.stream().filter(r -> r.offset() < holding.baseOffset()).toList();
            assertThat(below.size()).as("compacted below").isLessThan(belowBefore.size());
            assertThat(below.stream().map(Rec::key).distinct().count()).isEqualTo(below.size());
            assertThat(latest(below)).isEqualTo(latest(belowBefore));
            assertSameRecordsAtSameOffsets(after, before);
            assertThat(log.firstDirtyOffset()).isEqualTo(holding.baseOffset());

            // Once the high watermark reaches the log end, the rest of the sealed segments is cleaned.
            log.updateHighWatermark(log.logEndOffset());
            assertThat(cleanerOf(log).cleanNow(T0)).isPositive();
            assertThat(log.firstDirtyOffset()).isEqualTo(log.activeSegment().baseOffset());
            assertThat(latest(readRecords(log))).isEqualTo(latest(before));
            assertThat(readRecords(log).size()).isLessThan(after.size());
        }
    }

    @Test
    void shouldNotCleanAtAllWhileTheHighWatermarkIsInTheFirstDirtySegment() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            appendUpdates(log, 60, 7, T0);
            final List<Rec> before = readRecords(log);
            log.updateHighWatermark(log.segments().get(0).nextOffset() - 1);

            assertThat(Cleaner.cleanable(log, T0).dirtyBytes()).isZero();
            assertThat(cleanerOf(log).cleanNow(T0)).isZero();
            assertThat(readRecords(log)).isEqualTo(before);
            assertThat(log.firstDirtyOffset()).isZero();
        }
    }

    @Test
    void shouldKeepAnAbortedLogAwayFromTheCleanerUntilItIsForgotten() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            appendUpdates(log, 60, 7, T0);
            final LogCleaner cleaner = cleanerOf(log);

            // Aborted on one thread (the metadata thread), deleted later on another (the log's agent):
            // no pass may start in between, so the deleting thread never waits for the cleaner.
            cleaner.abortAndWait(log);
            cleaner.abortAndWait(log);
            assertThat(cleaner.cleanNow(T0)).as("passes on a log about to be deleted").isZero();

            cleaner.forget(log);
            assertThat(cleaner.cleanNow(T0)).isPositive();
        }
    }

    @Test
    void shouldNeverTouchTheActiveSegment() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            appendUpdates(log, 40, 3, T0);
            final Segment active = log.activeSegment();
            final int activeSize = active.sizeInBytes();
            final List<Rec> inActive = readRecords(log).stream().filter(r -> r.offset() >= active.baseOffset()).toList();
            assertThat(inActive.size()).as("the active segment holds superseded records").isGreaterThan(1);

            cleanerOf(log).cleanNow(T0);

            assertThat(log.activeSegment()).isSameAs(active);
            assertThat(active.sizeInBytes()).isEqualTo(activeSize);
            assertThat(readRecords(log).stream().filter(r -> r.offset() >= active.baseOffset()).toList()).isEqualTo(inActive);
        }
    }

    @Test
    void shouldRemoveTombstonesOnlyDeleteRetentionAfterTheirFirstCleaning() throws Exception
    {
        final LogConfig config = COMPACTED.withCompaction(COMPACTED.compaction().withDeleteRetentionMs(10_000));
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), config, 0, 0, T0))
        {
            log.appendAsLeader(keyed(T0, "k1", "a"), 0, T0);
            log.appendAsLeader(keyed(T0, "k2", "b"), 0, T0);
            log.appendAsLeader(keyed(T0 + 1, "k1", null), 0, T0);
            // An ancient tombstone (its producer's CreateTime): it lives as long as a young one.
            log.appendAsLeader(keyed(1, "k3", "c"), 0, T0);
            log.appendAsLeader(keyed(1, "k3", null), 0, T0);
            appendFiller(log, T0);
            final LogCleaner cleaner = cleanerOf(log);

            // The first cleaning sets the delete horizon of both tombstones' batches: T0 + 5 + 10 s.
            cleaner.cleanNow(T0 + 5);
            assertThat(readRecords(log)).contains(new Rec(1, "k2", "b"), new Rec(2, "k1", null), new Rec(4, "k3", null))
                .doesNotContain(new Rec(0, "k1", "a"), new Rec(3, "k3", "c"));

            appendFiller(log, T0 + 100);
            cleaner.cleanNow(T0 + 100);
            assertThat(readRecords(log)).as("both tombstones are kept, however old their timestamps")
                .contains(new Rec(2, "k1", null), new Rec(4, "k3", null));

            appendFiller(log, T0 + 10_004);
            cleaner.cleanNow(T0 + 10_004);
            assertThat(readRecords(log)).as("a later cleaning does not move the horizon; it has not passed yet")
                .contains(new Rec(2, "k1", null), new Rec(4, "k3", null));

            appendFiller(log, T0 + 10_005);
            cleaner.cleanNow(T0 + 10_005);
            final List<Rec> after = readRecords(log);
            assertThat(after.stream().filter(r -> r.key().equals("k1") || r.key().equals("k3")).toList()).isEmpty();
            assertThat(after).contains(new Rec(1, "k2", "b"));
        }
    }

    @Test
    void shouldKeepTheLastBatchOfEachProducerSoItsStateSurvivesARestart() throws Exception
    {
        final Path dir = tmp.resolve("c-0");
        try (PartitionLog log = PartitionLog.open(dir, COMPACTED, 0, 0, T0))
        {
            log.appendAsLeader(CompactionFixtures.keyed(Compression.NONE, T0, 7, 0, new String[] {"k1", "k2"},
                new String[] {"a", "b"}), 0, T0);
            log.appendAsLeader(CompactionFixtures.keyed(Compression.NONE, T0, 8, 0, new String[] {"k3"}, new String[] {"c"}), 0, T0);
            log.appendAsLeader(CompactionFixtures.keyed(Compression.NONE, T0, 8, 1, new String[] {"k3"}, new String[] {"d"}), 0, T0);
            log.appendAsLeader(keyed(T0, "k1", "x", "k2", "y", "k3", "z"), 0, T0);
            appendFiller(log, T0);

            cleanerOf(log).cleanNow(T0);

            final List<ByteBuffer> headers = new ArrayList<>();
            final List<Rec> records = readBatches(log, headers);
            assertThat(records.stream().filter(r -> r.offset() < 4).toList()).isEmpty();
            final RecordBatch view = new RecordBatch();
            final List<String> producerBatches = new ArrayList<>();
            for (final ByteBuffer h : headers)
            {
                view.wrap(h, 0);
                if (view.producerId() >= 0)
                {
                    producerBatches.add(view.producerId() + ":" + view.baseOffset() + "-" + view.lastOffset() + ":seq" +
                        view.baseSequence() + "-" + view.lastSequence() + ":n" + view.recordCount());
                }
            }
            assertThat(producerBatches).containsExactly("7:0-1:seq0-1:n0", "8:3-3:seq1-1:n0");
        }
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path f : files.filter(f -> f.toString().endsWith(".snapshot")).toList())
            {
                Files.delete(f);
            }
        }
        try (PartitionLog log = PartitionLog.open(dir, COMPACTED, 0, 0, T0))
        {
            final ProducerStateEntry seven = log.producerStateTable().entry(7);
            assertThat(seven.lastSequence()).isEqualTo(1);
            assertThat(seven.lastOffset()).isEqualTo(1);
            final LogAppendInfo retry = log.appendAsLeader(
                CompactionFixtures.keyed(Compression.NONE, T0, 8, 1, new String[] {"k3"}, new String[] {"d"}), 0, T0);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4", "ZSTD"})
    void shouldRebuildCompressedBatchesWithTheirCodec(final Compression codec) throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            log.appendAsLeader(CompactionFixtures.keyed(codec, T0, -1, 0, new String[] {"a", "b", "c", "d"},
                new String[] {"1", "2", "3", "4"}), 0, T0);
            log.appendAsLeader(keyed(T0, "a", "5", "c", "6"), 0, T0);
            appendFiller(log, T0);

            cleanerOf(log).cleanNow(T0);

            final List<ByteBuffer> headers = new ArrayList<>();
            final List<Rec> records = readBatches(log, headers);
            final RecordBatch first = new RecordBatch(headers.get(0), 0);
            assertThat(first.compression()).isEqualTo(codec);
            assertThat(first.baseOffset()).isEqualTo(0);
            assertThat(first.lastOffsetDelta()).isEqualTo(3);
            assertThat(first.recordCount()).isEqualTo(2);
            assertThat(records.subList(0, 4)).containsExactly(new Rec(1, "b", "2"), new Rec(3, "d", "4"), new Rec(4, "a", "5"),
                new Rec(5, "c", "6"));
        }
    }

    @Test
    void shouldNotCleanSegmentsYoungerThanTheMinCompactionLag() throws Exception
    {
        final LogConfig config = COMPACTED.withCompaction(COMPACTED.compaction().withMinCompactionLagMs(1000));
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), config, 0, 0, T0))
        {
            appendUpdates(log, 30, 3, T0);
            final List<Rec> before = readRecords(log);

            assertThat(cleanerOf(log).cleanNow(T0 + 999)).isZero();
            assertThat(readRecords(log)).isEqualTo(before);

            assertThat(cleanerOf(log).cleanNow(T0 + 1001)).isPositive();
            assertThat(readRecords(log).size()).isLessThan(before.size());
        }
    }

    @Test
    void shouldRefuseKeylessRecordsOnACompactedTopicOnly() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            assertThatThrownBy(() -> log.appendAsLeader(keyed(T0, "k", "v", null, "v"), 0, T0))
                .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_RECORD))
                .hasMessageContaining("Compacted topic cannot accept message without key");
            assertThat(log.logEndOffset()).isZero();
        }
        try (PartitionLog log = PartitionLog.open(tmp.resolve("d-0"), COMPACTED.withCleanupPolicy(false, true), 0, 0, T0))
        {
            log.appendAsLeader(keyed(T0, null, "v"), 0, T0);
            assertThat(log.logEndOffset()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotDeleteByRetentionWhenThePolicyIsCompactOnly() throws Exception
    {
        final LogConfig config = COMPACTED.withRetention(10, -1);
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), config, 0, 0, T0))
        {
            appendUpdates(log, 30, 30, T0);
            final int segments = log.segmentCount();
            assertThat(log.deleteRetainedSegments(T0 + 1_000_000)).isZero();
            assertThat(log.segmentCount()).isEqualTo(segments);

            log.updateConfig(config.withCleanupPolicy(true, true));
            // Every segment, the active one rolled first: all records are below the high watermark.
            assertThat(log.deleteRetainedSegments(T0 + 1_000_000)).isEqualTo(segments);
        }
    }

    @Test
    void shouldKeepTheCleanerCheckpointAcrossRestarts() throws Exception
    {
        final Path logDir = tmp.resolve("logs");
        final long firstDirty;
        try (LogManager manager = new LogManager(logDir, name -> COMPACTED, T0))
        {
            final PartitionLog log = manager.getOrCreate("t", 0, COMPACTED, T0);
            appendUpdates(log, 40, 5, T0);
            final LogCleaner cleaner = manager.startCleaner(new CleanerConfig(false, 1, 1 << 20, 0.9, 15_000, Double.MAX_VALUE));
            assertThat(cleaner.cleanNow(T0)).isPositive();
            firstDirty = log.firstDirtyOffset();
            assertThat(firstDirty).isPositive();
        }
        assertThat(Files.readString(logDir.resolve(LogManager.CLEANER_OFFSET_CHECKPOINT))).contains("t-0 " + firstDirty);
        try (LogManager manager = new LogManager(logDir, name -> COMPACTED, T0))
        {
            assertThat(manager.get("t", 0).firstDirtyOffset()).isEqualTo(firstDirty);
            assertThat(manager.startCleaner(new CleanerConfig(false, 1, 1 << 20, 0.9, 15_000, Double.MAX_VALUE)).cleanNow(T0))
                .as("nothing dirty after the restart").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(PartitionLog.SwapStep.class)
    void shouldRecoverToTheOldOrTheNewSegmentsAfterACrashAtEachSwapStep(final PartitionLog.SwapStep crashAt) throws Exception
    {
        crashAndRecover(crashAt, false);
    }

    @Test
    void shouldCompleteASwapWhoseIndexesWereRenamedBeforeTheCrash() throws Exception
    {
        crashAndRecover(PartitionLog.SwapStep.OLD_DELETED, true);
    }

    private void crashAndRecover(final PartitionLog.SwapStep crashAt, final boolean renameIndexSwaps) throws Exception
    {
        final Path dir = tmp.resolve("c-0");
        final PartitionLog log = PartitionLog.open(dir, COMPACTED, 0, 0, T0);
        appendUpdates(log, 60, 7, T0);
        final List<Rec> before = readRecords(log);
        final long end = log.logEndOffset();
        final LogCleaner crashing = cleanerOf(log, step ->
        {
            if (step == crashAt)
            {
                throw new SimulatedCrash();
            }
        });
        assertThat(crashing.cleanNow(T0)).isZero();
        log.abandon();
        if (renameIndexSwaps)
        {
            try (Stream<Path> files = Files.list(dir))
            {
                for (final Path f : files.filter(f -> f.toString().endsWith("index" + Segment.SWAP_SUFFIX)).toList())
                {
                    final String name = f.getFileName().toString();
                    Files.move(f, f.resolveSibling(name.substring(0, name.length() - Segment.SWAP_SUFFIX.length())));
                }
            }
        }

        try (PartitionLog reopened = PartitionLog.open(dir, COMPACTED, end, 0, T0))
        {
            try (Stream<Path> files = Files.list(dir))
            {
                assertThat(files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(Segment.CLEANED_SUFFIX) || n.endsWith(Segment.SWAP_SUFFIX))).isEmpty();
            }
            assertThat(reopened.logEndOffset()).isEqualTo(end);
            final List<Rec> after = readRecords(reopened);
            assertSameRecordsAtSameOffsets(after, before);
            assertThat(latest(after)).isEqualTo(latest(before));
            if (crashAt == PartitionLog.SwapStep.CLEANED)
            {
                assertThat(after).isEqualTo(before);
            }
            else
            {
                assertThat(after.size()).as("the committed swap completed").isLessThan(before.size());
            }
            cleanerOf(reopened).cleanNow(T0);
            assertThat(latest(readRecords(reopened))).isEqualTo(latest(before));
        }
    }

    @Test
    void shouldLetAppendsAndReadsRunWhileCleaning() throws Exception
    {
        final int keys = 20;
        final int appends = 1500;
        final LogConfig config = COMPACTED.withSegmentBytes(1024);
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), config, 0, 0, T0))
        {
            final AtomicBoolean writing = new AtomicBoolean(true);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicInteger cleanings = new AtomicInteger();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    // Past its quota the writer goes on until a cleaning has run alongside it (on a busy
                    // machine the quota alone was written before the first pass), within a bound.
                    for (int i = 0; (i < appends || cleanings.get() == 0) && i < 20 * appends && failure.get() == null; i++)
                    {
                        final long base = log.logEndOffset();
                        final int n = 1 + i % 3;
                        final String[] ks = new String[n];
                        final String[] vs = new String[n];
                        for (int j = 0; j < n; j++)
                        {
                            ks[j] = "k" + ((base + j) % keys);
                            vs[j] = "v" + (base + j);
                        }
                        final long now = System.currentTimeMillis();
                        log.appendAsLeader(CompactionFixtures.keyed(Compression.NONE, now, -1, 0, ks, vs), 0, now);
                        if (i % 50 == 0)
                        {
                            log.deleteRetainedSegments(now);
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.compareAndSet(null, t);
                }
                finally
                {
                    writing.set(false);
                }
            }, "test-writer");
            final List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++)
            {
                readers.add(new Thread(() ->
                {
                    try
                    {
                        while (writing.get() && failure.get() == null)
                        {
                            for (final Rec rec : readRecords(log))
                            {
                                if (!rec.value().equals("v" + rec.offset()) || !rec.key().equals("k" + (rec.offset() % keys)))
                                {
                                    throw new AssertionError("unexpected record " + rec);
                                }
                            }
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                }, "test-reader-" + r));
            }
            writer.start();
            readers.forEach(Thread::start);
            final LogCleaner cleaner = cleanerOf(log);
            int passes = 0;
            for (int i = 0; (i < 500 || passes == 0) && writing.get() && failure.get() == null; i++)
            {
                passes += cleaner.cleanNow(System.currentTimeMillis());
                cleanings.set(passes);
            }
            writer.join(60_000);
            for (final Thread t : readers)
            {
                t.join(60_000);
            }
            assertThat(failure.get()).isNull();
            assertThat(passes).isPositive();
            cleaner.cleanNow(System.currentTimeMillis());
            final Map<String, Rec> latest = latest(readRecords(log));
            assertThat(latest).hasSize(keys);
            for (final Rec r : latest.values())
            {
                assertThat(r.offset()).as("latest of %s", r.key()).isGreaterThanOrEqualTo(log.logEndOffset() - keys - 3);
            }
        }
    }

    @Test
    void shouldGroupSegmentsWithinTheSegmentSize() throws IOException
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), COMPACTED, 0, 0, T0))
        {
            appendUpdates(log, 60, 60, T0);
            final List<Segment> sealed = log.segments().subList(0, log.segmentCount() - 1);
            final List<List<Segment>> groups = Cleaner.group(sealed, Long.MAX_VALUE, COMPACTED);
            final Set<Segment> seen = new HashSet<>();
            for (final List<Segment> g : groups)
            {
                assertThat(g.stream().mapToLong(Segment::sizeInBytes).sum()).isLessThanOrEqualTo(COMPACTED.segmentBytes());
                seen.addAll(g);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(sealed);
        }
    }
}
