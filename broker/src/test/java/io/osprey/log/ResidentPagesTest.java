package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * Pages written or read through a segment's mapping stop counting in the process's resident set
 * (measured in {@code /proc/self/smaps}, per mapped file), and the bytes stay intact: read back
 * through the mapping, through the file channel, and after the log is closed and reopened.
 */
class ResidentPagesTest
{
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int MIB = 1024 * 1024;
    /** The first line of each mapping in smaps: "start-end perms offset dev inode path". */
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    @TempDir
    Path dir;

    @Test
    void writtenAndReadPagesLeaveTheResidentSetAndTheBytesStay() throws IOException
    {
        assumeTrue(ResidentPages.ENABLED, "madvise through JNA is not available here");
        final LogConfig config = LogConfig.defaults().withSegmentBytes(128 * MIB);
        final PartitionLog log = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        long records = 0;
        try
        {
            // 40 MiB through the mapping: without releases all of it stays resident.
            while (log.activeSegment().sizeInBytes() < 40 * MIB)
            {
                final ByteBuffer batch = TestBatches.batch(100, 1000, NOW_MS, "r" + records);
                log.appendAsLeader(batch, 0, NOW_MS);
                records += 100;
            }
            final Path first = log.activeSegment().logPath();
            // Left resident: the kept tail, at most one release step not yet released, and the
            // pretoucher's window ahead of the writer.
            final long bound = Segment.RELEASE_KEEP_BYTES + Segment.RELEASE_STEP_BYTES + Pretoucher.WINDOW_BYTES + MIB;
            await().atMost(Duration.ofSeconds(10)).until(() -> residentBytes(first) < bound);

            // Reading everything maps the pages in again; the next pass releases them.
            assertIntact(log, records);
            assertThat(residentBytes(first)).isGreaterThan(bound);
            await().atMost(Duration.ofSeconds(10)).until(() -> residentBytes(first) < bound);

            // No appends for a while: idle, and the pretouched pages ahead go too.
            await().atMost(Duration.ofSeconds(15)).until(() -> residentBytes(first) < MIB);

            // A sealed segment is released whole, and again after readers went through it.
            log.roll(0, NOW_MS);
            await().atMost(Duration.ofSeconds(10)).until(() -> residentBytes(first) < MIB);
            assertIntact(log, records);
            await().atMost(Duration.ofSeconds(10)).until(() -> residentBytes(first) < MIB);
            assertThat(batchesReadWithChannel(first)).isEqualTo(batchesIn(log, first));
        }
        finally
        {
            log.close();
        }
        final PartitionLog reopened = PartitionLog.open(dir, config, 0, 0, NOW_MS);
        try
        {
            assertThat(reopened.logEndOffset()).isEqualTo(records);
            assertIntact(reopened, records);
        }
        finally
        {
            reopened.close();
        }
    }

    /** Every batch from 0 is there, in order, with a valid CRC (which covers every record byte). */
    private static void assertIntact(final PartitionLog log, final long records)
    {
        long next = 0;
        for (final long[] batch : TestBatches.readAll(log, 0))
        {
            assertThat(batch[0]).isEqualTo(next);
            next = batch[1] + 1;
        }
        assertThat(next).isEqualTo(records);
    }

    private static int batchesIn(final PartitionLog log, final Path file)
    {
        final List<Segment> segments = log.segments();
        for (final Segment s : segments)
        {
            if (s.logPath().equals(file))
            {
                return (int)((s.nextOffset() - s.baseOffset()) / 100);
            }
        }
        throw new AssertionError("no segment " + file);
    }

    /** Reads the file with ordinary reads (not the mapping) and counts its batches, each CRC checked. */
    private static int batchesReadWithChannel(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer all = ByteBuffer.allocate((int)channel.size());
            while (all.hasRemaining() && channel.read(all) >= 0)
            {
                // read it all
            }
            all.flip();
            return TestBatches.batchesIn(all).size();
        }
    }

    /** The Rss of this process's mappings of {@code file}, from /proc/self/smaps. */
    private static long residentBytes(final Path file) throws IOException
    {
        final String name = file.toAbsolutePath().toString();
        long kb = 0;
        boolean inFile = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            if (MAPPING.matcher(line).lookingAt())
            {
                inFile = line.endsWith(" " + name);
            }
            else if (inFile && line.startsWith("Rss:"))
            {
                kb += Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        return kb * 1024;
    }
}
