package io.osprey.protocol;

import static io.osprey.protocol.KafkaCodecReferee.array;
import static io.osprey.protocol.KafkaCodecReferee.batch;
import static io.osprey.protocol.KafkaCodecReferee.kafkaRecords;
import static io.osprey.protocol.KafkaCodecReferee.ospreyRecords;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;

/** Fetch (key 1) request and response against Kafka's generated codecs, every served version. */
class FetchCodecTest
{
    static IntStream versions()
    {
        return KafkaCodecReferee.versions(ApiKey.FETCH);
    }

    static FetchRequest request(final short v)
    {
        final List<FetchRequest.FetchTopic> topics = List.of(
            new FetchRequest.FetchTopic("orders", List.of(
                new FetchRequest.FetchPartition(0, v >= 9 ? 8 : -1, 1_234L, v >= 12 ? 7 : -1, v >= 5 ? 100L : -1L, 1 << 20),
                new FetchRequest.FetchPartition(2, v >= 9 ? 9 : -1, 0L, v >= 12 ? 6 : -1, v >= 5 ? 0L : -1L, 65_536))),
            new FetchRequest.FetchTopic("payments", List.of(
                new FetchRequest.FetchPartition(1, v >= 9 ? 1 : -1, 77L, v >= 12 ? 1 : -1, v >= 5 ? 5L : -1L, 4_096))));
        final List<FetchRequest.ForgottenTopic> forgotten = v >= 7
            ? List.of(new FetchRequest.ForgottenTopic("old", List.of(1, 2)), new FetchRequest.ForgottenTopic("older", List.of()))
            : List.of();
        return new FetchRequest(v >= 12 ? "osprey-cluster" : null, 3, 500, 1, v >= 3 ? 52_428_800 : Integer.MAX_VALUE,
            (byte)(v >= 4 ? 1 : 0), v >= 7 ? 77 : 0, v >= 7 ? 5 : -1, topics, forgotten, v >= 11 ? "rack-a" : "");
    }

    static FetchRequestData toKafka(final FetchRequest m)
    {
        final List<FetchRequestData.FetchTopic> topics = new ArrayList<>();
        for (final FetchRequest.FetchTopic t : m.topics())
        {
            final List<FetchRequestData.FetchPartition> partitions = new ArrayList<>();
            for (final FetchRequest.FetchPartition p : t.partitions())
            {
                partitions.add(new FetchRequestData.FetchPartition().setPartition(p.partition())
                    .setCurrentLeaderEpoch(p.currentLeaderEpoch()).setFetchOffset(p.fetchOffset())
                    .setLastFetchedEpoch(p.lastFetchedEpoch()).setLogStartOffset(p.logStartOffset())
                    .setPartitionMaxBytes(p.partitionMaxBytes()));
            }
            topics.add(new FetchRequestData.FetchTopic().setTopic(t.topic()).setPartitions(partitions));
        }
        final List<FetchRequestData.ForgottenTopic> forgotten = new ArrayList<>();
        for (final FetchRequest.ForgottenTopic f : m.forgottenTopicsData())
        {
            forgotten.add(new FetchRequestData.ForgottenTopic().setTopic(f.topic()).setPartitions(f.partitions()));
        }
        return new FetchRequestData().setClusterId(m.clusterId()).setReplicaId(m.replicaId()).setMaxWaitMs(m.maxWaitMs())
            .setMinBytes(m.minBytes()).setMaxBytes(m.maxBytes()).setIsolationLevel(m.isolationLevel()).setSessionId(m.sessionId())
            .setSessionEpoch(m.sessionEpoch()).setTopics(topics).setForgottenTopicsData(forgotten).setRackId(m.rackId());
    }

