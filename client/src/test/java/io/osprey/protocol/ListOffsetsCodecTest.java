package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;

/** ListOffsets (key 2) request and response against Kafka's generated codecs, every served version. */
class ListOffsetsCodecTest
{
    static IntStream versions()
    {
        return KafkaCodecReferee.versions(ApiKey.LIST_OFFSETS);
    }

    static ListOffsetsRequest request(final short v)
    {
        return new ListOffsetsRequest(5, (byte)(v >= 2 ? 1 : 0), List.of(
            new ListOffsetsRequest.Topic("orders", List.of(
                new ListOffsetsRequest.Partition(0, v >= 4 ? 3 : -1, -2L),
                new ListOffsetsRequest.Partition(1, v >= 4 ? 4 : -1, 1_700_000_000_000L))),
            new ListOffsetsRequest.Topic("payments", List.of(new ListOffsetsRequest.Partition(7, v >= 4 ? 1 : -1, -1L)))));
    }

    static ListOffsetsRequestData toKafka(final ListOffsetsRequest m)
    {
        final List<ListOffsetsRequestData.ListOffsetsTopic> topics = new ArrayList<>();
        for (final ListOffsetsRequest.Topic t : m.topics())
        {
            final List<ListOffsetsRequestData.ListOffsetsPartition> partitions = new ArrayList<>();
            for (final ListOffsetsRequest.Partition p : t.partitions())
            {
                partitions.add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(p.partitionIndex())
                    .setCurrentLeaderEpoch(p.currentLeaderEpoch()).setTimestamp(p.timestamp()));
            }
            topics.add(new ListOffsetsRequestData.ListOffsetsTopic().setName(t.name()).setPartitions(partitions));
        }
        return new ListOffsetsRequestData().setReplicaId(m.replicaId()).setIsolationLevel(m.isolationLevel()).setTopics(topics);
    }

    static ListOffsetsResponse response(final short v)
    {
        return new ListOffsetsResponse(v >= 2 ? 10 : 0, List.of(
            new ListOffsetsResponse.Topic("orders", List.of(
                new ListOffsetsResponse.Partition(0, (short)0, 1_700_000_000_000L, 42L, v >= 4 ? 3 : -1),
                new ListOffsetsResponse.Partition(1, (short)3, -1L, -1L, -1))),
            new ListOffsetsResponse.Topic("payments", List.of())));
    }

    static ListOffsetsResponseData toKafka(final ListOffsetsResponse m)
    {
        final List<ListOffsetsResponseData.ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (final ListOffsetsResponse.Topic t : m.topics())
        {
            final List<ListOffsetsResponseData.ListOffsetsPartitionResponse> partitions = new ArrayList<>();
            for (final ListOffsetsResponse.Partition p : t.partitions())
            {
                partitions.add(new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                    .setErrorCode(p.errorCode()).setTimestamp(p.timestamp()).setOffset(p.offset()).setLeaderEpoch(p.leaderEpoch()));
            }
            topics.add(new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(t.name()).setPartitions(partitions));
        }
        return new ListOffsetsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setTopics(topics);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final ListOffsetsRequest m = request(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.LIST_OFFSETS, v, m, toKafka(m), ListOffsetsRequestData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final ListOffsetsRequest m = request(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.LIST_OFFSETS, v, toKafka(m), m, ListOffsetsRequest::read);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final ListOffsetsResponse m = response(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.LIST_OFFSETS, v, m, toKafka(m), ListOffsetsResponseData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final ListOffsetsResponse m = response(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.LIST_OFFSETS, v, toKafka(m), m, ListOffsetsResponse::read);
    }
}
