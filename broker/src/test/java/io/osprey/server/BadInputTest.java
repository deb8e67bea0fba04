package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.osprey.common.ErrorCode;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;
import io.osprey.protocol.message.DeleteRecordsRequest;
import io.osprey.protocol.message.DeleteRecordsResponse;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.ProduceResponse;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;
import io.osprey.record.Varint;

/**
 * Bad input over a raw socket: each case gets its error code, or a closed connection where the
 * request cannot be answered in its own layout or framing is lost, and after each case a fresh
 * connection is still served ({@link #brokerStillServesOtherClients()}).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest
{
    private static final int MESSAGE_MAX_BYTES = 10_000;
    private static final int SOCKET_REQUEST_MAX_BYTES = 200_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final String TOPIC = "bad-input";

    private static final short PRODUCE_V = 8;
    private static final short PRODUCE_FLEXIBLE_V = 9;
    private static final short METADATA_V = 12;
    private static final short CREATE_TOPICS_V = 7;
    private static final short FETCH_V = 12;
    private static final short LIST_OFFSETS_V = 7;
    private static final short INIT_PRODUCER_ID_V = 4;
    private static final short API_VERSIONS_V = 3;

    private TestBroker broker;
    private ErrorLogCapture errors;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        errors = new ErrorLogCapture();
        broker = new TestBroker(tmp.resolve("node"), Map.of(
            "message.max.bytes", String.valueOf(MESSAGE_MAX_BYTES),
            "socket.request.max.bytes", String.valueOf(SOCKET_REQUEST_MAX_BYTES)));
        try (RawKafkaConnection c = connect())
        {
            final CreateTopicsResponse created = createTopics(c, false, topic(TOPIC, 1), topic("idem", 1));
            assertThat(created.topics()).allSatisfy(t -> assertThat(t.errorCode()).isZero());
            // Three records to fetch and list.
            final ProduceResponse.PartitionResponse r = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(TOPIC, 0, (short)-1, RawKafkaConnection.batch(3, "seed-")));
            assertThat(r.errorCode()).isZero();
        }
    }

    @AfterAll
    void stop()
    {
        if (broker != null)
        {
            broker.close();
        }
        if (errors != null)
        {
            errors.close();
        }
    }

    /** After every case: a fresh connection's ApiVersions and Metadata work, and nothing logged a handler bug. */
    @AfterEach
    void brokerStillServesOtherClients() throws IOException
    {
        assertBrokerServes();
        assertThat(errors.events()).as("broker errors (handler bugs)").isEmpty();
    }

    private void assertBrokerServes() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final ApiVersionsResponse versions = c.request(ApiKey.API_VERSIONS, API_VERSIONS_V,
                new ApiVersionsRequest("osprey-test", "1"), ApiVersionsResponse::read);
            assertThat(versions.errorCode()).isZero();
            assertThat(versions.apiKeys()).isNotEmpty();
            final MetadataResponse md = c.request(ApiKey.METADATA, METADATA_V, new MetadataRequest(null, false, false, false),
                MetadataResponse::read);
            assertThat(md.topics()).extracting(MetadataResponse.Topic::name).contains(TOPIC);
        }
    }

    // ---- framing ----

    /**
     * Requests that arrive in one socket read are handed over one after another, most answered
     * inline: every response must arrive, in request order, whether the request's frame is held
     * (a produce of 4 KiB or more) or copied.
     */
    @Test
    void pipelinedRequestsInOneWriteAreAllAnsweredInOrder() throws IOException
    {
        final ByteBuffer held = RawKafkaConnection.batch(250, "pipelined-held-");
        assertThat(held.remaining()).isBetween(4096, MESSAGE_MAX_BYTES);
        final byte[][] requests = {
            RawKafkaConnection.encode(ApiKey.PRODUCE, PRODUCE_V, 101, "c", RawKafkaConnection.produce(TOPIC, 0, (short)1, held)),
            RawKafkaConnection.encode(ApiKey.API_VERSIONS, API_VERSIONS_V, 102, "c", new ApiVersionsRequest("osprey-test", "1")),
            RawKafkaConnection.encode(ApiKey.PRODUCE, PRODUCE_V, 103, "c",
                RawKafkaConnection.produce(TOPIC, 0, (short)-1, RawKafkaConnection.batch(2, "pipelined-copied-"))),
            RawKafkaConnection.encode(ApiKey.METADATA, METADATA_V, 104, "c", new MetadataRequest(null, false, false, false)),
            RawKafkaConnection.encode(ApiKey.PRODUCE, PRODUCE_V, 105, "c",
                RawKafkaConnection.produce(TOPIC, 0, (short)1, RawKafkaConnection.batch(250, "pipelined-held-"))),
        };
        final ByteBuffer all = ByteBuffer.allocate(Arrays.stream(requests).mapToInt(r -> r.length).sum());
        for (final byte[] r : requests)
        {
            all.put(r);
        }
        try (RawKafkaConnection c = connect())
        {
            c.sendRaw(all.array());
            final ProduceResponse.PartitionResponse first = partition(c.receive(ApiKey.PRODUCE, PRODUCE_V, 101, ProduceResponse::read));
            assertThat(first.errorCode()).isZero();
            assertThat(c.receive(ApiKey.API_VERSIONS, API_VERSIONS_V, 102, ApiVersionsResponse::read).errorCode()).isZero();
            final ProduceResponse.PartitionResponse second = partition(c.receive(ApiKey.PRODUCE, PRODUCE_V, 103, ProduceResponse::read));
            assertThat(second.errorCode()).isZero();
            assertThat(second.baseOffset()).isEqualTo(first.baseOffset() + 250);
            assertThat(c.receive(ApiKey.METADATA, METADATA_V, 104, MetadataResponse::read).topics())
                .extracting(MetadataResponse.Topic::name).contains(TOPIC);
            final ProduceResponse.PartitionResponse third = partition(c.receive(ApiKey.PRODUCE, PRODUCE_V, 105, ProduceResponse::read));
            assertThat(third.errorCode()).isZero();
            assertThat(third.baseOffset()).isEqualTo(second.baseOffset() + 2);
        }
    }

    @Test
    void garbageFrameContentClosesTheConnection() throws IOException
    {
        final Random random = new Random(0x05B5EEDL);
        for (int round = 0; round < 5; round++)
        {
            final byte[] payload = new byte[64 + random.nextInt(448)];
            do
            {
                random.nextBytes(payload);
            }
            while (ApiKey.forId(ByteBuffer.wrap(payload).getShort(0)) != null);
            try (RawKafkaConnection c = connect())
            {
                c.sendRaw(sizePrefixed(payload));
                assertThat(c.awaitClosedByPeer(CLOSE_TIMEOUT)).as("closed after garbage round %d", round).isTrue();
            }
        }
    }

    @Test
    void validHeaderWithTruncatedBodyClosesTheConnection() throws IOException
    {
        final List<byte[]> requests = List.of(
            RawKafkaConnection.encode(ApiKey.METADATA, METADATA_V, 7, "c", new MetadataRequest(
                List.of(new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, TOPIC)), false, false, false)),
            RawKafkaConnection.encode(ApiKey.PRODUCE, PRODUCE_V, 7, "c",
                RawKafkaConnection.produce(TOPIC, 0, (short)-1, RawKafkaConnection.batch(2, "t-"))),
            RawKafkaConnection.encode(ApiKey.FETCH, FETCH_V, 7, "c", fetch(TOPIC, 0, 0)),
            RawKafkaConnection.encode(ApiKey.CREATE_TOPICS, CREATE_TOPICS_V, 7, "c",
                new CreateTopicsRequest(List.of(topic("never-created", 1)), 10_000, false)));
        for (final byte[] full : requests)
        {
            // Header (4 size + 2 key + 2 version + 4 correlation id + 2 + 1 client id) plus a few body bytes.
            final byte[] cut = Arrays.copyOf(full, 4 + 11 + 3);
            ByteBuffer.wrap(cut).putInt(0, cut.length - 4);
            try (RawKafkaConnection c = connect())
            {
                c.sendRaw(cut);
                assertThat(c.awaitClosedByPeer(CLOSE_TIMEOUT)).as("closed after a truncated body").isTrue();
            }
        }
        try (RawKafkaConnection c = connect())
        {
            final MetadataResponse md = c.request(ApiKey.METADATA, METADATA_V, new MetadataRequest(null, false, false, false),
                MetadataResponse::read);
            assertThat(md.topics()).extracting(MetadataResponse.Topic::name).doesNotContain("never-created");
        }
    }

    @Test
    void truncatedFrameThenCloseLeavesTheBrokerUnaffected() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final byte[] body = new byte[50];
            new Random(1).nextBytes(body);
            final byte[] partial = new byte[4 + body.length];
            ByteBuffer.wrap(partial).putInt(100).put(body);
            c.sendRaw(partial);
            // The broker waits for the rest of the frame and keeps serving everyone else meanwhile.
            assertThat(c.awaitClosedByPeer(Duration.ofMillis(300))).isFalse();
            assertBrokerServes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, SOCKET_REQUEST_MAX_BYTES + 1, -1, Integer.MIN_VALUE})
    void hugeOrNegativeSizePrefixClosesTheConnectionPromptly(final int size) throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final byte[] frame = new byte[4 + 1024];
            ByteBuffer.wrap(frame).putInt(0, size);
            final long start = System.nanoTime();
            c.sendRaw(frame);
            assertThat(c.awaitClosedByPeer(CLOSE_TIMEOUT)).as("closed on size prefix %d", size).isTrue();
            // Promptly: the broker did not wait for (or buffer) the announced body.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    /**
     * Kafka rejects a request only when its size prefix is above socket.request.max.bytes; a
     * request of exactly that size is served.
     */
    @Test
    void requestOfExactlySocketRequestMaxBytesIsServed() throws IOException
    {
        final byte[] empty = RawKafkaConnection.encode(ApiKey.PRODUCE, PRODUCE_V, 1, "c",
            RawKafkaConnection.produce(TOPIC, 0, (short)-1, ByteBuffer.allocate(0)));
        final int fill = SOCKET_REQUEST_MAX_BYTES - (empty.length - 4);
        final byte[] frame = RawKafkaConnection.encode(ApiKey.PRODUCE, PRODUCE_V, 1, "c",
            RawKafkaConnection.produce(TOPIC, 0, (short)-1, ByteBuffer.allocate(fill)));
        assertThat(frame.length - 4).isEqualTo(SOCKET_REQUEST_MAX_BYTES);
        try (RawKafkaConnection c = connect())
        {
            c.sendRaw(frame);
            final ProduceResponse response = c.receive(ApiKey.PRODUCE, PRODUCE_V, 1, ProduceResponse::read);
            // The zero-filled "batch" is not a batch; what matters is that the request was read and answered.
            assertThat(partition(response).errorCode()).isNotZero();
        }
    }

    // ---- API keys and versions ----

    @ParameterizedTest
    @ValueSource(shorts = {999, -1, 127, 10_000})
    void unknownApiKeyClosesTheConnection(final short apiKey) throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            c.sendRaw(RawKafkaConnection.encodeRaw(apiKey, (short)0, 1, "c", new byte[8]));
            assertThat(c.awaitClosedByPeer(CLOSE_TIMEOUT)).as("closed on API key %d", apiKey).isTrue();
        }
    }

    @Test
    void unsupportedVersionOfAKnownApiClosesTheConnection() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            c.send(ApiKey.METADATA, (short)99, new MetadataRequest(null, false, false, false));
            assertThat(c.awaitClosedByPeer(CLOSE_TIMEOUT)).as("closed on Metadata v99").isTrue();
        }
        try (RawKafkaConnection c = connect())
        {
            // Below the oldest served version.
            c.send(ApiKey.FETCH, (short)3, fetch(TOPIC, 0, 0));
            assertThat(c.awaitClosedByPeer(CLOSE_TIMEOUT)).as("closed on Fetch v3").isTrue();
        }
    }

    @Test
    void unsupportedApiVersionsVersionIsAnsweredInTheV0LayoutWithTheSupportedRanges() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final int correlationId = c.send(ApiKey.API_VERSIONS, (short)99, new ApiVersionsRequest("osprey-test", "1"));
            final ByteBuffer frame = c.receiveFrame();
            assertThat(ResponseHeader.read(new ProtocolReader(frame, false), (short)0)).isEqualTo(correlationId);
            final ProtocolReader body = new ProtocolReader(frame, false);
            final ApiVersionsResponse response = ApiVersionsResponse.read(body, (short)0);
            assertThat(body.remaining()).isZero();
            assertThat(response.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION.code);
            assertThat(response.apiKeys()).containsExactlyInAnyOrderElementsOf(Arrays.stream(ApiKey.values())
                .map(k -> new ApiVersionsResponse.ApiVersion(k.id, k.oldest, k.latest)).toList());
            // The client retries with a version it now knows is served, on the same connection.
            final ApiVersionsResponse retry = c.request(ApiKey.API_VERSIONS, API_VERSIONS_V,
                new ApiVersionsRequest("osprey-test", "1"), ApiVersionsResponse::read);
            assertThat(retry.errorCode()).isZero();
        }
    }

    @Test
    void nullClientIdIsServedNormally() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final ApiVersionsResponse versions = c.request(ApiKey.API_VERSIONS, API_VERSIONS_V,
                new ApiVersionsRequest("osprey-test", "1"), null, ApiVersionsResponse::read);
            assertThat(versions.errorCode()).isZero();
            final ApiVersionsResponse v0 = c.request(ApiKey.API_VERSIONS, (short)0, new ApiVersionsRequest("", ""), null,
                ApiVersionsResponse::read);
            assertThat(v0.errorCode()).isZero();
            final MetadataResponse md = c.request(ApiKey.METADATA, METADATA_V, new MetadataRequest(
                List.of(new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, TOPIC)), false, false, false), null,
                MetadataResponse::read);
            assertThat(md.topics()).singleElement().satisfies(t -> assertThat(t.errorCode()).isZero());
            final ProduceResponse produced = c.request(ApiKey.PRODUCE, PRODUCE_V,
                RawKafkaConnection.produce(TOPIC, 0, (short)-1, RawKafkaConnection.batch(1, "null-client-")), null,
                ProduceResponse::read);
            assertThat(partition(produced).errorCode()).isZero();
        }
    }

    // ---- topic names ----

    private static final List<String> INVALID_NAMES = List.of("bad/name", "..", ".", "a".repeat(300), "", "sp ace", "ünïcode");

    /** Metadata's per-topic results carry no error message field (v0-12); CreateTopics' do, see below. */
    @Test
    void deleteRecordsOfAnUnknownTopicIsAnsweredWithUnknownTopicOrPartition() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final DeleteRecordsResponse response = c.request(ApiKey.DELETE_RECORDS, (short)2, new DeleteRecordsRequest(
                List.of(new DeleteRecordsRequest.Topic("no-such-topic", List.of(new DeleteRecordsRequest.Partition(0, 5)))), 1000),
                DeleteRecordsResponse::read);
            assertThat(response.topics()).hasSize(1);
            final DeleteRecordsResponse.Partition p = response.topics().get(0).partitions().get(0);
            assertThat(p.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
            assertThat(p.lowWatermark()).isEqualTo(-1);
        }
    }

    @Test
    void invalidTopicNamesInMetadataWithAutoCreateAreRejected() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final List<MetadataRequest.Topic> topics = INVALID_NAMES.stream()
                .map(n -> new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, n)).toList();
            final MetadataResponse md = c.request(ApiKey.METADATA, METADATA_V, new MetadataRequest(topics, true, false, false),
                MetadataResponse::read);
            assertThat(md.topics()).hasSize(INVALID_NAMES.size());
            for (final MetadataResponse.Topic t : md.topics())
            {
                assertThat(t.errorCode()).as("error for '%s'", t.name()).isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION.code);
                assertThat(t.partitions()).isEmpty();
            }
            assertThat(md.topics()).extracting(MetadataResponse.Topic::name).containsExactlyElementsOf(INVALID_NAMES);
            assertNoneCreated(c);
        }
    }

    @Test
    void invalidTopicNamesInCreateTopicsAreRejectedWithAMessage() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final CreateTopicsResponse response = createTopics(c, false,
                INVALID_NAMES.stream().map(n -> topic(n, 1)).toArray(CreateTopicsRequest.CreatableTopic[]::new));
            assertThat(response.topics()).hasSize(INVALID_NAMES.size());
            for (final CreateTopicsResponse.CreatableTopicResult t : response.topics())
            {
                assertThat(t.errorCode()).as("error for '%s'", t.name()).isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION.code);
                assertThat(t.errorMessage()).as("message for '%s'", t.name()).isNotBlank();
            }
            assertNoneCreated(c);
        }
    }

    private static void assertNoneCreated(final RawKafkaConnection c) throws IOException
    {
        final MetadataResponse all = c.request(ApiKey.METADATA, METADATA_V, new MetadataRequest(null, false, false, false),
            MetadataResponse::read);
        assertThat(all.topics()).extracting(MetadataResponse.Topic::name).doesNotContainAnyElementsOf(INVALID_NAMES);
    }

    /**
     * Kafka's controller refuses more than 10000 partitions in one CreateTopics request
     * (POLICY_VIOLATION, "Excessively large number of partitions per request."); without a cap
     * one request makes the broker create a directory, segment and indexes per partition.
     * validateOnly keeps this test harmless whatever the broker does.
     */
    @Test
    void excessivePartitionCountIsRejected() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final CreateTopicsResponse response = createTopics(c, true, topic("too-many-partitions", 10_001));
            assertThat(response.topics()).singleElement().satisfies(t ->
            {
                assertThat(t.errorCode()).isEqualTo(ErrorCode.POLICY_VIOLATION.code);
                assertThat(t.errorMessage()).isNotBlank();
            });
        }
    }

    // ---- produce ----

    @Test
    void batchOverMessageMaxBytesIsRejectedAsMessageTooLarge() throws IOException
    {
        final ByteBuffer big = RawKafkaConnection.batch(-1, (short)-1, -1, 20, "big-", 1000);
        assertThat(big.remaining()).isGreaterThan(MESSAGE_MAX_BYTES).isLessThan(SOCKET_REQUEST_MAX_BYTES);
        try (RawKafkaConnection c = connect())
        {
            for (final short version : new short[] {PRODUCE_V, PRODUCE_FLEXIBLE_V})
            {
                final ProduceResponse.PartitionResponse r = producePartition(c, version,
                    RawKafkaConnection.produce(TOPIC, 0, (short)-1, big));
                assertThat(r.errorCode()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code);
                assertThat(r.errorMessage()).isNotBlank().contains(String.valueOf(MESSAGE_MAX_BYTES));
                assertThat(r.baseOffset()).isEqualTo(-1);
            }
        }
    }

    @Test
    void corruptedCrcIsRejectedAsCorruptMessage() throws IOException
    {
        final ByteBuffer batch = RawKafkaConnection.batch(5, "crc-");
        final int last = batch.limit() - 2;
        batch.put(last, (byte)(batch.get(last) ^ 0x5A));
        expectProduceError(batch, ErrorCode.CORRUPT_MESSAGE);

        final ByteBuffer badCrcField = RawKafkaConnection.batch(5, "crc-");
        badCrcField.putInt(RecordBatch.CRC_OFFSET, badCrcField.getInt(RecordBatch.CRC_OFFSET) + 1);
        expectProduceError(badCrcField, ErrorCode.CORRUPT_MESSAGE);
    }

    /**
     * A compressed batch whose CRC is right but whose compressed records are garbage: Kafka's
     * leader decompresses every batch to validate it and refuses this one; accepting it stores a
     * batch that no consumer can read (the partition is stuck at that offset for everyone).
     */
    @ParameterizedTest
    @ValueSource(strings = {"GZIP", "LZ4", "ZSTD"})
    void compressedBatchWithGarbageRecordsAndAValidCrcIsRejected(final String codec) throws IOException
    {
        final ByteBuffer batch = RawKafkaConnection.batch(Compression.valueOf(codec), -1, (short)-1, -1, 20, "gz-", 50);
        final byte[] garbage = new byte[batch.limit() - RecordBatch.RECORDS_OFFSET];
        new Random(7).nextBytes(garbage);
        batch.put(RecordBatch.RECORDS_OFFSET, garbage);
        new RecordBatch(batch, 0).updateChecksum();
        expectProduceError(batch, r ->
        {
            assertThat(r.errorCode()).as("error code").isNotZero();
            assertThat(r.errorMessage()).isNotBlank();
        });
    }

    /**
     * An uncompressed batch whose CRC, record lengths and offset deltas are right but whose second
     * record's key length points past the end of the record. Kafka's leader parses every record
     * (DefaultRecord.readFrom) and refuses the batch; a consumer could not read it.
     */
    @Test
    void recordWithAKeyLengthBeyondTheRecordIsRejected() throws IOException
    {
        final ByteBuffer batch = RawKafkaConnection.batch(3, "malformed-");
        // Record layout: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, keyLength varint, key...
        int p = RecordBatch.RECORDS_OFFSET;
        final int record0Length = Varint.readVarint(batch, p);
        p += Varint.sizeOfVarint(record0Length);
        p += record0Length; // start of record 1
        final int record1Length = Varint.readVarint(batch, p);
        p += Varint.sizeOfVarint(record1Length);
        p += 1; // attributes
        p += Varint.sizeOfVarlong(Varint.readVarlong(batch, p)); // timestamp delta
        assertThat(Varint.readVarint(batch, p)).as("offset delta of record 1").isEqualTo(1);
        p += 1;
        assertThat(Varint.readVarint(batch, p)).as("key length of record 1").isEqualTo(3);
        Varint.writeVarint(batch, p, 50); // one byte, like 3: the record's length stays right
        new RecordBatch(batch, 0).updateChecksum();
        expectProduceError(batch, r ->
        {
            assertThat(r.errorCode()).as("error code").isIn(ErrorCode.CORRUPT_MESSAGE.code, ErrorCode.INVALID_RECORD.code);
            assertThat(r.errorMessage()).isNotBlank();
        });
    }

    @Test
    void batchWithMagicOneIsRejected() throws IOException
    {
        final ByteBuffer batch = RawKafkaConnection.batch(2, "magic-");
        batch.put(RecordBatch.MAGIC_OFFSET, (byte)1);
        try (RawKafkaConnection c = connect())
        {
            final ProduceResponse.PartitionResponse r = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(TOPIC, 0, (short)-1, batch));
            assertThat(r.errorCode()).isIn(ErrorCode.INVALID_RECORD.code, ErrorCode.CORRUPT_MESSAGE.code,
                ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT.code, ErrorCode.UNSUPPORTED_VERSION.code);
            assertThat(r.errorMessage()).isNotBlank();
        }
    }

    @Test
    void twoBatchesForOnePartitionAreRejectedAsInvalidRecord() throws IOException
    {
        final ByteBuffer first = RawKafkaConnection.batch(2, "one-");
        final ByteBuffer second = RawKafkaConnection.batch(3, "two-");
        final ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first.duplicate()).put(second.duplicate()).flip();
        expectProduceError(both, ErrorCode.INVALID_RECORD);
    }

    @Test
    void invalidAcksAreRejected() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final ProduceResponse.PartitionResponse r = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(TOPIC, 0, (short)5, RawKafkaConnection.batch(1, "acks-")));
            assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_REQUIRED_ACKS.code);
            assertThat(r.errorMessage()).isNotBlank();
        }
    }

    @Test
    void produceToAnUnknownTopicOrPartitionIsRejected() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final ProduceResponse.PartitionResponse badPartition = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(TOPIC, 7, (short)-1, RawKafkaConnection.batch(1, "p7-")));
            assertThat(badPartition.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
            assertThat(badPartition.index()).isEqualTo(7);
            final ProduceResponse.PartitionResponse badTopic = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce("no-such-topic", 0, (short)-1, RawKafkaConnection.batch(1, "nt-")));
            assertThat(badTopic.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
        }
    }

    // ---- idempotence ----

    @Test
    void idempotentProducerErrorsAndDeduplication() throws IOException
    {
        final String topic = "idem";
        try (RawKafkaConnection c = connect())
        {
            final InitProducerIdResponse init = c.request(ApiKey.INIT_PRODUCER_ID, INIT_PRODUCER_ID_V,
                new InitProducerIdRequest(null, 60_000, -1, (short)-1), InitProducerIdResponse::read);
            assertThat(init.errorCode()).isZero();
            final long pid = init.producerId();
            final short epoch = init.producerEpoch();
            assertThat(pid).isNotNegative();

            final ByteBuffer b0 = RawKafkaConnection.batch(pid, epoch, 0, 3, "idem-a-", 0);
            final ByteBuffer b1 = RawKafkaConnection.batch(pid, epoch, 3, 2, "idem-b-", 0);
            final ProduceResponse.PartitionResponse r0 = producePartition(c, PRODUCE_V, RawKafkaConnection.produce(topic, 0, (short)-1, b0));
            assertThat(r0.errorCode()).isZero();
            final ProduceResponse.PartitionResponse r1 = producePartition(c, PRODUCE_V, RawKafkaConnection.produce(topic, 0, (short)-1, b1));
            assertThat(r1.errorCode()).isZero();
            assertThat(r1.baseOffset()).isEqualTo(r0.baseOffset() + 3);

            // A resent batch (retry after a lost response) is acknowledged with its original offset, not appended again;
            // also for a batch that is not the newest one.
            final ProduceResponse.PartitionResponse again1 = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(topic, 0, (short)-1, RawKafkaConnection.batch(pid, epoch, 3, 2, "idem-b-", 0)));
            assertThat(again1.errorCode()).isZero();
            assertThat(again1.baseOffset()).isEqualTo(r1.baseOffset());
            final ProduceResponse.PartitionResponse again0 = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(topic, 0, (short)-1, RawKafkaConnection.batch(pid, epoch, 0, 3, "idem-a-", 0)));
            assertThat(again0.errorCode()).isZero();
            assertThat(again0.baseOffset()).isEqualTo(r0.baseOffset());
            assertThat(latestOffset(c, topic)).isEqualTo(r0.baseOffset() + 5);

            // A sequence gap.
            final ProduceResponse.PartitionResponse gap = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(topic, 0, (short)-1, RawKafkaConnection.batch(pid, epoch, 10, 1, "idem-gap-", 0)));
            assertThat(gap.errorCode()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
            assertThat(gap.errorMessage()).isNotBlank();

            // The producer bumps its epoch (KIP-360) and starts over at sequence 0.
            final InitProducerIdResponse bumped = c.request(ApiKey.INIT_PRODUCER_ID, INIT_PRODUCER_ID_V,
                new InitProducerIdRequest(null, 60_000, pid, epoch), InitProducerIdResponse::read);
            assertThat(bumped.errorCode()).isZero();
            assertThat(bumped.producerId()).isEqualTo(pid);
            assertThat(bumped.producerEpoch()).isGreaterThan(epoch);
            final ProduceResponse.PartitionResponse newEpoch = producePartition(c, PRODUCE_V, RawKafkaConnection.produce(topic, 0,
                (short)-1, RawKafkaConnection.batch(pid, bumped.producerEpoch(), 0, 1, "idem-e1-", 0)));
            assertThat(newEpoch.errorCode()).isZero();
            assertThat(newEpoch.baseOffset()).isEqualTo(r0.baseOffset() + 5);

            // The old epoch is now stale.
            final ProduceResponse.PartitionResponse stale = producePartition(c, PRODUCE_V,
                RawKafkaConnection.produce(topic, 0, (short)-1, RawKafkaConnection.batch(pid, epoch, 5, 1, "idem-stale-", 0)));
            assertThat(stale.errorCode()).isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH.code);
            assertThat(stale.errorMessage()).isNotBlank();

            assertThat(latestOffset(c, topic)).isEqualTo(r0.baseOffset() + 6);
        }
    }

    // ---- fetch ----

    @Test
    void fetchBeyondTheLogEndIsOffsetOutOfRange() throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final long end = latestOffset(c, TOPIC);
            for (final long offset : new long[] {end + 1, 1_000_000L, -5L})
            {
                final FetchResponse response = c.request(ApiKey.FETCH, FETCH_V, fetch(TOPIC, 0, offset), FetchResponse::read);
                assertThat(response.errorCode()).isZero();
                final FetchResponse.PartitionData p = response.responses().get(0).partitions().get(0);
                assertThat(p.errorCode()).as("fetch at %d", offset).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE.code);
                assertThat(p.records() == null || p.records().sizeInBytes() == 0).isTrue();
            }
            // At the log end itself there is simply nothing yet.
            final FetchResponse atEnd = c.request(ApiKey.FETCH, FETCH_V, fetch(TOPIC, 0, end), FetchResponse::read);
            assertThat(atEnd.responses().get(0).partitions().get(0).errorCode()).isZero();
        }
    }

    // ---- helpers ----

    private RawKafkaConnection connect() throws IOException
    {
        return RawKafkaConnection.connect(broker.port());
    }

    private static byte[] sizePrefixed(final byte[] payload)
    {
        final byte[] frame = new byte[4 + payload.length];
        ByteBuffer.wrap(frame).putInt(payload.length).put(payload);
        return frame;
    }

    private static CreateTopicsRequest.CreatableTopic topic(final String name, final int partitions)
    {
        return new CreateTopicsRequest.CreatableTopic(name, partitions, (short)1, List.of(), List.of());
    }

    private static CreateTopicsResponse createTopics(final RawKafkaConnection c, final boolean validateOnly,
        final CreateTopicsRequest.CreatableTopic... topics) throws IOException
    {
        return c.request(ApiKey.CREATE_TOPICS, CREATE_TOPICS_V, new CreateTopicsRequest(List.of(topics), 10_000, validateOnly),
            CreateTopicsResponse::read);
    }

    private static FetchRequest fetch(final String topic, final int partition, final long offset)
    {
        return RawKafkaConnection.fetch(topic, partition, offset, 100, 1);
    }

    private static long latestOffset(final RawKafkaConnection c, final String topic) throws IOException
    {
        final ListOffsetsResponse response = c.request(ApiKey.LIST_OFFSETS, LIST_OFFSETS_V, new ListOffsetsRequest(-1, (byte)0,
            List.of(new ListOffsetsRequest.Topic(topic, List.of(new ListOffsetsRequest.Partition(0, -1, -1L))))),
            ListOffsetsResponse::read);
        final ListOffsetsResponse.Partition p = response.topics().get(0).partitions().get(0);
        assertThat(p.errorCode()).isZero();
        return p.offset();
    }

    private static ProduceResponse.PartitionResponse partition(final ProduceResponse response)
    {
        assertThat(response.responses()).hasSize(1);
        assertThat(response.responses().get(0).partitionResponses()).hasSize(1);
        return response.responses().get(0).partitionResponses().get(0);
    }

    private static ProduceResponse.PartitionResponse producePartition(final RawKafkaConnection c, final short version,
        final ProduceRequest request) throws IOException
    {
        return partition(c.request(ApiKey.PRODUCE, version, request, ProduceResponse::read));
    }

    private void expectProduceError(final ByteBuffer records, final ErrorCode expected) throws IOException
    {
        expectProduceError(records, r ->
        {
            assertThat(r.errorCode()).isEqualTo(expected.code);
            assertThat(r.errorMessage()).isNotBlank();
            assertThat(r.baseOffset()).isEqualTo(-1);
        });
    }

    private void expectProduceError(final ByteBuffer records, final Consumer<ProduceResponse.PartitionResponse> check)
        throws IOException
    {
        try (RawKafkaConnection c = connect())
        {
            final long before = latestOffset(c, TOPIC);
            check.accept(producePartition(c, PRODUCE_V, RawKafkaConnection.produce(TOPIC, 0, (short)-1, records)));
            assertThat(latestOffset(c, TOPIC)).as("nothing appended").isEqualTo(before);
        }
    }
}
