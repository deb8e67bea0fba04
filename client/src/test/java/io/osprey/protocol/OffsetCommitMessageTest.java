package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;

/** OffsetCommit (key 8) v2-9 against Kafka's generated codec, both directions. */
class OffsetCommitMessageTest
{
    private static final ApiKey API = ApiKey.OFFSET_COMMIT;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static OffsetCommitRequest request(final short version)
    {
        final int epoch = version >= 6 ? 17 : -1;
        return new OffsetCommitRequest("orders-consumers", 12, "consumer-1-7f3a", version >= 7 ? "instance-é" : null,
            version <= 4 ? 86_400_000L : -1L, List.of(
                new OffsetCommitRequest.Topic("orders", List.of(
                    new OffsetCommitRequest.Partition(0, 1_234_567_890_123L, epoch, "checkpoint-1"),
                    new OffsetCommitRequest.Partition(5, 42L, epoch, null))),
                new OffsetCommitRequest.Topic("événements", List.of(new OffsetCommitRequest.Partition(2, 0L, epoch, "")))));
    }

    static OffsetCommitRequestData kafka(final OffsetCommitRequest m)
    {
        final List<OffsetCommitRequestData.OffsetCommitRequestTopic> topics = new ArrayList<>();
        for (final OffsetCommitRequest.Topic t : m.topics())
        {
            final List<OffsetCommitRequestData.OffsetCommitRequestPartition> partitions = new ArrayList<>();
            for (final OffsetCommitRequest.Partition p : t.partitions())
            {
                partitions.add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(p.partitionIndex())
                    .setCommittedOffset(p.committedOffset()).setCommittedLeaderEpoch(p.committedLeaderEpoch())
                    .setCommittedMetadata(p.committedMetadata()));
            }
            topics.add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetCommitRequestData().setGroupId(m.groupId()).setGenerationIdOrMemberEpoch(m.generationIdOrMemberEpoch())
            .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId()).setRetentionTimeMs(m.retentionTimeMs()).setTopics(topics);
    }

    static OffsetCommitResponse response(final short version)
    {
        return new OffsetCommitResponse(version >= 3 ? 88 : 0, List.of(
            new OffsetCommitResponse.Topic("orders", List.of(new OffsetCommitResponse.Partition(0, (short)0),
                new OffsetCommitResponse.Partition(5, (short)22))),
            new OffsetCommitResponse.Topic("événements", List.of(new OffsetCommitResponse.Partition(2, (short)3)))));
    }

    static OffsetCommitResponseData kafka(final OffsetCommitResponse m)
    {
        final List<OffsetCommitResponseData.OffsetCommitResponseTopic> topics = new ArrayList<>();
        for (final OffsetCommitResponse.Topic t : m.topics())
        {
            final List<OffsetCommitResponseData.OffsetCommitResponsePartition> partitions = new ArrayList<>();
            for (final OffsetCommitResponse.Partition p : t.partitions())
            {
                partitions.add(new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                    .setErrorCode(p.errorCode()));
            }
            topics.add(new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetCommitResponseData().setThrottleTimeMs(m.throttleTimeMs()).setTopics(topics);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, OffsetCommitRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, OffsetCommitRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, OffsetCommitResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, OffsetCommitResponse::read);
    }
}
