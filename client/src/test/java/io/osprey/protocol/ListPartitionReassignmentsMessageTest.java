package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.ListPartitionReassignmentsRequest;
import io.osprey.protocol.message.ListPartitionReassignmentsResponse;

/** ListPartitionReassignments (key 46) v0 against Kafka's generated codec, both directions, with a null (everything) request too. */
class ListPartitionReassignmentsMessageTest
{
    private static final ApiKey KEY = ApiKey.LIST_PARTITION_REASSIGNMENTS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static ListPartitionReassignmentsRequest request(final short version)
    {
        return new ListPartitionReassignmentsRequest(20_000, List.of(
            new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics("orders", List.of(1, 3)),
            new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics("événements-ü", List.of())));
    }

    static ListPartitionReassignmentsRequest everything(final short version)
    {
        return new ListPartitionReassignmentsRequest(60_000, null);
    }

    static ListPartitionReassignmentsRequestData kafka(final ListPartitionReassignmentsRequest m)
    {
        List<ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics> topics = null;
        if (m.topics() != null)
        {
            topics = new ArrayList<>();
            for (final ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics t : m.topics())
            {
                topics.add(new ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics().setName(t.name())
                    .setPartitionIndexes(new ArrayList<>(t.partitionIndexes())));
            }
        }
        return new ListPartitionReassignmentsRequestData().setTimeoutMs(m.timeoutMs()).setTopics(topics);
    }

    static ListPartitionReassignmentsResponse response(final short version)
    {
        return new ListPartitionReassignmentsResponse(3, (short)0, null, List.of(
            new ListPartitionReassignmentsResponse.OngoingTopicReassignment("orders", List.of(
                new ListPartitionReassignmentsResponse.OngoingPartitionReassignment(1, List.of(3, 4, 1, 2), List.of(3, 4), List.of(1, 2)),
                new ListPartitionReassignmentsResponse.OngoingPartitionReassignment(3, List.of(2, 1, 3), List.of(3), List.of()))),
            new ListPartitionReassignmentsResponse.OngoingTopicReassignment("événements-ü", List.of())));
    }

    static ListPartitionReassignmentsResponse topLevelError(final short version)
    {
        return new ListPartitionReassignmentsResponse(0, (short)41, "This is not the controller", List.of());
    }

    static ListPartitionReassignmentsResponseData kafka(final ListPartitionReassignmentsResponse m)
    {
        final List<ListPartitionReassignmentsResponseData.OngoingTopicReassignment> topics = new ArrayList<>();
        for (final ListPartitionReassignmentsResponse.OngoingTopicReassignment t : m.topics())
        {
            final List<ListPartitionReassignmentsResponseData.OngoingPartitionReassignment> partitions = new ArrayList<>();
            for (final ListPartitionReassignmentsResponse.OngoingPartitionReassignment p : t.partitions())
            {
                partitions.add(new ListPartitionReassignmentsResponseData.OngoingPartitionReassignment().setPartitionIndex(p.partitionIndex())
                    .setReplicas(new ArrayList<>(p.replicas())).setAddingReplicas(new ArrayList<>(p.addingReplicas()))
                    .setRemovingReplicas(new ArrayList<>(p.removingReplicas())));
            }
            topics.add(new ListPartitionReassignmentsResponseData.OngoingTopicReassignment().setName(t.name()).setPartitions(partitions));
        }
        return new ListPartitionReassignmentsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setErrorMessage(m.errorMessage()).setTopics(topics);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, ListPartitionReassignmentsRequestData::new);
        AdminWire.assertKafkaReads(everything(version), kafka(everything(version)), KEY, version, ListPartitionReassignmentsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, ListPartitionReassignmentsRequest::read);
        AdminWire.assertOspreyReads(kafka(everything(version)), everything(version), KEY, version, ListPartitionReassignmentsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, ListPartitionReassignmentsResponseData::new);
        AdminWire.assertKafkaReads(topLevelError(version), kafka(topLevelError(version)), KEY, version,
            ListPartitionReassignmentsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, ListPartitionReassignmentsResponse::read);
        AdminWire.assertOspreyReads(kafka(topLevelError(version)), topLevelError(version), KEY, version,
            ListPartitionReassignmentsResponse::read);
    }
}
