package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.OffsetDeleteRequest;
import io.osprey.protocol.message.OffsetDeleteResponse;

/** OffsetDelete (key 47) v0 against Kafka's generated codec, both directions. */
class OffsetDeleteMessageTest
{
    private static final ApiKey API = ApiKey.OFFSET_DELETE;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static OffsetDeleteRequest request()
    {
        return new OffsetDeleteRequest("orders-consumers", List.of(new OffsetDeleteRequest.Topic("orders", List.of(0, 3, 7)),
            new OffsetDeleteRequest.Topic("événements", List.of(1))));
    }

    static OffsetDeleteRequestData kafka(final OffsetDeleteRequest m)
    {
        final OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        for (final OffsetDeleteRequest.Topic t : m.topics())
        {
            final List<OffsetDeleteRequestData.OffsetDeleteRequestPartition> partitions = new ArrayList<>();
            for (final int p : t.partitions())
            {
                partitions.add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(p));
            }
            topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetDeleteRequestData().setGroupId(m.groupId()).setTopics(topics);
    }

    static OffsetDeleteResponse response()
    {
        return new OffsetDeleteResponse((short)0, 17, List.of(
            new OffsetDeleteResponse.Topic("orders", List.of(new OffsetDeleteResponse.Partition(0, (short)0),
                new OffsetDeleteResponse.Partition(3, (short)86))),
            new OffsetDeleteResponse.Topic("événements", List.of(new OffsetDeleteResponse.Partition(1, (short)0)))));
    }

    static OffsetDeleteResponseData kafka(final OffsetDeleteResponse m)
    {
        final OffsetDeleteResponseData.OffsetDeleteResponseTopicCollection topics =
            new OffsetDeleteResponseData.OffsetDeleteResponseTopicCollection();
        for (final OffsetDeleteResponse.Topic t : m.topics())
        {
            final OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection partitions =
                new OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection();
            for (final OffsetDeleteResponse.Partition p : t.partitions())
            {
                partitions.add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                    .setErrorCode(p.errorCode()));
            }
            topics.add(new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetDeleteResponseData().setErrorCode(m.errorCode()).setThrottleTimeMs(m.throttleTimeMs()).setTopics(topics);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(), kafka(request()), API, version, OffsetDeleteRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request()), request(), API, version, OffsetDeleteRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(), kafka(response()), API, version, OffsetDeleteResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response()), response(), API, version, OffsetDeleteResponse::read);
    }
}