    static FetchResponse response(final short v)
    {
        final FetchResponse.PartitionData full = new FetchResponse.PartitionData(0, (short)0, 500L, 480L, v >= 5 ? 10L : -1L,
            v >= 12 ? new FetchResponse.EpochEndOffset(4, 450L) : null,
            v >= 12 ? new FetchResponse.LeaderIdAndEpoch(2, 5) : null,
            v >= 12 ? new FetchResponse.SnapshotId(400L, 3) : null,
            List.of(new FetchResponse.AbortedTransaction(9_000L, 460L), new FetchResponse.AbortedTransaction(9_001L, 470L)),
            v >= 11 ? 2 : -1, ospreyRecords(batch(470L, "x", "yy")));
        final FetchResponse.PartitionData empty = new FetchResponse.PartitionData(1, (short)6, -1L, -1L, -1L, null, null, null,
            null, -1, null);
        final FetchResponse.PartitionData noData = new FetchResponse.PartitionData(2, (short)0, 7L, 7L, v >= 5 ? 7L : -1L, null,
            null, null, List.of(), -1, ospreyRecords(new byte[0]));
        return new FetchResponse(30, v >= 7 ? (short)71 : 0, v >= 7 ? 1_234 : 0,
            List.of(new FetchResponse.TopicResponse("orders", List.of(full, empty, noData)),
                new FetchResponse.TopicResponse("payments", List.of())));
    }

