package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/**
 * Throws random and mutated request frames at a live broker over many connections for a bounded
 * time, then checks that Kafka's own producer and consumer still work against it, that the topics
 * written before the fuzzing read back unchanged, that whatever the fuzzing managed to append
 * reads back cleanly, and that the broker logged no error pointing at a handler bug.
 * <p>
 * System properties: {@code osprey.fuzz.millis} (fuzzing time, default 12000),
 * {@code osprey.fuzz.seed} (default: random, printed), {@code osprey.fuzz.connections}
 * (concurrent fuzzing connections, default 4), {@code osprey.fuzz.checkDeep} (also require the
 * topic of CRC-fixed mutated batches to read back cleanly; default false, see {@link #CHECK_DEEP}).
 * Each worker's frames follow from the seed; their interleaving at the broker does not.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest
{
    private static final long FUZZ_MILLIS = Long.getLong("osprey.fuzz.millis", 12_000);
    private static final int WORKERS = Integer.getInteger("osprey.fuzz.connections", 4);
    private static final int SOCKET_REQUEST_MAX_BYTES = 1 << 20;
    private static final String STABLE = "stable";
    private static final String FUZZ = "fuzz";
    /** Target of produces whose batches were mutated and then given a valid CRC (and often a fitting length). */
    private static final String DEEP = "fuzz-deep";
    /**
     * Whether {@link #DEEP} must read back cleanly afterwards. Off until the broker validates what
     * is inside a batch as Kafka does (see the disabled record-structure cases in BadInputTest):
     * today a CRC-valid batch with a malformed record or compressed payload is appended and then
     * cannot be consumed.
     */
    private static final boolean CHECK_DEEP = Boolean.parseBoolean(System.getProperty("osprey.fuzz.checkDeep", "true"));
    private static final short[] PRODUCE_VERSIONS = {3, 8, 9, 12};
    private static final int STABLE_RECORDS = 100;
    /** APIs whose mutated bodies could delete or reshape existing topics: never sent. */
    private static final List<Short> NEVER_SENT = List.of((short)20, (short)37, (short)44);
    private static final int[] INTERESTING_INTS = {0, 1, -1, 2, 127, 128, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        Integer.MAX_VALUE, Integer.MIN_VALUE, SOCKET_REQUEST_MAX_BYTES, SOCKET_REQUEST_MAX_BYTES + 1, -2};

    private TestBroker broker;
    private Admin admin;
    private ErrorLogCapture errors;
    private final List<byte[]> templates = new ArrayList<>();
    private final List<byte[]> deepBatches = new ArrayList<>();
    private final Map<String, String> stableValues = new HashMap<>();

    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong closedByBroker = new AtomicLong();
    private final AtomicLong responseBytes = new AtomicLong();
    private final AtomicLong skippedHazards = new AtomicLong();
    private final List<String> canaryFailures = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        errors = new ErrorLogCapture();
        // Per-connection WARN/INFO/DEBUG lines would flood the report; ERRORs still reach the capture.
        errors.quieten("io.osprey.server", Level.ERROR);
        errors.quieten("io.osprey.log", Level.WARN);
        errors.quieten("io.osprey.network", Level.WARN);
        errors.quieten("io.netty", Level.INFO);
        errors.quieten("org.apache.kafka", Level.INFO);
        broker = new TestBroker(tmp.resolve("node"), Map.of("socket.request.max.bytes", String.valueOf(SOCKET_REQUEST_MAX_BYTES)));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic(STABLE, 2, (short)1), new NewTopic(FUZZ, 1, (short)1),
            new NewTopic(DEEP, 1, (short)1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
            KafkaClientCompatibilityTest.producerProps(broker.bootstrap())))
        {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < STABLE_RECORDS; i++)
            {
                stableValues.put("key-" + i, "stable-" + i);
                sent.add(producer.send(new ProducerRecord<>(STABLE, "key-" + i, "stable-" + i)));
            }
            for (final Future<RecordMetadata> f : sent)
            {
                f.get();
            }
        }
        buildTemplates();
    }

    @AfterAll
    void stop()
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null)
        {
            broker.close();
        }
        if (errors != null)
        {
            errors.close();
        }
    }

    private void buildTemplates() throws IOException
    {
        final long pid;
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            final InitProducerIdResponse init = c.request(ApiKey.INIT_PRODUCER_ID, (short)4,
                new InitProducerIdRequest(null, 60_000, -1, (short)-1), InitProducerIdResponse::read);
            pid = init.producerId();
        }
        final MetadataRequest metadataOne = new MetadataRequest(
            List.of(new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, FUZZ)), false, false, false);
        final FetchRequest fetch = new FetchRequest(null, -1, 50, 1, 1 << 20, (byte)0, 0, -1, List.of(new FetchRequest.FetchTopic(
            FUZZ, List.of(new FetchRequest.FetchPartition(0, -1, 0, -1, -1, 1 << 20)))), List.of(), "");
        final ListOffsetsRequest listOffsets = new ListOffsetsRequest(-1, (byte)0, List.of(new ListOffsetsRequest.Topic(FUZZ,
            List.of(new ListOffsetsRequest.Partition(0, -1, -1L), new ListOffsetsRequest.Partition(0, -1, -2L)))));
        final CreateTopicsRequest createTopics = new CreateTopicsRequest(List.of(new CreateTopicsRequest.CreatableTopic(
            "fuzz-created", 1, (short)1, List.of(), List.of())), 5_000, true);
        int id = 1;
        add(ApiKey.API_VERSIONS, 3, id++, new ApiVersionsRequest("fuzz", "1"));
        add(ApiKey.API_VERSIONS, 0, id++, new ApiVersionsRequest("", ""));
        add(ApiKey.METADATA, 12, id++, metadataOne);
        add(ApiKey.METADATA, 4, id++, metadataOne);
        add(ApiKey.METADATA, 1, id++, new MetadataRequest(null, false, false, false));
        add(ApiKey.PRODUCE, 8, id++, RawKafkaConnection.produce(FUZZ, 0, (short)-1, RawKafkaConnection.batch(5, "fz-")));
        add(ApiKey.PRODUCE, 9, id++, RawKafkaConnection.produce(FUZZ, 0, (short)1, RawKafkaConnection.batch(2, "fz-")));
        add(ApiKey.PRODUCE, 12, id++, RawKafkaConnection.produce(FUZZ, 0, (short)-1, RawKafkaConnection.batch(3, "fz-")));
        add(ApiKey.PRODUCE, 8, id++, RawKafkaConnection.produce(FUZZ, 0, (short)-1,
            RawKafkaConnection.batch(pid, (short)0, 0, 3, "fzi-", 0)));
        add(ApiKey.FETCH, 12, id++, fetch);
        add(ApiKey.FETCH, 4, id++, fetch);
        add(ApiKey.LIST_OFFSETS, 7, id++, listOffsets);
        add(ApiKey.LIST_OFFSETS, 1, id++, listOffsets);
        add(ApiKey.CREATE_TOPICS, 7, id++, createTopics);
        add(ApiKey.CREATE_TOPICS, 2, id++, createTopics);
        add(ApiKey.INIT_PRODUCER_ID, 4, id, new InitProducerIdRequest(null, 60_000, -1, (short)-1));

        deepBatches.add(bytes(RawKafkaConnection.batch(5, "deep-")));
        deepBatches.add(bytes(RawKafkaConnection.batch(pid, (short)0, 1_000, 3, "deepi-", 0)));
        for (final Compression codec : List.of(Compression.GZIP, Compression.LZ4, Compression.ZSTD))
        {
            deepBatches.add(bytes(RawKafkaConnection.batch(codec, -1, (short)-1, -1, 4, "deepc-", 20)));
        }
        try (RecordBatchBuilder builder = new RecordBatchBuilder(1 << 16))
        {
            builder.reset(Compression.NONE, 0, System.currentTimeMillis());
            builder.append(System.currentTimeMillis(), null, "deeph-0".getBytes(StandardCharsets.UTF_8),
                new Header[] {Header.of("h1", "v1"), new Header("h2", null)});
            builder.append(System.currentTimeMillis(), "k".getBytes(StandardCharsets.UTF_8), null, new Header[0]);
            deepBatches.add(bytes(builder.build()));
        }
    }

    private static byte[] bytes(final ByteBuffer buffer)
    {
        final byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private void add(final ApiKey api, final int version, final int correlationId, final Message body)
    {
        templates.add(RawKafkaConnection.encode(api, (short)version, correlationId, "fuzz-" + api.name().toLowerCase(), body));
    }

    @Test
    void brokerSurvivesRandomAndMutatedFramesAndStillServesKafkaClients() throws Exception
    {
        final long seed = Long.getLong("osprey.fuzz.seed", System.nanoTime());
        System.out.println("FuzzTest seed=" + seed + " (rerun with -Dosprey.fuzz.seed=" + seed + "), " + FUZZ_MILLIS + " ms, " +
            WORKERS + " connections");
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FUZZ_MILLIS);
        final ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++)
            {
                final Random random = new Random(seed * 31 + w);
                futures.add(pool.submit(() ->
                {
                    fuzz(random, deadline);
                    return null;
                }));
            }
            futures.add(pool.submit(() ->
            {
                canary(deadline);
                return null;
            }));
            for (final Future<?> f : futures)
            {
                f.get(FUZZ_MILLIS + 30_000, TimeUnit.MILLISECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        System.out.printf("FuzzTest: %d frames over %d connections, %d closed by the broker, %d response bytes, %d hazardous "
            + "frames skipped%n", framesSent.get(), connections.get(), closedByBroker.get(), responseBytes.get(), skippedHazards.get());
        assertThat(framesSent.get()).as("frames sent").isGreaterThan(100);
        assertThat(canaryFailures).as("fresh connections served during the fuzzing").isEmpty();
        assertThat(errors.events()).as("broker errors (handler bugs) during the fuzzing").isEmpty();

        // Kafka's own clients still work.
        admin.createTopics(List.of(new NewTopic("after-fuzz", 1, (short)1))).all().get();
        final int count = 300;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
            KafkaClientCompatibilityTest.producerProps(broker.bootstrap())))
        {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                sent.add(producer.send(new ProducerRecord<>("after-fuzz", 0, "k" + i, "after-" + i)));
            }
            for (int i = 0; i < count; i++)
            {
                assertThat(sent.get(i).get(30, TimeUnit.SECONDS).offset()).isEqualTo(i);
            }
        }
        final List<ConsumerRecord<String, String>> after = KafkaClientCompatibilityTest.readAll(broker.bootstrap(),
            List.of(new TopicPartition("after-fuzz", 0)));
        assertThat(after).extracting(ConsumerRecord::value)
            .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "after-" + i).toList());

        // The topic written before the fuzzing is intact.
        final List<TopicPartition> stableTps = List.of(new TopicPartition(STABLE, 0), new TopicPartition(STABLE, 1));
        final List<ConsumerRecord<String, String>> stable = KafkaClientCompatibilityTest.readAll(broker.bootstrap(), stableTps);
        assertThat(stable.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value))).isEqualTo(stableValues);
        for (final TopicPartition tp : stableTps)
        {
            final List<Long> offsets = stable.stream().filter(r -> r.partition() == tp.partition()).map(ConsumerRecord::offset).toList();
            assertThat(offsets).isEqualTo(IntStream.range(0, offsets.size()).mapToObj(i -> (long)i).toList());
        }

        // Whatever the fuzzing appended passed validation, so it must read back cleanly and be one of our batches.
        final long deepEnd = latestOffset(DEEP);
        System.out.println("FuzzTest: topic '" + DEEP + "' holds " + deepEnd + " records appended by CRC-fixed mutated produces");
        if (CHECK_DEEP)
        {
            assertThat(KafkaClientCompatibilityTest.readAll(broker.bootstrap(), List.of(new TopicPartition(DEEP, 0))))
                .hasSize((int)deepEnd);
        }

        final long fuzzEnd = latestOffset(FUZZ);
        final List<ConsumerRecord<String, String>> fuzzed = KafkaClientCompatibilityTest.readAll(broker.bootstrap(),
            List.of(new TopicPartition(FUZZ, 0)));
        System.out.println("FuzzTest: topic '" + FUZZ + "' holds " + fuzzEnd + " records appended by mutated produces");
        assertThat(fuzzed).hasSize((int)fuzzEnd);
        assertThat(fuzzed).allSatisfy(r -> assertThat(r.value()).matches("fzi?-\\d+"));

        assertThat(errors.events()).as("broker errors (handler bugs)").isEmpty();
    }

    private long latestOffset(final String topic) throws IOException
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            final ListOffsetsResponse r = c.request(ApiKey.LIST_OFFSETS, (short)7, new ListOffsetsRequest(-1, (byte)0,
                List.of(new ListOffsetsRequest.Topic(topic, List.of(new ListOffsetsRequest.Partition(0, -1, -1L))))),
                ListOffsetsResponse::read);
            return r.topics().get(0).partitions().get(0).offset();
        }
    }

    /** A well-behaved client on fresh connections throughout: the broker must keep serving it. */
    private void canary(final long deadline) throws InterruptedException
    {
        while (System.nanoTime() < deadline)
        {
            try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
            {
                final ApiVersionsResponse r = c.request(ApiKey.API_VERSIONS, (short)3, new ApiVersionsRequest("canary", "1"),
                    ApiVersionsResponse::read);
                if (r.errorCode() != 0)
                {
                    canaryFailures.add("ApiVersions error " + r.errorCode());
                }
            }
            catch (final IOException | RuntimeException e)
            {
                canaryFailures.add(e.toString());
            }
            Thread.sleep(250);
        }
    }

    // ---- the fuzzer ----

    private void fuzz(final Random random, final long deadline)
    {
        while (System.nanoTime() < deadline)
        {
            connections.incrementAndGet();
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port()), 5_000);
                socket.setTcpNoDelay(true);
                final OutputStream out = socket.getOutputStream();
                final InputStream in = socket.getInputStream();
                final int frames = 1 + random.nextInt(30);
                boolean open = true;
                for (int i = 0; i < frames && open && System.nanoTime() < deadline; i++)
                {
                    final byte[] bytes = nextWrite(random);
                    if (random.nextInt(10) == 0 && bytes.length > 1)
                    {
                        // Split the write so the broker sees the frame arrive in pieces.
                        final int cut = 1 + random.nextInt(bytes.length - 1);
                        out.write(bytes, 0, cut);
                        out.flush();
                        open = drain(socket, in, 1);
                        if (open)
                        {
                            out.write(bytes, cut, bytes.length - cut);
                        }
                    }
                    else
                    {
                        out.write(bytes);
                    }
                    out.flush();
                    open = open && drain(socket, in, 2);
                }
                if (open)
                {
                    open = drain(socket, in, 10);
                }
                if (!open)
                {
                    closedByBroker.incrementAndGet();
                }
                else if (random.nextInt(4) == 0)
                {
                    socket.setSoLinger(true, 0); // leave with a reset instead of a FIN
                }
            }
            catch (final IOException e)
            {
                // The broker closed while we were writing (broken pipe, reset): reconnect.
                closedByBroker.incrementAndGet();
            }
        }
    }

    /** Reads whatever the broker sent within {@code millis}; false when it closed the connection. */
    private boolean drain(final Socket socket, final InputStream in, final int millis) throws IOException
    {
        final byte[] sink = new byte[16 * 1024];
        socket.setSoTimeout(millis);
        try
        {
            while (true)
            {
                final int n = in.read(sink);
                if (n < 0)
                {
                    return false;
                }
                responseBytes.addAndGet(n);
            }
        }
        catch (final SocketTimeoutException e)
        {
            return true;
        }
        catch (final SocketException e)
        {
            return false;
        }
    }

    /** The bytes of one write: one or a few frames, random or mutated from a template, with a possibly wrong size prefix. */
    private byte[] nextWrite(final Random random)
    {
        final int count = random.nextInt(8) == 0 ? 2 + random.nextInt(4) : 1;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++)
        {
            final byte[] frame = nextFrame(random);
            out.write(frame, 0, frame.length);
        }
        framesSent.addAndGet(count);
        return out.toByteArray();
    }

    private byte[] nextFrame(final Random random)
    {
        while (true)
        {
            final byte[] payload;
            final int roll = random.nextInt(100);
            if (roll < 8)
            {
                payload = new byte[random.nextInt(300)];
                random.nextBytes(payload);
            }
            else if (roll < 20)
            {
                payload = randomBodyWithValidHeader(random);
            }
            else if (roll < 35)
            {
                payload = deepProduce(random);
            }
            else
            {
                final byte[] template = templates.get(random.nextInt(templates.size()));
                payload = mutate(random, Arrays.copyOfRange(template, 4, template.length));
            }
            if (isHazardous(payload))
            {
                skippedHazards.incrementAndGet();
                continue;
            }
            final int size = sizePrefix(random, payload.length);
            final byte[] frame = new byte[4 + payload.length];
            ByteBuffer.wrap(frame).putInt(size).put(payload);
            if (random.nextInt(20) == 0)
            {
                // Cut short: the rest of the frame never comes (the next frame's bytes take its place).
                return Arrays.copyOf(frame, random.nextInt(frame.length + 1));
            }
            return frame;
        }
    }

    /**
     * A produce whose batch was mutated and then made to pass the cheap checks again (a CRC over
     * the mutated bytes, usually a batch length that fits), so the broker's batch validation and
     * log append see it.
     */
    private byte[] deepProduce(final Random random)
    {
        final byte[] batch = mutate(random, deepBatches.get(random.nextInt(deepBatches.size())).clone());
        final ByteBuffer b = ByteBuffer.wrap(batch);
        if (batch.length >= RecordBatch.HEADER_SIZE && random.nextInt(10) < 8)
        {
            b.putInt(RecordBatch.BATCH_LENGTH_OFFSET, batch.length - RecordBatch.LOG_OVERHEAD);
        }
        if (batch.length > RecordBatch.ATTRIBUTES_OFFSET && random.nextInt(10) < 9)
        {
            b.putInt(RecordBatch.CRC_OFFSET, (int)RecordBatch.computeChecksum(b, 0, batch.length));
        }
        final short version = PRODUCE_VERSIONS[random.nextInt(PRODUCE_VERSIONS.length)];
        final byte[] frame = RawKafkaConnection.encode(ApiKey.PRODUCE, version, random.nextInt(), "fuzz-deep",
            RawKafkaConnection.produce(DEEP, 0, random.nextBoolean() ? (short)-1 : (short)1, ByteBuffer.wrap(batch)));
        return Arrays.copyOfRange(frame, 4, frame.length);
    }

    private static int sizePrefix(final Random random, final int actual)
    {
        final int roll = random.nextInt(100);
        if (roll < 80)
        {
            return actual;
        }
        if (roll < 92)
        {
            return Math.max(0, actual + random.nextInt(17) - 8);
        }
        return INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
    }

    private static byte[] randomBodyWithValidHeader(final Random random)
    {
        final ApiKey[] apis = ApiKey.values();
        ApiKey api;
        do
        {
            api = apis[random.nextInt(apis.length)];
        }
        while (NEVER_SENT.contains(api.id));
        final short version = (short)(api.oldest + random.nextInt(api.latest - api.oldest + 1));
        final ProtocolWriter w = new ProtocolWriter(256);
        new RequestHeader(api.id, version, random.nextInt(), random.nextBoolean() ? null : "fuzz").write(w,
            api.requestHeaderVersion(version));
        final byte[] body = new byte[random.nextInt(200)];
        random.nextBytes(body);
        w.writeRaw(ByteBuffer.wrap(body));
        final ByteBuffer b = w.toByteBuffer();
        final byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] mutate(final Random random, final byte[] original)
    {
        byte[] b = original;
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++)
        {
            if (b.length == 0)
            {
                b = new byte[] {(byte)random.nextInt()};
                continue;
            }
            final int pos = random.nextInt(b.length);
            switch (random.nextInt(8))
            {
                case 0 -> b[pos] ^= (byte)(1 << random.nextInt(8));
                case 1 -> b[pos] = (byte)random.nextInt();
                case 2 -> b[pos] = (byte)new int[] {0, 0xFF, 0x7F, 0x80, 0x01}[random.nextInt(5)];
                case 3 ->
                {
                    // Insert random bytes.
                    final byte[] extra = new byte[1 + random.nextInt(16)];
                    random.nextBytes(extra);
                    final byte[] n = new byte[b.length + extra.length];
                    System.arraycopy(b, 0, n, 0, pos);
                    System.arraycopy(extra, 0, n, pos, extra.length);
                    System.arraycopy(b, pos, n, pos + extra.length, b.length - pos);
                    b = n;
                }
                case 4 ->
                {
                    // Delete a range.
                    final int len = Math.min(b.length - pos, 1 + random.nextInt(16));
                    final byte[] n = new byte[b.length - len];
                    System.arraycopy(b, 0, n, 0, pos);
                    System.arraycopy(b, pos + len, n, pos, b.length - pos - len);
                    b = n;
                }
                case 5 -> b = Arrays.copyOf(b, pos); // truncate
                case 6 ->
                {
                    // Overwrite an int16/int32 with an interesting value (lengths, counts, sizes).
                    final int v = INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
                    if (random.nextBoolean() && pos + 4 <= b.length)
                    {
                        ByteBuffer.wrap(b).putInt(pos, v);
                    }
                    else if (pos + 2 <= b.length)
                    {
                        ByteBuffer.wrap(b).putShort(pos, (short)v);
                    }
                }
                default ->
                {
                    // Duplicate a range in place after itself.
                    final int len = Math.min(b.length - pos, 1 + random.nextInt(32));
                    final byte[] n = new byte[b.length + len];
                    System.arraycopy(b, 0, n, 0, pos + len);
                    System.arraycopy(b, pos, n, pos + len, b.length - pos);
                    b = n;
                }
            }
        }
        return b;
    }

    /**
     * Frames this test must not send, decoded as the broker would: APIs that could delete or
     * reshape the topics under test, and a CreateTopics that would really create topics with
     * many partitions (the broker has no partition-count cap, see BadInputTest; a flipped bit
     * in numPartitions would make one request create millions of partition directories).
     */
    private static boolean isHazardous(final byte[] payload)
    {
        try
        {
            final ByteBuffer buffer = ByteBuffer.wrap(payload);
            final RequestHeader header = RequestHeader.read(new ProtocolReader(buffer, false));
            if (NEVER_SENT.contains(header.apiKey()))
            {
                return true;
            }
            final ApiKey api = ApiKey.forId(header.apiKey());
            if (api != ApiKey.CREATE_TOPICS || !api.isSupported(header.apiVersion()))
            {
                return false;
            }
            final boolean flexible = api.isFlexible(header.apiVersion());
            if (flexible)
            {
                RequestHeader.readTaggedFields(new ProtocolReader(buffer, true));
            }
            final CreateTopicsRequest request = CreateTopicsRequest.read(new ProtocolReader(buffer, flexible), header.apiVersion());
            if (request.validateOnly())
            {
                return false;
            }
            return request.topics().size() > 2 || request.topics().stream().anyMatch(t -> t.numPartitions() > 4);
        }
        catch (final RuntimeException e)
        {
            return false; // does not decode: the broker closes the connection
        }
    }
}
