package io.osprey.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.osprey.log.LogConfig;
import io.osprey.log.LogSlice;
import io.osprey.log.PartitionLog;
import io.osprey.log.Segment;

/**
 * Read side of {@link PartitionLog} over a prefilled 64 MiB log of 16 KiB batches (100-byte
 * records), at offsets drawn at random across the whole log:
 * <ul>
 *   <li>{@code readAndConsume}: {@code read(offset, 1 MiB, Long.MAX_VALUE, true)}, then every
 *       byte of the slice read through {@link LogSlice#asByteBuffer()} (summed as longs);</li>
 *   <li>{@code readSlice}: the read alone, which is what a zero-copy (sendfile) fetch costs the
 *       broker before the kernel moves the bytes;</li>
 *   <li>{@code indexLookup}: {@link Segment#findPosition(long)}, the offset index's binary
 *       search plus the short header scan from the entry found, on a segment with one index
 *       entry per batch (4,000+ entries).</li>
 * </ul>
 * {@code readAndConsume} also reports {@code bytes}: bytes/s read out of the slices.
 * <p>
 * Settings: 1 fork, 2 warm-up iterations of 2 s, 3 measured iterations of 3 s, one thread, so
 * the class runs in under a minute on the 2-core machines (one core for the benchmark, one for
 * the system and the other builds sharing the machine).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx1g"})
public class LogReadBenchmark
{
    static final int LOG_BYTES = 64 * 1024 * 1024;
    /** One segment holds the whole prefilled log. */
    static final int SEGMENT_BYTES = 128 * 1024 * 1024;
    static final int MAX_READ_BYTES = 1024 * 1024;
    private static final int OFFSET_COUNT = 4096;

    /** Bytes returned by reads, reported by JMH as a rate next to ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ReadRates
    {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset()
        {
            bytes = 0;
        }
    }

    @State(Scope.Thread)
    public static class ReadState
    {
        Path dir;
        PartitionLog log;
        Segment segment;
        final long[] offsets = new long[OFFSET_COUNT];
        int next;

        @Setup(Level.Trial)
        public void prefill() throws IOException
        {
            final StorageFixtures fixtures = StorageFixtures.build();
            dir = StorageFixtures.tempDir("osprey-read-");
            final LogConfig config = LogConfig.defaults().withSegmentBytes(SEGMENT_BYTES);
            log = PartitionLog.open(dir.resolve("bench-0"), config, 0, 0, System.currentTimeMillis());
            final int batches = LOG_BYTES / fixtures.batchBytes();
            for (int i = 0; i < batches; i++)
            {
                log.appendAsLeader(fixtures.batch.duplicate(), 0, System.currentTimeMillis());
            }
            if (log.segmentCount() != 1)
            {
                throw new IllegalStateException("expected one segment: " + log);
            }
            segment = log.segments().get(0);
            final long end = log.logEndOffset();
            final Random random = new Random(7);
            for (int i = 0; i < OFFSET_COUNT; i++)
            {
                offsets[i] = Math.floorMod(random.nextLong(), end);
            }
        }

        long nextOffset()
        {
            return offsets[next++ & (OFFSET_COUNT - 1)];
        }

        @TearDown(Level.Trial)
        public void close() throws IOException
        {
            log.abandon();
            StorageFixtures.deleteRecursively(dir);
        }
    }

    @Benchmark
    public long readAndConsume(final ReadState s, final ReadRates rates)
    {
        final LogSlice slice = s.log.read(s.nextOffset(), MAX_READ_BYTES, Long.MAX_VALUE, true);
        final ByteBuffer bytes = slice.asByteBuffer();
        final int longs = bytes.remaining() & ~7;
        long sum = 0;
        for (int i = 0; i < longs; i += 8)
        {
            sum += bytes.getLong(i);
        }
        for (int i = longs; i < bytes.remaining(); i++)
        {
            sum += bytes.get(i);
        }
        rates.bytes += slice.length();
        return sum;
    }

    @Benchmark
    public LogSlice readSlice(final ReadState s)
    {
        return s.log.read(s.nextOffset(), MAX_READ_BYTES, Long.MAX_VALUE, true);
    }

    @Benchmark
    public int indexLookup(final ReadState s)
    {
        return s.segment.findPosition(s.nextOffset());
    }
}
