package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.CreatePartitionsRequest;
import io.osprey.protocol.message.CreatePartitionsResponse;

/** CreatePartitions (key 37) v0-3 against Kafka's generated codec, both directions. */
class CreatePartitionsMessageTest
{
    private static final ApiKey KEY = ApiKey.CREATE_PARTITIONS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static CreatePartitionsRequest request(final short version)
    {
        return new CreatePartitionsRequest(List.of(
            new CreatePartitionsRequest.CreatePartitionsTopic("orders", 8,
                List.of(new CreatePartitionsRequest.CreatePartitionsAssignment(List.of(1, 2)),
                    new CreatePartitionsRequest.CreatePartitionsAssignment(List.of(2, 3)))),
            new CreatePartitionsRequest.CreatePartitionsTopic("événements-ü", 4, null)),
            5_000, true);
    }

    static CreatePartitionsRequestData kafka(final CreatePartitionsRequest m)
    {
        final CreatePartitionsRequestData.CreatePartitionsTopicCollection topics = new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
        for (final CreatePartitionsRequest.CreatePartitionsTopic t : m.topics())
        {
            List<CreatePartitionsRequestData.CreatePartitionsAssignment> assignments = null;
            if (t.assignments() != null)
            {
                assignments = new ArrayList<>();
                for (final CreatePartitionsRequest.CreatePartitionsAssignment a : t.assignments())
                {
                    assignments.add(new CreatePartitionsRequestData.CreatePartitionsAssignment().setBrokerIds(new ArrayList<>(a.brokerIds())));
                }
            }
            topics.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(t.name()).setCount(t.count()).setAssignments(assignments));
        }
        return new CreatePartitionsRequestData().setTopics(topics).setTimeoutMs(m.timeoutMs()).setValidateOnly(m.validateOnly());
    }

    static CreatePartitionsResponse response(final short version)
    {
        return new CreatePartitionsResponse(31, List.of(
            new CreatePartitionsResponse.CreatePartitionsTopicResult("orders", (short)37, "Topic already has 8 partitions."),
            new CreatePartitionsResponse.CreatePartitionsTopicResult("événements-ü", (short)0, null)));
    }

    static CreatePartitionsResponseData kafka(final CreatePartitionsResponse m)
    {
        final List<CreatePartitionsResponseData.CreatePartitionsTopicResult> results = new ArrayList<>();
        for (final CreatePartitionsResponse.CreatePartitionsTopicResult t : m.results())
        {
            results.add(new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                .setName(t.name())
                .setErrorCode(t.errorCode())
                .setErrorMessage(t.errorMessage()));
        }
        return new CreatePartitionsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setResults(results);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, CreatePartitionsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, CreatePartitionsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, CreatePartitionsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, CreatePartitionsResponse::read);
    }
}