    static FetchResponseData toKafka(final FetchResponse m)
    {
        final List<FetchResponseData.FetchableTopicResponse> topics = new ArrayList<>();
        for (final FetchResponse.TopicResponse t : m.responses())
        {
            final List<FetchResponseData.PartitionData> partitions = new ArrayList<>();
            for (final FetchResponse.PartitionData p : t.partitions())
            {
                final FetchResponseData.PartitionData kp = new FetchResponseData.PartitionData().setPartitionIndex(p.partitionIndex())
                    .setErrorCode(p.errorCode()).setHighWatermark(p.highWatermark()).setLastStableOffset(p.lastStableOffset())
                    .setLogStartOffset(p.logStartOffset()).setPreferredReadReplica(p.preferredReadReplica())
                    .setRecords(kafkaRecords(p.records()));
                if (p.divergingEpoch() != null)
                {
                    kp.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(p.divergingEpoch().epoch())
                        .setEndOffset(p.divergingEpoch().endOffset()));
                }
                if (p.currentLeader() != null)
                {
                    kp.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(p.currentLeader().leaderId())
                        .setLeaderEpoch(p.currentLeader().leaderEpoch()));
                }
                if (p.snapshotId() != null)
                {
                    kp.setSnapshotId(new FetchResponseData.SnapshotId().setEndOffset(p.snapshotId().endOffset())
                        .setEpoch(p.snapshotId().epoch()));
                }
                if (p.abortedTransactions() == null)
                {
                    kp.setAbortedTransactions(null);
                }
                else
                {
                    final List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>();
                    for (final FetchResponse.AbortedTransaction a : p.abortedTransactions())
                    {
                        aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(a.producerId())
                            .setFirstOffset(a.firstOffset()));
                    }
                    kp.setAbortedTransactions(aborted);
                }
                partitions.add(kp);
            }
            topics.add(new FetchResponseData.FetchableTopicResponse().setTopic(t.topic()).setPartitions(partitions));
        }
        return new FetchResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setSessionId(m.sessionId()).setResponses(topics);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final FetchRequest m = request(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.FETCH, v, m, toKafka(m), FetchRequestData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final FetchRequest m = request(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.FETCH, v, toKafka(m), m, FetchRequest::read);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final FetchResponse m = response(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.FETCH, v, m, toKafka(m), FetchResponseData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final FetchResponse m = response(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.FETCH, v, toKafka(m), m, FetchResponse::read);
    }

    @Test
    void v12RequestWithoutClusterIdHasNoTaggedField()
    {
        final short v = 12;
        final FetchRequest base = request(v);
        final FetchRequest m = new FetchRequest(null, base.replicaId(), base.maxWaitMs(), base.minBytes(), base.maxBytes(),
            base.isolationLevel(), base.sessionId(), base.sessionEpoch(), base.topics(), base.forgottenTopicsData(), base.rackId());
        KafkaCodecReferee.ospreyToKafka(ApiKey.FETCH, v, m, toKafka(m), FetchRequestData::new);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.FETCH, v, toKafka(m), m, FetchRequest::read);
    }

    /**
     * Osprey's followers send their broker epoch (KIP-903) in the layout of Kafka's v15 ReplicaState
     * as tag 1000 of a v12 request: Osprey reads it back; Kafka's v12 parser skips the unknown tag.
     */
    @Test
    void replicaEpochTravelsAsATaggedFieldKafkaSkips()
    {
        final short v = 12;
        final FetchRequest base = request(v);
        final FetchRequest m = new FetchRequest(base.clusterId(), 3, base.maxWaitMs(), base.minBytes(), base.maxBytes(),
            base.isolationLevel(), base.sessionId(), base.sessionEpoch(), base.topics(), base.forgottenTopicsData(), base.rackId(),
            0x1234_5678_9abcL);
        final ByteBuffer wire = KafkaCodecReferee.ospreyBytes(m, ApiKey.FETCH, v);
        final ProtocolReader r = new ProtocolReader(wire.duplicate(), true);
        assertThat(FetchRequest.read(r, v)).isEqualTo(m);
        assertThat(r.remaining()).isZero();
        final FetchRequestData d = new FetchRequestData(new ByteBufferAccessor(wire.duplicate()), v);
        assertThat(d.replicaId()).isEqualTo(3);
        assertThat(d.clusterId()).isEqualTo(base.clusterId());
        assertThat(d.unknownTaggedFields()).hasSize(1);
        assertThat(d.unknownTaggedFields().get(0).tag()).isEqualTo(1000);
    }

    /** Replication depends on these two tagged fields: a follower truncates to the diverging epoch's end offset. */
    @Test
    void divergingEpochAndCurrentLeaderAreWrittenAndRead()
    {
        final short v = 12;
        final FetchResponse m = new FetchResponse(0, (short)0, 0, List.of(new FetchResponse.TopicResponse("orders", List.of(
            new FetchResponse.PartitionData(0, (short)0, 900L, 900L, 0L, new FetchResponse.EpochEndOffset(3, 850L), null, null,
                List.of(), -1, ospreyRecords(new byte[0])),
            new FetchResponse.PartitionData(1, (short)6, -1L, -1L, -1L, null, new FetchResponse.LeaderIdAndEpoch(4, 9), null, null,
                -1, null),
            new FetchResponse.PartitionData(2, (short)0, 10L, 10L, 0L, new FetchResponse.EpochEndOffset(0, 0L),
                new FetchResponse.LeaderIdAndEpoch(1, 1), null, List.of(), -1, ospreyRecords(batch(0L, "r")))))));

        final ByteBuffer wire = KafkaCodecReferee.ospreyBytes(m, ApiKey.FETCH, v);
        final FetchResponseData d = new FetchResponseData(new ByteBufferAccessor(wire.duplicate()), v);
        final List<FetchResponseData.PartitionData> ps = d.responses().get(0).partitions();
        assertThat(ps.get(0).divergingEpoch().epoch()).isEqualTo(3);
        assertThat(ps.get(0).divergingEpoch().endOffset()).isEqualTo(850L);
        assertThat(ps.get(0).currentLeader()).isEqualTo(new FetchResponseData.LeaderIdAndEpoch());
        assertThat(ps.get(1).currentLeader().leaderId()).isEqualTo(4);
        assertThat(ps.get(1).currentLeader().leaderEpoch()).isEqualTo(9);
        assertThat(ps.get(1).divergingEpoch()).isEqualTo(new FetchResponseData.EpochEndOffset());
        assertThat(ps.get(2).divergingEpoch().epoch()).isZero();
        assertThat(ps.get(2).currentLeader().leaderId()).isEqualTo(1);

        KafkaCodecReferee.ospreyToKafka(ApiKey.FETCH, v, m, toKafka(m), FetchResponseData::new);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.FETCH, v, toKafka(m), m, FetchResponse::read);
    }

    @Test
    void unknownTaggedFieldsAreSkipped()
    {
        final short v = 12;
        final FetchResponse m = response(v);
        final FetchResponseData d = toKafka(m);
        d.responses().get(0).partitions().get(0).unknownTaggedFields()
            .add(new org.apache.kafka.common.protocol.types.RawTaggedField(9, new byte[] {1, 2, 3}));
        d.unknownTaggedFields().add(new org.apache.kafka.common.protocol.types.RawTaggedField(5, new byte[] {4}));
        final ProtocolReader r = new ProtocolReader(KafkaCodecReferee.kafkaBytes(d, v), true);
        assertThat(FetchResponse.read(r, v)).isEqualTo(m);
        assertThat(r.remaining()).isZero();
    }

    @Test
    void responseRecordsReadByKafka()
    {
        final short v = 11;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] first = batch(100L, "one", "two");
        final byte[] second = batch(102L, "three");
        bytes.write(first, 0, first.length);
        bytes.write(second, 0, second.length);
        final FetchResponse m = new FetchResponse(0, (short)0, 0, List.of(new FetchResponse.TopicResponse("orders", List.of(
            new FetchResponse.PartitionData(0, (short)0, 103L, 103L, 0L, null, null, null, null, -1,
                ospreyRecords(bytes.toByteArray()))))));
        final FetchResponseData d = new FetchResponseData(
            new ByteBufferAccessor(KafkaCodecReferee.ospreyBytes(m, ApiKey.FETCH, v)), v);
        final org.apache.kafka.common.record.internal.MemoryRecords records =
            (org.apache.kafka.common.record.internal.MemoryRecords)d.responses().get(0).partitions().get(0).records();
        final List<String> values = new ArrayList<>();
        final List<Long> offsets = new ArrayList<>();
        for (final RecordBatch b : records.batches())
        {
            b.ensureValid();
            for (final Record r : b)
            {
                offsets.add(r.offset());
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
        }
        assertThat(offsets).containsExactly(100L, 101L, 102L);
        assertThat(values).containsExactly("one", "two", "three");
    }

    /** Records that are not in memory (a broker's file region) are kept as an external part, not copied. */
    @Test
    void externalRecordsBecomeAPartOfTheirOwn()
    {
        final short v = 12;
        final byte[] batchBytes = batch(5L, "from", "a", "file");
        final FileRegionStandIn region = new FileRegionStandIn(batchBytes);
        final FetchResponse m = new FetchResponse(0, (short)0, 9, List.of(new FetchResponse.TopicResponse("orders", List.of(
            new FetchResponse.PartitionData(0, (short)0, 8L, 8L, 0L, new FetchResponse.EpochEndOffset(1, 5L), null, null, List.of(),
                -1, region)))));
        final ProtocolWriter w = new ProtocolWriter().flexible(true);
        m.write(w, v);
        final List<Object> parts = w.parts();
        assertThat(parts).hasSize(3);
        assertThat(parts.get(1)).isSameAs(region);
        assertThat(w.size()).isEqualTo(((ByteBuffer)parts.get(0)).remaining() + batchBytes.length
            + ((ByteBuffer)parts.get(2)).remaining());

        // Assembled as the network layer would send it, the message is what Kafka writes for the in-memory equivalent.
        final ByteArrayOutputStream assembled = new ByteArrayOutputStream();
        for (final Object p : parts)
        {
            final byte[] b = p instanceof FileRegionStandIn f ? f.bytes : array((ByteBuffer)p);
            assembled.write(b, 0, b.length);
        }
        final FetchResponse inMemory = new FetchResponse(0, (short)0, 9, List.of(new FetchResponse.TopicResponse("orders", List.of(
            new FetchResponse.PartitionData(0, (short)0, 8L, 8L, 0L, new FetchResponse.EpochEndOffset(1, 5L), null, null, List.of(),
                -1, ospreyRecords(batchBytes))))));
        assertThat(assembled.toByteArray()).isEqualTo(array(KafkaCodecReferee.kafkaBytes(toKafka(inMemory), v)));
    }

    /** Stands in for a broker's file-backed records. */
    private static final class FileRegionStandIn implements Records
    {
        private final byte[] bytes;

        FileRegionStandIn(final byte[] bytes)
        {
            this.bytes = bytes;
        }

        @Override
        public int sizeInBytes()
        {
            return bytes.length;
        }
    }
}
