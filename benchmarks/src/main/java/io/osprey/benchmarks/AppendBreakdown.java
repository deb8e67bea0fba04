package io.osprey.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import org.agrona.IoUtil;

import io.osprey.log.LogConfig;
import io.osprey.log.PartitionLog;
import io.osprey.record.RecordBatch;

/**
 * Where the time of a {@link PartitionLog} append goes, per 16 KiB batch of 100-byte records,
 * using only the log's public API: a timed steady-state run that separates rolls and retention
 * from the other appends, appends into a segment whose pages are already resident (a log
 * truncated back to its start), and the raw costs of the CRC and of copying into resident and
 * into fresh file pages. A diagnostic next to {@link LogAppendBenchmark}, not a JMH suite:
 * single runs, so expect the same noise.
 * <p>
 * Usage: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * io.osprey.benchmarks.AppendBreakdown [seconds]} (about 25 s with the default 6 s).
 */
public final class AppendBreakdown
{
    private static final int STEADY_SEGMENT_BYTES = LogAppendBenchmark.SEGMENT_BYTES;
    private static final int RESIDENT_SEGMENT_BYTES = 256 * 1024 * 1024;
    private static final int RETENTION_CHECK_MASK = 2048 - 1;
    private static final int PAGE_BYTES = 4096;
    private static final double MIB = 1024.0 * 1024.0;

    private final StorageFixtures fixtures = StorageFixtures.build();
    private final int batchBytes = fixtures.batchBytes();
    private final Path dir;

    private AppendBreakdown(final Path dir)
    {
        this.dir = dir;
    }

