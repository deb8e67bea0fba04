package io.osprey.protocol;

import static io.osprey.protocol.KafkaCodecReferee.array;
import static io.osprey.protocol.KafkaCodecReferee.batch;
import static io.osprey.protocol.KafkaCodecReferee.kafkaRecords;
import static io.osprey.protocol.KafkaCodecReferee.ospreyRecords;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.ProduceResponse;

/** Produce (key 0) request and response against Kafka's generated codecs, every served version. */
class ProduceCodecTest
{
    static IntStream versions()
    {
        return KafkaCodecReferee.versions(ApiKey.PRODUCE);
    }

    /** Versions Kafka 4.x's generated classes still write and read (3+). */
    static IntStream kafkaVersions()
    {
        return versions().filter(v -> v >= 3);
    }

    /** v0-2: still advertised for old librdkafka, below what Kafka 4.x's generated classes handle. */
    static IntStream legacyVersions()
    {
        return versions().filter(v -> v < 3);
    }

    static ProduceRequest request(final short v)
    {
        final List<ProduceRequest.TopicData> topics = List.of(
            new ProduceRequest.TopicData("orders", List.of(
                new ProduceRequest.PartitionData(0, ospreyRecords(batch(0, "a", "bb", "ccc"))),
                new ProduceRequest.PartitionData(1, null))),
            new ProduceRequest.TopicData("payments", List.of(
                new ProduceRequest.PartitionData(3, ospreyRecords(batch(0, "payment"))))));
        return new ProduceRequest(v >= 3 ? "txn-1" : null, (short)-1, 30_000, topics);
    }

    static ProduceRequestData toKafka(final ProduceRequest m)
    {
        final ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        for (final ProduceRequest.TopicData t : m.topicData())
        {
            final List<ProduceRequestData.PartitionProduceData> partitions = new ArrayList<>();
            for (final ProduceRequest.PartitionData p : t.partitionData())
            {
                partitions.add(new ProduceRequestData.PartitionProduceData().setIndex(p.index()).setRecords(kafkaRecords(p.records())));
            }
            topics.add(new ProduceRequestData.TopicProduceData().setName(t.name()).setPartitionData(partitions));
        }
        return new ProduceRequestData().setTransactionalId(m.transactionalId()).setAcks(m.acks()).setTimeoutMs(m.timeoutMs())
            .setTopicData(topics);
    }

    static ProduceResponse response(final short v)
    {
        final ProduceResponse.PartitionResponse ok = new ProduceResponse.PartitionResponse(0, (short)0, 1_000L,
            v >= 2 ? 1_700_000_000_123L : -1L, v >= 5 ? 10L : -1L,
            v >= 8 ? List.of(new ProduceResponse.RecordError(3, "bad key"), new ProduceResponse.RecordError(7, null)) : List.of(),
            v >= 8 ? "batch rejected" : null, null);
        final ProduceResponse.PartitionResponse moved = new ProduceResponse.PartitionResponse(1, (short)6, -1L, -1L,
            v >= 5 ? 0L : -1L, List.of(), null, v >= 10 ? new ProduceResponse.LeaderIdAndEpoch(3, 12) : null);
        final List<ProduceResponse.NodeEndpoint> endpoints = v >= 10
            ? List.of(new ProduceResponse.NodeEndpoint(3, "broker-3.example", 9094, "rack-c"),
                new ProduceResponse.NodeEndpoint(4, "broker-4.example", 9095, null))
            : List.of();
        return new ProduceResponse(List.of(new ProduceResponse.TopicResponse("orders", List.of(ok, moved)),
            new ProduceResponse.TopicResponse("payments", List.of())), v >= 1 ? 120 : 0, endpoints);
    }

