package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;

/**
 * OffsetFetch (key 9) v1-8 against Kafka's generated codec, both directions. Even versions from
 * v2 (where the topic list becomes nullable) ask for all topics with a null list.
 */
class OffsetFetchMessageTest
{
    private static final ApiKey API = ApiKey.OFFSET_FETCH;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    private static List<OffsetFetchRequest.Topic> requestTopics()
    {
        return List.of(new OffsetFetchRequest.Topic("orders", List.of(0, 5, 7)),
            new OffsetFetchRequest.Topic("événements", List.of(2)));
    }

    static OffsetFetchRequest request(final short version)
    {
        if (version >= 8)
        {
            return new OffsetFetchRequest("", List.of(), List.of(
                new OffsetFetchRequest.Group("orders-consumers", requestTopics()),
                new OffsetFetchRequest.Group("audit-consumers", null),
                new OffsetFetchRequest.Group("idle", List.of())), true);
        }
        final boolean allTopics = version >= 2 && version % 2 == 0;
        return new OffsetFetchRequest("orders-consumers", allTopics ? null : requestTopics(), List.of(), version >= 7);
    }

    private static List<OffsetFetchRequestData.OffsetFetchRequestTopic> kafkaTopics(final List<OffsetFetchRequest.Topic> topics)
    {
        if (topics == null)
        {
            return null;
        }
        final List<OffsetFetchRequestData.OffsetFetchRequestTopic> out = new ArrayList<>();
        for (final OffsetFetchRequest.Topic t : topics)
        {
            out.add(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(t.name())
                .setPartitionIndexes(new ArrayList<>(t.partitionIndexes())));
        }
        return out;
    }

    static OffsetFetchRequestData kafka(final OffsetFetchRequest m)
    {
        final List<OffsetFetchRequestData.OffsetFetchRequestGroup> groups = new ArrayList<>();
        for (final OffsetFetchRequest.Group g : m.groups())
        {
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = null;
            if (g.topics() != null)
            {
                topics = new ArrayList<>();
                for (final OffsetFetchRequest.Topic t : g.topics())
                {
                    topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name())
                        .setPartitionIndexes(new ArrayList<>(t.partitionIndexes())));
                }
            }
            groups.add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(g.groupId()).setTopics(topics));
        }
        return new OffsetFetchRequestData().setGroupId(m.groupId()).setTopics(kafkaTopics(m.topics())).setGroups(groups)
            .setRequireStable(m.requireStable());
    }

    private static List<OffsetFetchResponse.Topic> responseTopics(final short version)
    {
        final int epoch = version >= 5 ? 17 : -1;
        return List.of(
            new OffsetFetchResponse.Topic("orders", List.of(
                new OffsetFetchResponse.Partition(0, 1_234_567_890_123L, epoch, "checkpoint-1", (short)0),
                new OffsetFetchResponse.Partition(5, -1L, epoch, null, (short)0))),
            new OffsetFetchResponse.Topic("événements", List.of(
                new OffsetFetchResponse.Partition(2, 99L, epoch, "", (short)3))));
    }

    static OffsetFetchResponse response(final short version)
    {
        if (version >= 8)
        {
            return new OffsetFetchResponse(51, List.of(), (short)0, List.of(
                new OffsetFetchResponse.Group("orders-consumers", responseTopics(version), (short)0),
                new OffsetFetchResponse.Group("audit-consumers", List.of(), (short)16)));
        }
        return new OffsetFetchResponse(version >= 3 ? 51 : 0, responseTopics(version), version >= 2 ? (short)14 : 0, List.of());
    }

    static OffsetFetchResponseData kafka(final OffsetFetchResponse m)
    {
        final List<OffsetFetchResponseData.OffsetFetchResponseTopic> topics = new ArrayList<>();
        for (final OffsetFetchResponse.Topic t : m.topics())
        {
            final List<OffsetFetchResponseData.OffsetFetchResponsePartition> partitions = new ArrayList<>();
            for (final OffsetFetchResponse.Partition p : t.partitions())
            {
                partitions.add(new OffsetFetchResponseData.OffsetFetchResponsePartition().setPartitionIndex(p.partitionIndex())
                    .setCommittedOffset(p.committedOffset()).setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
                    .setErrorCode(p.errorCode()));
            }
            topics.add(new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name()).setPartitions(partitions));
        }
        final List<OffsetFetchResponseData.OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (final OffsetFetchResponse.Group g : m.groups())
        {
            final List<OffsetFetchResponseData.OffsetFetchResponseTopics> groupTopics = new ArrayList<>();
            for (final OffsetFetchResponse.Topic t : g.topics())
            {
                final List<OffsetFetchResponseData.OffsetFetchResponsePartitions> partitions = new ArrayList<>();
                for (final OffsetFetchResponse.Partition p : t.partitions())
                {
                    partitions.add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(p.partitionIndex())
                        .setCommittedOffset(p.committedOffset()).setCommittedLeaderEpoch(p.committedLeaderEpoch())
                        .setMetadata(p.metadata()).setErrorCode(p.errorCode()));
                }
                groupTopics.add(new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t.name()).setPartitions(partitions));
            }
            groups.add(new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(g.groupId()).setTopics(groupTopics)
                .setErrorCode(g.errorCode()));
        }
        return new OffsetFetchResponseData().setThrottleTimeMs(m.throttleTimeMs()).setTopics(topics).setErrorCode(m.errorCode())
            .setGroups(groups);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, OffsetFetchRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, OffsetFetchRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, OffsetFetchResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, OffsetFetchResponse::read);
    }
}
