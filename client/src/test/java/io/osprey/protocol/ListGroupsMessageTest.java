package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.ListGroupsRequest;
import io.osprey.protocol.message.ListGroupsResponse;

/** ListGroups (key 16) v0-5 against Kafka's generated codec, both directions. */
class ListGroupsMessageTest
{
    private static final ApiKey API = ApiKey.LIST_GROUPS;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static ListGroupsRequest request(final short version)
    {
        return new ListGroupsRequest(version >= 4 ? List.of("Stable", "PreparingRebalance") : List.of(),
            version >= 5 ? List.of("classic") : List.of());
    }

    static ListGroupsRequestData kafka(final ListGroupsRequest m)
    {
        return new ListGroupsRequestData().setStatesFilter(new ArrayList<>(m.statesFilter()))
            .setTypesFilter(new ArrayList<>(m.typesFilter()));
    }

    static ListGroupsResponse response(final short version)
    {
        return new ListGroupsResponse(version >= 1 ? 19 : 0, (short)14, List.of(
            new ListGroupsResponse.ListedGroup("orders-consumers", "consumer", version >= 4 ? "Stable" : "",
                version >= 5 ? "classic" : ""),
            new ListGroupsResponse.ListedGroup("connect-é", "connect", version >= 4 ? "Empty" : "", version >= 5 ? "consumer" : "")));
    }

    static ListGroupsResponseData kafka(final ListGroupsResponse m)
    {
        final List<ListGroupsResponseData.ListedGroup> groups = new ArrayList<>();
        for (final ListGroupsResponse.ListedGroup g : m.groups())
        {
            groups.add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId()).setProtocolType(g.protocolType())
                .setGroupState(g.groupState()).setGroupType(g.groupType()));
        }
        return new ListGroupsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode()).setGroups(groups);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, ListGroupsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, ListGroupsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, ListGroupsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, ListGroupsResponse::read);
    }
}
