package io.osprey.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.osprey.record.Compression;
import io.osprey.record.Record;
import io.osprey.record.RecordBatchBuilder;
import io.osprey.record.RecordBatchReader;

/**
 * Building and reading one RecordBatch v2 of {@value #RECORDS} records with 100-byte values and
 * no key, uncompressed and lz4, with the reusable {@link RecordBatchBuilder} and
 * {@link RecordBatchReader} that the producer, the broker's validation and the consumer use:
 * <ul>
 *   <li>{@code build}: {@code reset}, {@value #RECORDS} {@code append}s, {@code build()} (which
 *       compresses and writes the CRC-32C);</li>
 *   <li>{@code read}: {@code wrap} (which decompresses) and every record parsed, its offset,
 *       timestamp, value size and first value byte read.</li>
 * </ul>
 * Values are random upper-case letters, as Kafka's ProducerPerformance sends, so lz4 has
 * something to compress (about 1.6:1). Scores are nanoseconds per record (the op is one batch,
 * {@code @OperationsPerInvocation(128)}).
 * <p>
 * Settings: 1 fork, 2 warm-up iterations of 1 s, 3 measured iterations of 1 s, one thread: four
 * benchmarks, about 25 s in all on a 2-core machine. The work is in-memory and CPU-bound, so
 * short iterations settle quickly; one fork leaves the second core to the system.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@State(Scope.Thread)
public class RecordBatchBenchmark
{
    static final int RECORDS = 128;
    static final int VALUE_BYTES = 100;
    static final int BATCH_BYTES = 16 * 1024;
    static final long TIMESTAMP = 1_700_000_000_000L;

    @Param({"none", "lz4"})
    public String compression;

    private Compression codec;
    private byte[][] values;
    private RecordBatchBuilder builder;
    private RecordBatchReader reader;
    private ByteBuffer batch;

    @Setup
    public void setup()
    {
        codec = Compression.forName(compression);
        values = new byte[RECORDS][];
        for (int i = 0; i < RECORDS; i++)
        {
            values[i] = ProducerPerf.payload(VALUE_BYTES);
            values[i][0] = (byte)('A' + i % 26);
        }
        builder = new RecordBatchBuilder(BATCH_BYTES);
        reader = new RecordBatchReader();
        final ByteBuffer built = build();
        batch = ByteBuffer.allocate(built.remaining()).put(built).flip();
        reader.wrap(batch, 0);
        if (reader.batch().recordCount() != RECORDS)
        {
            throw new IllegalStateException("expected " + RECORDS + " records in one batch: " + reader.batch());
        }
    }

    @TearDown
    public void close()
    {
        builder.close();
        reader.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public ByteBuffer build()
    {
        builder.reset(codec, 0, TIMESTAMP);
        for (int i = 0; i < RECORDS; i++)
        {
            if (!builder.append(TIMESTAMP + i, null, values[i]))
            {
                throw new IllegalStateException("batch full at record " + i);
            }
        }
        return builder.build();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long read()
    {
        reader.wrap(batch, 0);
        long sum = 0;
        while (reader.hasNext())
        {
            final Record r = reader.next();
            sum += r.offset() + r.timestamp() + r.valueSize() + r.buffer().get(r.valuePosition());
        }
        return sum;
    }
}
