package io.osprey.benchmarks;

import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/**
 * CRC-32C of a whole RecordBatch ({@code attributes..end}), as the broker checks it on every
 * produced batch and the builder writes it: {@link RecordBatch#computeChecksum()} on a reused
 * view, over a batch on the heap (as decoded from a request) and the same bytes in a direct
 * buffer (as in a mapped segment). Batches of 100-byte records, about 1 KiB, 16 KiB
 * (batch.size's default) and 1 MiB. Scores are nanoseconds per batch; bytes/s is
 * {@code bytes / score}.
 * <p>
 * Settings: 1 fork, 2 warm-up iterations of 1 s, 3 measured iterations of 1 s, one thread:
 * six benchmarks, about 35 s. {@code java.util.zip.CRC32C} is a JIT intrinsic (SSE4.2
 * {@code crc32}), so the figure is the hardware's, plus the view's bookkeeping.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@State(Scope.Thread)
public class Crc32cBenchmark
{
    @Param({"1024", "16384", "1048576"})
    public int bytes;

    private final RecordBatch heap = new RecordBatch();
    private final RecordBatch direct = new RecordBatch();

    @Setup
    public void setup()
    {
        final byte[] value = ProducerPerf.payload(100);
        try (RecordBatchBuilder builder = new RecordBatchBuilder(bytes))
        {
            builder.reset(Compression.NONE, 0, 0);
            while (builder.append(0, null, value))
            {
                // fill the batch up to its size limit
            }
            final ByteBuffer built = builder.build();
            final ByteBuffer onHeap = ByteBuffer.allocate(built.remaining()).put(built.duplicate()).flip();
            final ByteBuffer offHeap = ByteBuffer.allocateDirect(built.remaining()).put(built.duplicate()).flip();
            heap.wrap(onHeap, 0);
            direct.wrap(offHeap, 0);
        }
        if (!heap.isChecksumValid() || !direct.isChecksumValid())
        {
            throw new IllegalStateException("bad checksum in fixture " + heap);
        }
    }

    @Benchmark
    public long heapBatch()
    {
        return heap.computeChecksum();
    }

    @Benchmark
    public long directBatch()
    {
        return direct.computeChecksum();
    }
}
