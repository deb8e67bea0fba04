package io.osprey.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.osprey.log.OffsetIndex;

/**
 * {@link OffsetIndex#lookup(long)} alone: the binary search over a memory-mapped offset index,
 * without the segment's header scan that {@code LogReadBenchmark.indexLookup} adds. Entries as
 * a log of 16 KiB batches of 148 records writes them (one per batch with
 * {@code index.interval.bytes} 4096): offset {@code i * 148}, position {@code i * 16,277}.
 * Sizes: 4,096 entries (32 KiB of index: a 64 MiB segment) and 65,536 entries (512 KiB: a full
 * 1 GiB segment, the default {@code segment.bytes}, at one entry per batch). Targets are drawn at random
 * across the indexed range from 4,096 precomputed offsets. Scores are nanoseconds per lookup.
 * <p>
 * Settings: 1 fork, 2 warm-up iterations of 1 s, 3 measured iterations of 1 s, one thread: two
 * benchmarks, about 12 s. The index lives in a temp file under {@code java.io.tmpdir}, deleted
 * at the end; its pages are resident after the first warm-up iteration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m"})
@State(Scope.Thread)
public class OffsetIndexBenchmark
{
    static final int RECORDS_PER_BATCH = 148;
    static final int BATCH_BYTES = 16_277;
    static final int MAX_INDEX_BYTES = 10 * 1024 * 1024;
    private static final int TARGET_COUNT = 4096;

    @Param({"4096", "65536"})
    public int entries;

    private Path dir;
    private OffsetIndex index;
    private final long[] targets = new long[TARGET_COUNT];
    private int next;

    @Setup
    public void setup() throws IOException
    {
        dir = StorageFixtures.tempDir("osprey-index-");
        final long baseOffset = 1_000_000L;
        index = new OffsetIndex(dir.resolve("00000000000001000000.index"), baseOffset, MAX_INDEX_BYTES, true);
        for (int i = 0; i < entries; i++)
        {
            index.append(baseOffset + (long)i * RECORDS_PER_BATCH, i * BATCH_BYTES);
        }
        final Random random = new Random(11);
        final long span = (long)entries * RECORDS_PER_BATCH;
        for (int i = 0; i < TARGET_COUNT; i++)
        {
            targets[i] = baseOffset + Math.floorMod(random.nextLong(), span);
        }
    }

    @TearDown
    public void close() throws IOException
    {
        index.close();
        StorageFixtures.deleteRecursively(dir);
    }

    @Benchmark
    public int lookup()
    {
        return index.lookup(targets[next++ & (TARGET_COUNT - 1)]);
    }
}
