package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.ElectLeadersRequest;
import io.osprey.protocol.message.ElectLeadersResponse;

/** ElectLeaders (key 43) v0-2 against Kafka's generated codec, both directions, with a null (every partition) request too. */
class ElectLeadersMessageTest
{
    private static final ApiKey KEY = ApiKey.ELECT_LEADERS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static ElectLeadersRequest request(final short version)
    {
        // v0 has no election type: it always means preferred.
        return new ElectLeadersRequest(version >= 1 ? ElectLeadersRequest.UNCLEAN : ElectLeadersRequest.PREFERRED, List.of(
            new ElectLeadersRequest.TopicPartitions("orders", List.of(0, 2, 5)),
            new ElectLeadersRequest.TopicPartitions("événements-ü", List.of())), 30_000);
    }

    static ElectLeadersRequest allPartitions(final short version)
    {
        return new ElectLeadersRequest(ElectLeadersRequest.PREFERRED, null, 60_000);
    }

    static ElectLeadersRequestData kafka(final ElectLeadersRequest m)
    {
        ElectLeadersRequestData.TopicPartitionsCollection topics = null;
        if (m.topicPartitions() != null)
        {
            topics = new ElectLeadersRequestData.TopicPartitionsCollection();
            for (final ElectLeadersRequest.TopicPartitions t : m.topicPartitions())
            {
                topics.add(new ElectLeadersRequestData.TopicPartitions().setTopic(t.topic()).setPartitions(new ArrayList<>(t.partitions())));
            }
        }
        return new ElectLeadersRequestData().setElectionType(m.electionType()).setTopicPartitions(topics).setTimeoutMs(m.timeoutMs());
    }

    static ElectLeadersResponse response(final short version)
    {
        return new ElectLeadersResponse(17, version >= 1 ? (short)42 : 0, List.of(
            new ElectLeadersResponse.ReplicaElectionResult("orders", List.of(
                new ElectLeadersResponse.PartitionResult(0, (short)0, null),
                new ElectLeadersResponse.PartitionResult(2, (short)84, "Leader is already the preferred replica"),
                new ElectLeadersResponse.PartitionResult(5, (short)80, "broker 3 not live and in sync"))),
            new ElectLeadersResponse.ReplicaElectionResult("événements-ü", List.of())));
    }

    static ElectLeadersResponseData kafka(final ElectLeadersResponse m)
    {
        final List<ElectLeadersResponseData.ReplicaElectionResult> results = new ArrayList<>();
        for (final ElectLeadersResponse.ReplicaElectionResult t : m.replicaElectionResults())
        {
            final List<ElectLeadersResponseData.PartitionResult> partitions = new ArrayList<>();
            for (final ElectLeadersResponse.PartitionResult p : t.partitionResult())
            {
                partitions.add(new ElectLeadersResponseData.PartitionResult().setPartitionId(p.partitionId()).setErrorCode(p.errorCode())
                    .setErrorMessage(p.errorMessage()));
            }
            results.add(new ElectLeadersResponseData.ReplicaElectionResult().setTopic(t.topic()).setPartitionResult(partitions));
        }
        return new ElectLeadersResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setReplicaElectionResults(results);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, ElectLeadersRequestData::new);
        AdminWire.assertKafkaReads(allPartitions(version), kafka(allPartitions(version)), KEY, version, ElectLeadersRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, ElectLeadersRequest::read);
        AdminWire.assertOspreyReads(kafka(allPartitions(version)), allPartitions(version), KEY, version, ElectLeadersRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, ElectLeadersResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, ElectLeadersResponse::read);
    }
}