    public static void main(final String[] args) throws IOException
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 6;
        final Path dir = StorageFixtures.tempDir("osprey-breakdown-");
        try
        {
            final AppendBreakdown b = new AppendBreakdown(dir);
            System.out.printf(Locale.ROOT, "batch: %d bytes, %d records of %d bytes%n%n",
                b.batchBytes, b.fixtures.recordCount(), StorageFixtures.VALUE_BYTES);
            b.steadyState(seconds);
            b.residentAppends();
            b.components();
        }
        finally
        {
            StorageFixtures.deleteRecursively(dir);
        }
    }

    /** Appends as the benchmark does, but with retention on the writer thread as in the broker. */
    private void steadyState(final double seconds) throws IOException
    {
        final LogConfig config = LogConfig.defaults()
            .withSegmentBytes(STEADY_SEGMENT_BYTES)
            .withRetention(-1, STEADY_SEGMENT_BYTES)
            .withFileDeleteDelayMs(0);
        final PartitionLog log = PartitionLog.open(dir.resolve("steady-0"), config, 0, 0, System.currentTimeMillis());
        try
        {
            steadyRun(log, 3, null);
            final double[] out = new double[7];
            steadyRun(log, seconds, out);
            final double totalNs = out[0];
            final double appends = out[1];
            final double plainNs = out[2];
            final double rolls = out[3];
            final double rollNs = out[4];
            final double deletes = out[5];
            final double deleteNs = out[6];
            final double totalAppends = appends + rolls;
            System.out.printf(Locale.ROOT, "steady state (segment.bytes %d MiB, retention on the writer thread), %.0f s:%n",
                STEADY_SEGMENT_BYTES >> 20, totalNs / 1e9);
            System.out.printf(Locale.ROOT, "  overall                               %8.0f MiB/s  %7.2f us per batch%n",
                totalAppends * batchBytes / (totalNs / 1e9) / MIB, totalNs / 1e3 / totalAppends);
            System.out.printf(Locale.ROOT, "  appends that did not roll             %8.0f MiB/s  %7.2f us per batch%n",
                appends * batchBytes / (plainNs / 1e9) / MIB, plainNs / 1e3 / appends);
            System.out.printf(Locale.ROOT, "  rolls (seal: msync + trim; create)    %5.0f x %6.1f ms  %7.2f us per batch amortised%n",
                rolls, rolls == 0 ? 0 : rollNs / 1e6 / rolls, rollNs / 1e3 / totalAppends);
            System.out.printf(Locale.ROOT, "  retention deletes (unmap + unlink)    %5.0f x %6.1f ms  %7.2f us per batch amortised%n%n",
                deletes, deletes == 0 ? 0 : deleteNs / 1e6 / deletes, deleteNs / 1e3 / totalAppends);
        }
        finally
        {
            log.abandon();
        }
    }

    private void steadyRun(final PartitionLog log, final double seconds, final double[] out)
    {
        final ByteBuffer batch = fixtures.batch;
        long appends = 0;
        long plainNs = 0;
        long rolls = 0;
        long rollNs = 0;
        long deletes = 0;
        long deleteNs = 0;
        final long start = System.nanoTime();
        final long end = start + (long)(seconds * 1e9);
        long now = start;
        while (now < end)
        {
            final int segmentsBefore = log.segmentCount();
            log.appendAsLeader(batch.duplicate(), 0, System.currentTimeMillis());
            final long after = System.nanoTime();
            if (log.segmentCount() != segmentsBefore)
            {
                rolls++;
                rollNs += after - now;
            }
            else
            {
                appends++;
                plainNs += after - now;
            }
            now = after;
            if (((appends + rolls) & RETENTION_CHECK_MASK) == 0)
            {
                deletes += log.deleteRetainedSegments(System.currentTimeMillis());
                final long afterDelete = System.nanoTime();
                deleteNs += afterDelete - now;
                now = afterDelete;
            }
        }
        if (out != null)
        {
            out[0] = now - start;
            out[1] = appends;
            out[2] = plainNs;
            out[3] = rolls;
            out[4] = rollNs;
            out[5] = deletes;
            out[6] = deleteNs;
        }
    }

    /**
     * Appends into a segment whose pages are all resident and dirty already: fill it, truncate
     * the log back to its first batch (which zeroes the bytes through the mapping, keeping the
     * pages), append again. No page faults, no rolls: validation, copy and bookkeeping only.
     */
    private void residentAppends() throws IOException
    {
        final LogConfig config = LogConfig.defaults().withSegmentBytes(RESIDENT_SEGMENT_BYTES);
        final PartitionLog log = PartitionLog.open(dir.resolve("resident-0"), config, 0, 0, System.currentTimeMillis());
        final int batches = RESIDENT_SEGMENT_BYTES / batchBytes - 1;
        try
        {
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 6; round++)
            {
                log.truncateTo(1);
                final long start = System.nanoTime();
                for (int i = 0; i < batches; i++)
                {
                    log.appendAsLeader(fixtures.batch.duplicate(), 0, System.currentTimeMillis());
                }
                final long ns = System.nanoTime() - start;
                if (round > 0)
                {
                    best = Math.min(best, ns / 1e3 / batches);
                }
                if (log.segmentCount() != 1)
                {
                    throw new IllegalStateException("the resident run rolled: " + log);
                }
            }
            System.out.printf(Locale.ROOT, "appends into resident pages (no faults, no rolls), best of 5:%n");
            System.out.printf(Locale.ROOT, "  appendAsLeader                        %8.0f MiB/s  %7.2f us per batch%n%n",
                batchBytes / (best / 1e6) / MIB, best);
        }
        finally
        {
            log.abandon();
        }
    }

    /** The pieces: CRC-32C of the batch, and the bare copy into resident and into fresh pages. */
    private void components() throws IOException
    {
        final ByteBuffer batch = fixtures.batch;
        final RecordBatch view = new RecordBatch(batch, 0);
        double crcUs = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < 5; round++)
        {
            final int n = 100_000;
            final long start = System.nanoTime();
            for (int i = 0; i < n; i++)
            {
                sink += view.computeChecksum();
            }
            crcUs = Math.min(crcUs, (System.nanoTime() - start) / 1e3 / n);
        }

        final Path residentFile = dir.resolve("resident.dat");
        final MappedByteBuffer resident = map(residentFile, RESIDENT_SEGMENT_BYTES);
        for (int i = 0; i < RESIDENT_SEGMENT_BYTES; i += PAGE_BYTES)
        {
            resident.put(i, (byte)0);
        }
        double residentUs = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++)
        {
            residentUs = Math.min(residentUs, copyAll(resident));
        }

        IoUtil.unmap(resident);
        Files.delete(residentFile);

        // New file, copy, unmap and delete, as segments come and go: freed pages get reused.
        double freshUs = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++)
        {
            final Path f = dir.resolve("fresh-" + round + ".dat");
            final MappedByteBuffer fresh = map(f, RESIDENT_SEGMENT_BYTES);
            final double us = copyAll(fresh);
            if (round > 0)
            {
                freshUs = Math.min(freshUs, us);
            }
            IoUtil.unmap(fresh);
            Files.delete(f);
        }

        System.out.printf(Locale.ROOT, "components, best of several passes over %d MiB:%n", RESIDENT_SEGMENT_BYTES >> 20);
        System.out.printf(Locale.ROOT, "  CRC-32C of the batch                                  %7.2f us per batch%n", crcUs);
        System.out.printf(Locale.ROOT, "  copy into resident mapped pages       %8.0f MiB/s  %7.2f us per batch%n",
            batchBytes / (residentUs / 1e6) / MIB, residentUs);
        System.out.printf(Locale.ROOT, "  copy into new pages of a sparse file  %8.0f MiB/s  %7.2f us per batch%n",
            batchBytes / (freshUs / 1e6) / MIB, freshUs);
        System.out.printf(Locale.ROOT, "(checksum sink %d)%n", sink & 1);
    }

    /** Copies the batch over the whole mapping once; microseconds per batch. */
    private double copyAll(final MappedByteBuffer map)
    {
        final ByteBuffer batch = fixtures.batch;
        final int n = map.capacity() / batchBytes;
        final long start = System.nanoTime();
        for (int i = 0, p = 0; i < n; i++, p += batchBytes)
        {
            map.put(p, batch, 0, batchBytes);
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }

    private static MappedByteBuffer map(final Path file, final int bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        }
    }
}
