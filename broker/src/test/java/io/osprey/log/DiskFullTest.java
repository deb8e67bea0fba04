package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.record.RecordBatch;
import io.osprey.testing.TinyFilesystem;

/**
 * A partition log on a small file system that fills up (a tmpfs, and ext4 in a loop-mounted image;
 * skipped unless the test runs as root where mounting works): appends are refused with
 * KAFKA_STORAGE_ERROR and leave the log exactly as it was, everything acknowledged reads back
 * intact, appends resume once space returns, and recovery after a crash finds all of it.
 * Before segments reserved their blocks ahead of the mapping, filling the disk killed the writer
 * with SIGBUS ({@code InternalError: a fault occurred in a recent unsafe memory access}).
 */
@Tag("integration")
class DiskFullTest
{
    private static final long NOW_MS = 1_000_000;
    private static final String NO_SPACE = "No space left on device";

    enum Fs
    {
        TMPFS,
        /** ext4 with 1 KiB blocks: a page spans four blocks, so a half-reserved page would still fault. */
        EXT4,
        /** ext4 with 4 KiB blocks, as real disks have. */
        EXT4_4K
    }

    @TempDir
    Path tmp;

    private TinyFilesystem fs;
    private PartitionLog log;

    @AfterEach
    void unmount() throws IOException
    {
        try
        {
            if (log != null)
            {
                log.abandon();
            }
        }
        finally
        {
            if (fs != null)
            {
                fs.close();
            }
        }
    }

    private Path mount(final Fs type) throws IOException
    {
        fs = switch (type)
        {
            case TMPFS -> TinyFilesystem.tmpfs(tmp.resolve("mnt"), 16 << 20);
            case EXT4 -> TinyFilesystem.ext4(tmp.resolve("mnt"), tmp.resolve("ext4.img"), 24 << 20, 1024);
            case EXT4_4K -> TinyFilesystem.ext4(tmp.resolve("mnt"), tmp.resolve("ext4.img"), 24 << 20, 4096);
        };
        return fs.root();
    }

    static Stream<Arguments> layouts()
    {
        return Stream.of(
            // Small segments: the disk fills up when a roll needs a new segment.
            Arguments.of(Fs.TMPFS, 1 << 20, 4096),
            Arguments.of(Fs.EXT4, 1 << 20, 4096),
            // Segments larger than the disk, an index entry per batch: it fills up inside a segment,
            // and the indexes need a third as much room as the log.
            Arguments.of(Fs.TMPFS, 64 << 20, 0),
            Arguments.of(Fs.EXT4, 64 << 20, 0));
    }

    @ParameterizedTest(name = "{0}, segment.bytes={1}, index.interval.bytes={2}")
    @MethodSource("layouts")
    void shouldRefuseAppendsOnAFullDiskKeepEverythingAcknowledgedAndResumeWhenSpaceReturns(final Fs type,
        final int segmentBytes, final int indexIntervalBytes) throws IOException
    {
        final Path root = mount(type);
        final Path giveBack = root.resolve("give-back");
        TinyFilesystem.reserve(giveBack, 2 << 20);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(segmentBytes).withIndexIntervalBytes(indexIntervalBytes)
            .withFileDeleteDelayMs(0);
        final Path dir = root.resolve("t-0");
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        final Random random = new Random(segmentBytes + indexIntervalBytes + type.ordinal());
        final List<ByteBuffer> acked = new ArrayList<>();

        final int refusals = appendUntilRefused(random, acked, 5);

        assertThat(refusals).isEqualTo(5);
        assertThat(acked).hasSizeGreaterThan(100);
        assertLogHolds(log, acked);

        Files.delete(giveBack);
        for (int bytes = 0; bytes < 256 << 10; )
        {
            final ByteBuffer batch = batch(random, acked.size());
            log.appendAsLeader(batch, 0, NOW_MS);
            acked.add(batch);
            bytes += batch.limit();
        }
        assertLogHolds(log, acked);

        // A crash: recovery scans every segment (recovery point 0) and keeps all of it.
        log.abandon();
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        assertLogHolds(log, acked);
        log.close();
        log = PartitionLog.open(dir, config, log.logEndOffset(), 0, NOW_MS);
        assertLogHolds(log, acked);
    }

