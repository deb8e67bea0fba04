package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DeleteRecordsRequest;
import io.osprey.protocol.message.DeleteRecordsResponse;

/** DeleteRecords (key 21) v0-2 against Kafka's generated codec, both directions. */
class DeleteRecordsMessageTest
{
    private static final ApiKey API = ApiKey.DELETE_RECORDS;

    static IntStream versions()
    {
        return AdminWire.versions(API);
    }

    static DeleteRecordsRequest request()
    {
        return new DeleteRecordsRequest(List.of(
            new DeleteRecordsRequest.Topic("orders", List.of(new DeleteRecordsRequest.Partition(0, 1_000_000_000_123L),
                new DeleteRecordsRequest.Partition(7, DeleteRecordsRequest.HIGH_WATERMARK))),
            new DeleteRecordsRequest.Topic("événements", List.of(new DeleteRecordsRequest.Partition(2, 0)))), 30_000);
    }

    static DeleteRecordsRequestData kafka(final DeleteRecordsRequest m)
    {
        final List<DeleteRecordsRequestData.DeleteRecordsTopic> topics = new ArrayList<>();
        for (final DeleteRecordsRequest.Topic t : m.topics())
        {
            final List<DeleteRecordsRequestData.DeleteRecordsPartition> partitions = new ArrayList<>();
            for (final DeleteRecordsRequest.Partition p : t.partitions())
            {
                partitions.add(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(p.partitionIndex())
                    .setOffset(p.offset()));
            }
            topics.add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(t.name()).setPartitions(partitions));
        }
        return new DeleteRecordsRequestData().setTopics(topics).setTimeoutMs(m.timeoutMs());
    }

    static DeleteRecordsResponse response()
    {
        return new DeleteRecordsResponse(12, List.of(
            new DeleteRecordsResponse.Topic("orders", List.of(new DeleteRecordsResponse.Partition(0, 1_000_000_000_123L, (short)0),
                new DeleteRecordsResponse.Partition(7, -1, (short)1))),
            new DeleteRecordsResponse.Topic("événements", List.of(new DeleteRecordsResponse.Partition(2, 0, (short)44)))));
    }

    static DeleteRecordsResponseData kafka(final DeleteRecordsResponse m)
    {
        final DeleteRecordsResponseData.DeleteRecordsTopicResultCollection topics =
            new DeleteRecordsResponseData.DeleteRecordsTopicResultCollection();
        for (final DeleteRecordsResponse.Topic t : m.topics())
        {
            final DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection partitions =
                new DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection();
            for (final DeleteRecordsResponse.Partition p : t.partitions())
            {
                partitions.add(new DeleteRecordsResponseData.DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                    .setLowWatermark(p.lowWatermark()).setErrorCode(p.errorCode()));
            }
            topics.add(new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name()).setPartitions(partitions));
        }
        return new DeleteRecordsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setTopics(topics);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(), kafka(request()), API, version, DeleteRecordsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request()), request(), API, version, DeleteRecordsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(), kafka(response()), API, version, DeleteRecordsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response()), response(), API, version, DeleteRecordsResponse::read);
    }
}
