package io.osprey.producer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.osprey.client.ClientClock;
import io.osprey.client.MetadataSnapshot;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.record.Compression;
import io.osprey.record.Header;

/**
 * The producer's {@link RecordAccumulator}: {@value #APPENDS} appends of a 100-byte, keyless
 * record (what {@code send()} does after serializing and choosing a partition), then, as the
 * sender would, {@code ready} and {@code drain} until no batch waits (each drained batch is
 * sealed and built) and {@code complete} for each (futures and the pool's memory released).
 * With {@code partitions} 1 every record goes to one partition; with 8 they go round-robin,
 * so eight batches fill at once (the worst case for the per-deque locks and the drain).
 * Default settings: {@code batch.size} 16 KiB, {@code linger.ms} 0 (every batch is ready when
 * drained), no compression, 32 MiB of buffer memory. Scores are nanoseconds per record.
 * <p>
 * The class sits in {@code io.osprey.producer}, in the benchmarks module, because the
 * accumulator is package-private: the benchmark reaches it without widening the client's API.
 * <p>
 * Settings: 1 fork, 5 warm-up iterations of 1 s, 5 measured iterations of 1 s, one thread: two
 * benchmarks, about 25 s. The append path warms up more slowly than the other suites (the
 * score still fell through the fourth second in trial runs), hence the longer warm-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@State(Scope.Thread)
public class RecordAccumulatorBenchmark
{
    static final int APPENDS = 1024;
    static final int BATCH_SIZE = 16 * 1024;
    static final long BUFFER_MEMORY = 32L * 1024 * 1024;
    static final int MAX_REQUEST_SIZE = 1024 * 1024;
    static final String TOPIC = "bench";
    private static final Header[] NO_HEADERS = new Header[0];

    @Param({"1", "8"})
    public int partitions;

    private RecordAccumulator accumulator;
    private MetadataSnapshot snapshot;
    private TopicPartition[] topicPartitions;
    private final byte[] value = new byte[100];
    private final Set<Integer> readyNodes = new HashSet<>();
    private final Set<String> unknownLeaders = new HashSet<>();
    private long count;

    @Setup
    public void setup()
    {
        accumulator = new RecordAccumulator(BATCH_SIZE, Compression.NONE, 0, 120_000, new BufferPool(BUFFER_MEMORY, BATCH_SIZE),
            ClientClock.SYSTEM);
        topicPartitions = new TopicPartition[partitions];
        final List<MetadataResponse.Partition> list = new ArrayList<>();
        for (int p = 0; p < partitions; p++)
        {
            topicPartitions[p] = new TopicPartition(TOPIC, p);
            list.add(new MetadataResponse.Partition((short)0, p, 1, 0, List.of(1), List.of(1), List.of()));
        }
        final MetadataResponse response = new MetadataResponse(0, List.of(new MetadataResponse.Broker(1, "127.0.0.1", 9092, null)),
            "bench-cluster", 1, List.of(new MetadataResponse.Topic((short)0, TOPIC, UUID.randomUUID(), false, list,
                MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED)), MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
        snapshot = MetadataSnapshot.from(response, MetadataSnapshot.EMPTY);
    }

    @Benchmark
    @OperationsPerInvocation(APPENDS)
    public long appendAndDrain() throws InterruptedException
    {
        final long nowMs = ClientClock.SYSTEM.nowMs();
        for (int i = 0; i < APPENDS; i++)
        {
            accumulator.append(topicPartitions[i % partitions], nowMs, null, value, NO_HEADERS, null, 0, null, snapshot);
        }
        long built = 0;
        while (accumulator.hasUndrained())
        {
            // Read after the appends: a batch created during them is ready at its createdMs + linger.ms (0).
            final long drainMs = ClientClock.SYSTEM.nowMs();
            readyNodes.clear();
            unknownLeaders.clear();
            accumulator.ready(snapshot, drainMs, DrainGate.OPEN, readyNodes, unknownLeaders);
            final Map<Integer, List<ProducerBatch>> drained = accumulator.drain(snapshot, readyNodes, MAX_REQUEST_SIZE, drainMs,
                DrainGate.OPEN);
            if (drained.isEmpty())
            {
                throw new IllegalStateException("batches wait but none was drained: ready nodes " + readyNodes);
            }
            for (final Map.Entry<Integer, List<ProducerBatch>> e : drained.entrySet())
            {
                for (final ProducerBatch batch : e.getValue())
                {
                    built += batch.records().remaining();
                    accumulator.complete(batch, count, -1, null);
                    count += batch.recordCount();
                }
            }
        }
        return built;
    }
}
