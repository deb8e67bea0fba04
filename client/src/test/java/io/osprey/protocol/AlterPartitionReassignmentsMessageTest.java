package io.osprey.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.AlterPartitionReassignmentsRequest;
import io.osprey.protocol.message.AlterPartitionReassignmentsResponse;

/** AlterPartitionReassignments (key 45) v0-1 against Kafka's generated codec, both directions, a cancel (null replicas) included. */
class AlterPartitionReassignmentsMessageTest
{
    private static final ApiKey KEY = ApiKey.ALTER_PARTITION_REASSIGNMENTS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static AlterPartitionReassignmentsRequest request(final short version)
    {
        // v0 has no allowReplicationFactorChange: it reads as true, Kafka's default.
        return new AlterPartitionReassignmentsRequest(45_000, version < 1, List.of(
            new AlterPartitionReassignmentsRequest.ReassignableTopic("orders", List.of(
                new AlterPartitionReassignmentsRequest.ReassignablePartition(0, List.of(3, 1, 2)),
                new AlterPartitionReassignmentsRequest.ReassignablePartition(4, null))),
            new AlterPartitionReassignmentsRequest.ReassignableTopic("événements-ü", List.of(
                new AlterPartitionReassignmentsRequest.ReassignablePartition(1, List.of())))));
    }

    static AlterPartitionReassignmentsRequestData kafka(final AlterPartitionReassignmentsRequest m)
    {
        final List<AlterPartitionReassignmentsRequestData.ReassignableTopic> topics = new ArrayList<>();
        for (final AlterPartitionReassignmentsRequest.ReassignableTopic t : m.topics())
        {
            final List<AlterPartitionReassignmentsRequestData.ReassignablePartition> partitions = new ArrayList<>();
            for (final AlterPartitionReassignmentsRequest.ReassignablePartition p : t.partitions())
            {
                partitions.add(new AlterPartitionReassignmentsRequestData.ReassignablePartition().setPartitionIndex(p.partitionIndex())
                    .setReplicas(p.replicas() == null ? null : new ArrayList<>(p.replicas())));
            }
            topics.add(new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName(t.name()).setPartitions(partitions));
        }
        return new AlterPartitionReassignmentsRequestData().setTimeoutMs(m.timeoutMs())
            .setAllowReplicationFactorChange(m.allowReplicationFactorChange()).setTopics(topics);
    }

    static AlterPartitionReassignmentsResponse response(final short version)
    {
        return new AlterPartitionReassignmentsResponse(9, true, (short)0, null, Arrays.asList(
            new AlterPartitionReassignmentsResponse.ReassignableTopicResponse("orders", List.of(
                new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse(0, (short)0, null),
                new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse(4, (short)85, "No reassignment is in progress"))),
            new AlterPartitionReassignmentsResponse.ReassignableTopicResponse("événements-ü", List.of(
                new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse(1, (short)39, "empty replica list")))));
    }

    static AlterPartitionReassignmentsResponse topLevelError(final short version)
    {
        return new AlterPartitionReassignmentsResponse(0, true, (short)42, "Request carries no partition", List.of());
    }

    static AlterPartitionReassignmentsResponseData kafka(final AlterPartitionReassignmentsResponse m)
    {
        final List<AlterPartitionReassignmentsResponseData.ReassignableTopicResponse> topics = new ArrayList<>();
        for (final AlterPartitionReassignmentsResponse.ReassignableTopicResponse t : m.responses())
        {
            final List<AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse> partitions = new ArrayList<>();
            for (final AlterPartitionReassignmentsResponse.ReassignablePartitionResponse p : t.partitions())
            {
                partitions.add(new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(p.errorCode()).setErrorMessage(p.errorMessage()));
            }
            topics.add(new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName(t.name()).setPartitions(partitions));
        }
        return new AlterPartitionReassignmentsResponseData().setThrottleTimeMs(m.throttleTimeMs())
            .setAllowReplicationFactorChange(m.allowReplicationFactorChange()).setErrorCode(m.errorCode())
            .setErrorMessage(m.errorMessage()).setResponses(topics);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, AlterPartitionReassignmentsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, AlterPartitionReassignmentsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, AlterPartitionReassignmentsResponseData::new);
        AdminWire.assertKafkaReads(topLevelError(version), kafka(topLevelError(version)), KEY, version,
            AlterPartitionReassignmentsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, AlterPartitionReassignmentsResponse::read);
        AdminWire.assertOspreyReads(kafka(topLevelError(version)), topLevelError(version), KEY, version,
            AlterPartitionReassignmentsResponse::read);
    }
}