    static ProduceResponseData toKafka(final ProduceResponse m)
    {
        final ProduceResponseData.TopicProduceResponseCollection topics = new ProduceResponseData.TopicProduceResponseCollection();
        for (final ProduceResponse.TopicResponse t : m.responses())
        {
            final List<ProduceResponseData.PartitionProduceResponse> partitions = new ArrayList<>();
            for (final ProduceResponse.PartitionResponse p : t.partitionResponses())
            {
                final List<ProduceResponseData.BatchIndexAndErrorMessage> errors = new ArrayList<>();
                for (final ProduceResponse.RecordError e : p.recordErrors())
                {
                    errors.add(new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(e.batchIndex())
                        .setBatchIndexErrorMessage(e.batchIndexErrorMessage()));
                }
                final ProduceResponseData.PartitionProduceResponse kp = new ProduceResponseData.PartitionProduceResponse()
                    .setIndex(p.index()).setErrorCode(p.errorCode()).setBaseOffset(p.baseOffset())
                    .setLogAppendTimeMs(p.logAppendTimeMs()).setLogStartOffset(p.logStartOffset()).setRecordErrors(errors)
                    .setErrorMessage(p.errorMessage());
                if (p.currentLeader() != null)
                {
                    kp.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(p.currentLeader().leaderId())
                        .setLeaderEpoch(p.currentLeader().leaderEpoch()));
                }
                partitions.add(kp);
            }
            topics.add(new ProduceResponseData.TopicProduceResponse().setName(t.name()).setPartitionResponses(partitions));
        }
        final ProduceResponseData.NodeEndpointCollection endpoints = new ProduceResponseData.NodeEndpointCollection();
        for (final ProduceResponse.NodeEndpoint e : m.nodeEndpoints())
        {
            endpoints.add(new ProduceResponseData.NodeEndpoint().setNodeId(e.nodeId()).setHost(e.host()).setPort(e.port())
                .setRack(e.rack()));
        }
        return new ProduceResponseData().setResponses(topics).setThrottleTimeMs(m.throttleTimeMs()).setNodeEndpoints(endpoints);
    }

    @ParameterizedTest
    @MethodSource("kafkaVersions")
    void requestOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final ProduceRequest m = request(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.PRODUCE, v, m, toKafka(m), ProduceRequestData::new);
    }

    @ParameterizedTest
    @MethodSource("kafkaVersions")
    void requestKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final ProduceRequest m = request(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.PRODUCE, v, toKafka(m), m, ProduceRequest::read);
    }

    @ParameterizedTest
    @MethodSource("kafkaVersions")
    void responseOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final ProduceResponse m = response(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.PRODUCE, v, m, toKafka(m), ProduceResponseData::new);
    }

    @ParameterizedTest
    @MethodSource("kafkaVersions")
    void responseKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final ProduceResponse m = response(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.PRODUCE, v, toKafka(m), m, ProduceResponse::read);
    }

    /** Produce v0-2 requests are v3's layout without the leading transactional id: checked against Kafka's v3. */
    @ParameterizedTest
    @MethodSource("legacyVersions")
    void legacyRequestOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final ProduceRequest m = request(v);
        final byte[] osprey = array(KafkaCodecReferee.ospreyBytes(m, ApiKey.PRODUCE, v));
        final byte[] asV3 = ByteBuffer.allocate(osprey.length + 2).putShort((short)-1).put(osprey).array();
        final ProduceRequestData read = new ProduceRequestData(new ByteBufferAccessor(ByteBuffer.wrap(asV3)), (short)3);
        assertThat(read).isEqualTo(toKafka(m));
        assertThat(asV3).isEqualTo(array(KafkaCodecReferee.kafkaBytes(toKafka(m), (short)3)));
    }

    @ParameterizedTest
    @MethodSource("legacyVersions")
    void legacyRequestKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final ProduceRequest m = request(v);
        final ByteBuffer v3 = KafkaCodecReferee.kafkaBytes(toKafka(m), (short)3);
        assertThat(v3.getShort()).as("null transactional id").isEqualTo((short)-1);
        final ByteBuffer body = v3.slice();
        final ProtocolReader r = new ProtocolReader(body.duplicate(), false);
        assertThat(ProduceRequest.read(r, v)).isEqualTo(m);
        assertThat(r.remaining()).isZero();
        assertThat(array(KafkaCodecReferee.ospreyBytes(m, ApiKey.PRODUCE, v))).isEqualTo(array(body));
    }

    /** Produce response v2 is laid out as v3 (v3 changed only the request). */
    @Test
    void responseV2IsLaidOutAsV3()
    {
        final short v = 2;
        final ProduceResponse m = response(v);
        final ByteBuffer osprey = KafkaCodecReferee.ospreyBytes(m, ApiKey.PRODUCE, v);
        final ByteBuffer kafka = KafkaCodecReferee.kafkaBytes(toKafka(m), (short)3);
        assertThat(array(osprey)).isEqualTo(array(kafka));
        assertThat(new ProduceResponseData(new ByteBufferAccessor(osprey), (short)3)).isEqualTo(toKafka(m));
        final ProtocolReader r = new ProtocolReader(kafka, false);
        assertThat(ProduceResponse.read(r, v)).isEqualTo(m);
        assertThat(r.remaining()).isZero();
    }

    /** Produce response v0 and v1, by hand from the schema: v1 adds throttleTimeMs, v2 logAppendTimeMs. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void legacyResponseLayout(final int version)
    {
        final short v = (short)version;
        final ByteBuffer expected = ByteBuffer.allocate(256);
        expected.putInt(2);
        putString(expected, "orders");
        expected.putInt(2);
        expected.putInt(0).putShort((short)0).putLong(1_000L);
        expected.putInt(1).putShort((short)6).putLong(-1L);
        putString(expected, "payments");
        expected.putInt(0);
        if (v >= 1)
        {
            expected.putInt(120);
        }
        expected.flip();
        final ProduceResponse m = response(v);
        assertThat(array(KafkaCodecReferee.ospreyBytes(m, ApiKey.PRODUCE, v))).isEqualTo(array(expected));
        final ProtocolReader r = new ProtocolReader(expected, false);
        assertThat(ProduceResponse.read(r, v)).isEqualTo(m);
        assertThat(r.remaining()).isZero();
    }

    private static void putString(final ByteBuffer b, final String s)
    {
        final byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        b.putShort((short)bytes.length).put(bytes);
    }

    @Test
    void decodedRecordsAreASliceOfTheRequestAndValidForKafka()
    {
        final short v = 9;
        final ByteBuffer wire = KafkaCodecReferee.kafkaBytes(toKafka(request(v)), v);
        final ProduceRequest read = ProduceRequest.read(new ProtocolReader(wire, true), v);
        final MemoryRecords records = read.topicData().get(0).partitionData().get(0).records();
        // A view of the request buffer, not a copy.
        assertThat(records.buffer().array()).isSameAs(wire.array());
        final org.apache.kafka.common.record.internal.MemoryRecords kafka = kafkaRecords(records);
        int batches = 0;
        for (final MutableRecordBatch b : kafka.batches())
        {
            b.ensureValid();
            assertThat(b.countOrNull()).isEqualTo(3);
            batches++;
        }
        assertThat(batches).isEqualTo(1);
    }

    @Test
    void kafkaReadsEveryTopicOfAnOspreyRequest()
    {
        final short v = 12;
        final ByteBuffer wire = KafkaCodecReferee.ospreyBytes(request(v), ApiKey.PRODUCE, v);
        final ProduceRequestData d = new ProduceRequestData(new ByteBufferAccessor(wire), v);
        assertThat(d.topicData()).extracting(ProduceRequestData.TopicProduceData::name).containsExactly("orders", "payments");
        assertThat(d.topicData().find("orders", org.apache.kafka.common.Uuid.ZERO_UUID).partitionData().get(1).records()).isNull();
    }
}
