package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Crash recovery against every crash point: append random batches, leave the files as a crash
 * would, damage the last segment's {@code .log} (cut it at every byte of its last batches, or
 * flip a byte), reopen, and check that every batch before the damage reads back with its
 * original offsets, nothing from the damage on is served, and appends continue right after.
 */
class LogRecoveryPropertyTest
{
    private static final LogConfig CONFIG = LogConfig.defaults().withSegmentBytes(2048).withSegmentIndexBytes(512)
        .withIndexIntervalBytes(200).withFileDeleteDelayMs(0);

    /** One appended batch: offsets and where its bytes sit in which segment file. */
    private record Written(long base, long last, long segmentBase, int position, int size)
    {
    }

    @Property(tries = 8)
    void shouldRecoverTheIntactPrefixWhenCutAtEveryByteOfTheLastBatches(
        @ForAll @IntRange(min = 1, max = 40) final int batchCount,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long seed) throws IOException
    {
        final Path root = Files.createTempDirectory("recovery");
        try
        {
            final Path dir = root.resolve("p-0");
            final List<Written> written = writeRandomLog(dir, batchCount, new Random(seed));
            final Written lastBatch = written.get(written.size() - 1);
            final List<Written> inLastSegment = written.stream().filter(w -> w.segmentBase() == lastBatch.segmentBase()).toList();
            final Path logFile = dir.resolve(Segment.fileName(lastBatch.segmentBase(), Segment.LOG_SUFFIX));
            final java.util.Map<Path, byte[]> snapshot = snapshot(dir);
            final byte[] original = snapshot.get(logFile);
            // Cut points: every byte of the last two batches of the last segment.
            final int from = inLastSegment.get(Math.max(0, inLastSegment.size() - 2)).position();
            final int to = lastBatch.position() + lastBatch.size();
            for (int cut = from; cut <= to; cut++)
            {
                restore(dir, snapshot);
                Files.write(logFile, java.util.Arrays.copyOf(original, cut));
                final List<Written> survivors = new ArrayList<>();
                for (final Written w : written)
                {
                    if (w.segmentBase() < lastBatch.segmentBase() || w.position() + w.size() <= cut)
                    {
                        survivors.add(w);
                    }
                }
                checkReopened(dir, survivors, TestBatches.batch(2, 1000), "cut at " + cut + " seed " + seed);
            }
        }
        finally
        {
            deleteTree(root);
        }
    }

    @Property(tries = 40)
    void shouldStopAtAFlippedByteAndServeNothingAfterIt(
        @ForAll @IntRange(min = 1, max = 40) final int batchCount,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long seed) throws IOException
    {
        final Path root = Files.createTempDirectory("recovery");
        try
        {
            final Path dir = root.resolve("p-0");
            final Random random = new Random(seed);
            final List<Written> written = writeRandomLog(dir, batchCount, random);
            final Written victim = written.get(random.nextInt(written.size()));
            // Damage a byte inside the CRC range or the length field of a batch in the last segment.
            final Written target = written.stream().filter(w -> w.segmentBase() == written.get(written.size() - 1).segmentBase())
                .filter(w -> w.base() >= victim.base()).findFirst().orElse(written.get(written.size() - 1));
            final Path logFile = dir.resolve(Segment.fileName(target.segmentBase(), Segment.LOG_SUFFIX));
            final ByteBuffer originalTarget = ByteBuffer.wrap(java.util.Arrays.copyOfRange(Files.readAllBytes(logFile),
                target.position(), target.position() + target.size()));
            final int offsetInBatch = random.nextBoolean() ? 8 + random.nextInt(4) : 21 + random.nextInt(target.size() - 21);
            try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "rw"))
            {
                final long at = target.position() + offsetInBatch;
                f.seek(at);
                final int b = f.read();
                f.seek(at);
                f.write(b ^ (1 + random.nextInt(255)));
            }
            final List<Written> survivors = written.stream().filter(w -> w.base() < target.base()).toList();
            // The probe re-appends the damaged batch's original bytes: same size, same offsets, so
            // any stale batch left behind the cut would line up and be resurrected unless recovery erased it.
            checkReopened(dir, survivors, originalTarget, "flip in batch " + target + " at +" + offsetInBatch + " seed " + seed);
        }
        finally
        {
            deleteTree(root);
        }
    }

    private static List<Written> writeRandomLog(final Path dir, final int batchCount, final Random random) throws IOException
    {
        final List<Written> written = new ArrayList<>();
        final PartitionLog log = PartitionLog.open(dir, CONFIG, 0, 0, 1000);
        for (int i = 0; i < batchCount; i++)
        {
            final ByteBuffer batch = TestBatches.batch(1 + random.nextInt(5), random.nextInt(120), 1000 + i, "p" + i);
            final int size = batch.remaining();
            final LogAppendInfo info = log.appendAsLeader(batch, random.nextInt(3) == 0 ? i : Math.max(0, i - 1), 1000 + i);
            final Segment s = log.segments().get(log.segmentCount() - 1);
            written.add(new Written(info.firstOffset(), info.lastOffset(), s.baseOffset(), s.sizeInBytes() - size, size));
        }
        log.abandon(); // as a crash leaves it: preallocated, untrimmed, no checkpoint
        return written;
    }

    private static void checkReopened(final Path dir, final List<Written> survivors, final ByteBuffer probe, final String context)
        throws IOException
    {
        final long expectedEnd = survivors.isEmpty() ? 0 : survivors.get(survivors.size() - 1).last() + 1;
        final PartitionLog log = PartitionLog.open(dir, CONFIG, 0, 0, 5000);
        try
        {
            assertThat(log.logEndOffset()).as(context).isEqualTo(expectedEnd);
            final List<long[]> read = TestBatches.readAll(log, 0);
            assertThat(read).as(context).hasSize(survivors.size());
            for (int i = 0; i < survivors.size(); i++)
            {
                assertThat(read.get(i)).as(context).containsExactly(survivors.get(i).base(), survivors.get(i).last());
            }
            assertThat(log.leaderEpochCache().entries()).as(context)
                .allSatisfy(e -> assertThat(e.startOffset()).isLessThan(Math.max(1, expectedEnd)));
            final LogAppendInfo next = log.appendAsLeader(probe, 99, 6000);
            assertThat(next.firstOffset()).as(context).isEqualTo(expectedEnd);
            assertThat(TestBatches.readAll(log, 0)).as(context).hasSize(survivors.size() + 1);
        }
        finally
        {
            log.abandon();
        }
        // Crash again right after the probe: exactly the survivors and the probe come back.
        final PartitionLog again = PartitionLog.open(dir, CONFIG, 0, 0, 7000);
        try
        {
            assertThat(TestBatches.readAll(again, 0)).as(context + ", second crash").hasSize(survivors.size() + 1);
        }
        finally
        {
            again.abandon();
        }
    }

    private static java.util.Map<Path, byte[]> snapshot(final Path dir) throws IOException
    {
        final java.util.Map<Path, byte[]> files = new java.util.HashMap<>();
        try (var list = Files.list(dir))
        {
            for (final Path f : list.toList())
            {
                files.put(f, Files.readAllBytes(f));
            }
        }
        return files;
    }

    /** Puts the directory back exactly as snapshotted, so each crash point starts from the same files. */
    private static void restore(final Path dir, final java.util.Map<Path, byte[]> snapshot) throws IOException
    {
        try (var list = Files.list(dir))
        {
            for (final Path f : list.toList())
            {
                Files.delete(f);
            }
        }
        for (final var e : snapshot.entrySet())
        {
            Files.write(e.getKey(), e.getValue());
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (var walk = Files.walk(root))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
