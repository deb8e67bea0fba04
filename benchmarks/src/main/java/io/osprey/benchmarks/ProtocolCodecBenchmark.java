package io.osprey.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.Records;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.FetchResponse;
import io.osprey.protocol.message.ProduceRequest;

/**
 * The broker's two busiest codecs, at the newest versions Osprey serves (Produce v12, Fetch
 * v12, both flexible), for a request or response carrying {@code partitions} partitions of one
 * topic, each with one 16 KiB batch:
 * <ul>
 *   <li>{@code produceRequestRead}: a whole request frame decoded as the broker's request
 *       router does, header v2 ({@link RequestHeader#read}, tagged fields) then
 *       {@link ProduceRequest#read}; the batches stay slices of the frame;</li>
 *   <li>{@code fetchResponseWrite}: a prepared {@link FetchResponse} encoded as the broker's
 *       {@code RequestContext.encode} does, into a new {@link ProtocolWriter} with response
 *       header v1, down to its parts; the records are file regions (not copied: the network
 *       layer sends them with sendfile), stood in for by a {@link Records} of the same size.</li>
 * </ul>
 * Scores are nanoseconds per request or response.
 * <p>
 * Settings: 1 fork, 2 warm-up iterations of 1 s, 3 measured iterations of 1 s, one thread: four
 * benchmarks, about 22 s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@State(Scope.Thread)
public class ProtocolCodecBenchmark
{
    static final String TOPIC = "bench-topic";

    @Param({"1", "8"})
    public int partitions;

    private final short produceVersion = ApiKey.PRODUCE.latest;
    private final short fetchVersion = ApiKey.FETCH.latest;
    private ByteBuffer produceFrame;
    private FetchResponse fetchResponse;

    /** A batch left in a file: only its size is known to the codec, as with the broker's FileRecords. */
    private record FileRegionStandIn(int sizeInBytes) implements Records
    {
    }

    @Setup
    public void setup()
    {
        final StorageFixtures fixtures = StorageFixtures.build();
        final List<ProduceRequest.PartitionData> produced = new ArrayList<>();
        final List<FetchResponse.PartitionData> fetched = new ArrayList<>();
        for (int p = 0; p < partitions; p++)
        {
            produced.add(new ProduceRequest.PartitionData(p, new MemoryRecords(fixtures.batch.duplicate())));
            fetched.add(new FetchResponse.PartitionData(p, (short)0, 1_000_000L, 1_000_000L, 0L, null, null, null, null, -1,
                new FileRegionStandIn(fixtures.batchBytes())));
        }
        final ProduceRequest request = new ProduceRequest(null, (short)-1, 30_000,
            List.of(new ProduceRequest.TopicData(TOPIC, produced)));
        final ProtocolWriter w = new ProtocolWriter();
        new RequestHeader(ApiKey.PRODUCE.id, produceVersion, 42, "bench-client").write(w, ApiKey.PRODUCE.requestHeaderVersion(produceVersion));
        w.flexible(ApiKey.PRODUCE.isFlexible(produceVersion));
        request.write(w, produceVersion);
        produceFrame = w.toByteBuffer();
        fetchResponse = new FetchResponse(0, (short)0, 0, List.of(new FetchResponse.TopicResponse(TOPIC, fetched)));
        final ProduceRequest decoded = produceRequestRead();
        if (decoded.topicData().get(0).partitionData().size() != partitions)
        {
            throw new IllegalStateException("fixture does not decode: " + decoded);
        }
    }

    @Benchmark
    public ProduceRequest produceRequestRead()
    {
        final ByteBuffer frame = produceFrame.duplicate();
        final RequestHeader header = RequestHeader.read(new ProtocolReader(frame, false));
        final ApiKey api = ApiKey.forId(header.apiKey());
        if (api.requestHeaderVersion(header.apiVersion()) >= 2)
        {
            RequestHeader.readTaggedFields(new ProtocolReader(frame, true));
        }
        return ProduceRequest.read(new ProtocolReader(frame, api.isFlexible(header.apiVersion())), header.apiVersion());
    }

    @Benchmark
    public List<Object> fetchResponseWrite()
    {
        final ProtocolWriter w = new ProtocolWriter(256);
        ResponseHeader.write(w, 42, ApiKey.FETCH.responseHeaderVersion(fetchVersion));
        w.flexible(ApiKey.FETCH.isFlexible(fetchVersion));
        fetchResponse.write(w, fetchVersion);
        return w.parts();
    }
}
