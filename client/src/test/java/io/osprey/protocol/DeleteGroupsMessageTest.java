package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DeleteGroupsRequest;
import io.osprey.protocol.message.DeleteGroupsResponse;

/** DeleteGroups (key 42) v0-2 against Kafka's generated codec, both directions. */
class DeleteGroupsMessageTest
{
    private static final ApiKey API = ApiKey.DELETE_GROUPS;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static DeleteGroupsRequest request(final short version)
    {
        return new DeleteGroupsRequest(List.of("orders-consumers", "connect-é", "old"));
    }

    static DeleteGroupsRequestData kafka(final DeleteGroupsRequest m)
    {
        return new DeleteGroupsRequestData().setGroupsNames(new ArrayList<>(m.groupsNames()));
    }

    static DeleteGroupsResponse response(final short version)
    {
        return new DeleteGroupsResponse(41, List.of(new DeleteGroupsResponse.DeletableGroupResult("orders-consumers", (short)68),
            new DeleteGroupsResponse.DeletableGroupResult("connect-é", (short)0)));
    }

    static DeleteGroupsResponseData kafka(final DeleteGroupsResponse m)
    {
        final DeleteGroupsResponseData.DeletableGroupResultCollection results = new DeleteGroupsResponseData.DeletableGroupResultCollection();
        for (final DeleteGroupsResponse.DeletableGroupResult r : m.results())
        {
            results.add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(r.groupId()).setErrorCode(r.errorCode()));
        }
        return new DeleteGroupsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setResults(results);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, DeleteGroupsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, DeleteGroupsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, DeleteGroupsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, DeleteGroupsResponse::read);
    }
}