    /**
     * Not on ext4 with 1 KiB blocks: trimming an index at close frees the blocks of its last page
     * past the end, and a rebuild at open must reserve that whole page again, up to 3 KiB more
     * than the disk gave back: with no block free at all, the open fails there (cleanly).
     */
    static Stream<Arguments> reopenings()
    {
        return Stream.of(Arguments.of(Fs.TMPFS, false), Arguments.of(Fs.TMPFS, true), Arguments.of(Fs.EXT4_4K, false),
            Arguments.of(Fs.EXT4_4K, true));
    }

    @ParameterizedTest(name = "{0}, after a crash: {1}")
    @MethodSource("reopenings")
    void shouldOpenALogOnAFullDiskServeItAndTakeAppendsWhenSpaceReturns(final Fs type, final boolean crash) throws IOException
    {
        final Path root = mount(type);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(1 << 20).withFileDeleteDelayMs(0);
        final Path dir = root.resolve("t-0");
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        final Random random = new Random(type.ordinal());
        final List<ByteBuffer> acked = new ArrayList<>();
        for (int bytes = 0; bytes < 3 << 20; bytes += acked.get(acked.size() - 1).limit())
        {
            append(batch(random, acked.size()), acked);
        }
        if (crash)
        {
            log.abandon();
        }
        else
        {
            log.close();
        }
        log = null;
        // Every block the close or the recovery gives back is taken as soon as it is free.
        TinyFilesystem.fillUp(root.resolve("filler"));

        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        assertLogHolds(log, acked);
        // Recovery may have cut a preallocated tail, which gives blocks back: take them too.
        TinyFilesystem.fillUp(root.resolve("filler-2"));
        final LogState before = LogState.of(log);
        final ByteBuffer next = TestBatches.batch(10, 1000, NOW_MS, "next");
        assertThatThrownBy(() -> log.appendAsLeader(next, 0, NOW_MS))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR))
            .hasMessageContaining(NO_SPACE);
        assertThat(LogState.of(log)).isEqualTo(before);

        Files.delete(root.resolve("filler"));
        Files.delete(root.resolve("filler-2"));
        append(TestBatches.batch(10, 1000, NOW_MS, "next"), acked);
        assertLogHolds(log, acked);
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void shouldKeepTheOldSegmentActiveWhenARollFindsTheDiskFull(final Fs type) throws IOException
    {
        final Path root = mount(type);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(256 << 10).withFileDeleteDelayMs(0);
        final Path dir = root.resolve("t-0");
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        final List<ByteBuffer> acked = new ArrayList<>();
        while (log.activeSegment().remainingCapacity() >= 30 << 10)
        {
            append(TestBatches.batch(10, 1000, NOW_MS, "fill-" + acked.size()), acked);
        }
        final ByteBuffer big = TestBatches.batch(30, 1000, NOW_MS, "big");
        assertThat(big.limit()).isGreaterThan(log.activeSegment().remainingCapacity());
        final Segment activeBefore = log.activeSegment();
        TinyFilesystem.fillUp(root.resolve("filler"));

        final LogState before = LogState.of(log);
        assertThatThrownBy(() -> log.appendAsLeader(big, 0, NOW_MS))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR))
            .hasMessageContaining(NO_SPACE);

        assertThat(LogState.of(log)).isEqualTo(before);
        assertThat(log.activeSegment()).isSameAs(activeBefore);
        assertThat(activeBefore.isActive()).isTrue();
        // Still writable: a batch that fits goes into the old segment, whose bytes were reserved.
        append(TestBatches.batch(1, 50, NOW_MS, "small"), acked);
        assertThat(log.segmentCount()).isEqualTo(before.segmentBases().size());

        Files.delete(root.resolve("filler"));
        final ByteBuffer retry = TestBatches.batch(30, 1000, NOW_MS, "big");
        append(retry, acked);
        assertThat(log.segmentCount()).isEqualTo(before.segmentBases().size() + 1);
        assertLogHolds(log, acked);
        log.close();
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        assertLogHolds(log, acked);
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void shouldTruncateIntoASealedSegmentOnAFullDisk(final Fs type) throws IOException
    {
        final Path root = mount(type);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(256 << 10).withFileDeleteDelayMs(0);
        final Path dir = root.resolve("t-0");
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        final Random random = new Random(type.ordinal());
        final List<ByteBuffer> acked = new ArrayList<>();
        while (log.segmentCount() < 3)
        {
            append(batch(random, acked.size()), acked);
        }
        // Sealing trimmed the middle segment to its batches: on 1 KiB blocks its last page is part hole.
        final Segment sealed = log.segments().get(1);
        final List<Integer> inSealed = new ArrayList<>();
        for (int i = 0; i < acked.size(); i++)
        {
            final long base = acked.get(i).getLong(RecordBatch.BASE_OFFSET_OFFSET);
            if (base >= sealed.baseOffset() && base < sealed.nextOffset())
            {
                inSealed.add(i);
            }
        }
        assertThat(inSealed).hasSizeGreaterThan(2);
        final int firstDropped = inSealed.get(inSealed.size() / 2);
        final long truncateAt = acked.get(firstDropped).getLong(RecordBatch.BASE_OFFSET_OFFSET);
        acked.subList(firstDropped, acked.size()).clear();
        TinyFilesystem.fillUp(root.resolve("filler"));

        // Zeroing the dropped tail must not write through the mapping into a page with holes.
        assertThat(log.truncateTo(truncateAt)).isEqualTo(truncateAt);
        assertLogHolds(log, acked);
        try
        {
            append(TestBatches.batch(10, 1000, NOW_MS, "on-full-disk"), acked);
        }
        catch (final OspreyException e)
        {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
        }

        Files.delete(root.resolve("filler"));
        append(TestBatches.batch(10, 1000, NOW_MS, "after"), acked);
        assertLogHolds(log, acked);
        log.abandon();
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        assertLogHolds(log, acked);
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void shouldRefuseANewLeaderEpochWhoseCheckpointCannotBeWrittenAndWriteItWhenSpaceReturns(final Fs type) throws IOException
    {
        final Path root = mount(type);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(1 << 20);
        final Path dir = root.resolve("t-0");
        log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        final List<ByteBuffer> acked = new ArrayList<>();
        append(TestBatches.batch(5, 100, NOW_MS, "epoch0"), acked);
        TinyFilesystem.fillUp(root.resolve("filler"));

        // The batch's bytes were reserved with the segment, but the epoch checkpoint needs a new block.
        final LogState before = LogState.of(log);
        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.batch(5, 100, NOW_MS, "epoch1"), 1, NOW_MS))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR))
            .hasMessageContaining(NO_SPACE);
        assertThat(LogState.of(log)).isEqualTo(before);

        Files.delete(root.resolve("filler"));
        final ByteBuffer batch = TestBatches.batch(5, 100, NOW_MS, "epoch1");
        log.appendAsLeader(batch, 1, NOW_MS);
        acked.add(batch);
        assertThat(Files.readString(dir.resolve(PartitionLog.LEADER_EPOCH_CHECKPOINT))).contains("1 5\n");
        assertLogHolds(log, acked);
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void shouldKeepTheOldCheckpointAndNoTemporaryFileWhenACheckpointWriteFindsTheDiskFull(final Fs type) throws IOException
    {
        final Path root = mount(type);
        final Path checkpoint = root.resolve("recovery-point-offset-checkpoint");
        CheckpointFiles.write(checkpoint, List.of(new CheckpointFiles.Line("t-0", "42")));
        TinyFilesystem.fillUp(root.resolve("filler"));

        assertThatThrownBy(() -> CheckpointFiles.write(checkpoint, List.of(new CheckpointFiles.Line("t-0", "43"))))
            .isInstanceOf(IOException.class);

        assertThat(CheckpointFiles.read(checkpoint)).containsExactly(new CheckpointFiles.Line("t-0", "42"));
        assertThat(root.resolve("recovery-point-offset-checkpoint.tmp")).doesNotExist();
        Files.delete(root.resolve("filler"));
        CheckpointFiles.write(checkpoint, List.of(new CheckpointFiles.Line("t-0", "43")));
        assertThat(CheckpointFiles.read(checkpoint)).containsExactly(new CheckpointFiles.Line("t-0", "43"));
    }

    /**
     * Appends batches of random sizes until {@code refusalsWanted} appends in a row were refused,
     * checking that each refusal is a full disk and changed nothing.
     *
     * @return refusals in a row at the end
     */
    private int appendUntilRefused(final Random random, final List<ByteBuffer> acked, final int refusalsWanted) throws IOException
    {
        int refusals = 0;
        for (int attempt = 0; attempt < 100_000 && refusals < refusalsWanted; attempt++)
        {
            final ByteBuffer batch = batch(random, acked.size());
            final LogState before = LogState.of(log);
            try
            {
                log.appendAsLeader(batch, 0, NOW_MS);
                acked.add(batch);
                refusals = 0;
            }
            catch (final OspreyException e)
            {
                assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
                assertThat(e.getMessage()).contains(NO_SPACE);
                assertThat(LogState.of(log)).as("a refused append changes nothing").isEqualTo(before);
                refusals++;
            }
        }
        return refusals;
    }

    private void append(final ByteBuffer batch, final List<ByteBuffer> acked)
    {
        log.appendAsLeader(batch, 0, NOW_MS);
        acked.add(batch);
    }

    /** 1 to 40 records of 100 to 1000 bytes: about 100 bytes to 40 KiB. */
    private static ByteBuffer batch(final Random random, final int n)
    {
        return TestBatches.batch(1 + random.nextInt(40), 100 + random.nextInt(900), NOW_MS + n, "b" + n);
    }

    /**
     * The log holds exactly the acknowledged batches, in order, byte for byte (the buffers were
     * patched with their offsets by the append), each with a valid CRC, and nothing after them.
     */
    private static void assertLogHolds(final PartitionLog log, final List<ByteBuffer> acked)
    {
        final RecordBatch view = new RecordBatch();
        long offset = log.logStartOffset();
        int i = 0;
        while (offset < log.logEndOffset())
        {
            final ByteBuffer bytes = log.read(offset, 1 << 20, Long.MAX_VALUE, true).asByteBuffer();
            int p = 0;
            while (p + RecordBatch.HEADER_SIZE <= bytes.limit())
            {
                view.wrap(bytes, p);
                if (p + view.sizeInBytes() > bytes.limit())
                {
                    break;
                }
                assertThat(view.isChecksumValid()).as("CRC of the batch at offset %d", view.baseOffset()).isTrue();
                if (i >= acked.size())
                {
                    fail("The log holds a batch at offset " + view.baseOffset() + " that was never acknowledged");
                }
                final ByteBuffer expected = acked.get(i).duplicate().clear();
                assertThat(bytes.slice(p, view.sizeInBytes())).as("batch %d", i).isEqualTo(expected);
                offset = view.lastOffset() + 1;
                p += view.sizeInBytes();
                i++;
            }
            if (p == 0)
            {
                fail("No whole batch readable at offset " + offset + " below the log end " + log.logEndOffset());
            }
        }
        assertThat(i).as("acknowledged batches read back").isEqualTo(acked.size());
        final ByteBuffer last = acked.get(acked.size() - 1);
        assertThat(log.logEndOffset()).isEqualTo(last.getLong(RecordBatch.BASE_OFFSET_OFFSET) +
            last.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET) + 1);
    }

    /** What a refused append must leave unchanged: offsets, segments, and the files on disk. */
    private record LogState(long logEndOffset, int activeSize, List<Long> segmentBases, List<String> files)
    {
        static LogState of(final PartitionLog log) throws IOException
        {
            final List<Long> bases = new ArrayList<>();
            for (final Segment s : log.segments())
            {
                bases.add(s.baseOffset());
            }
            final List<String> files;
            try (Stream<Path> list = Files.list(log.dir()))
            {
                files = list.map(f -> f.getFileName().toString()).sorted().toList();
            }
            return new LogState(log.logEndOffset(), log.activeSegment().sizeInBytes(), bases, files);
        }
    }
}
