package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DescribeGroupsRequest;
import io.osprey.protocol.message.DescribeGroupsResponse;

/** DescribeGroups (key 15) v0-5 against Kafka's generated codec, both directions. */
class DescribeGroupsMessageTest
{
    private static final ApiKey API = ApiKey.DESCRIBE_GROUPS;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static DescribeGroupsRequest request(final short version)
    {
        return new DescribeGroupsRequest(List.of("orders-consumers", "connect-é"), version >= 3);
    }

    static DescribeGroupsRequestData kafka(final DescribeGroupsRequest m)
    {
        return new DescribeGroupsRequestData().setGroups(new ArrayList<>(m.groups()))
            .setIncludeAuthorizedOperations(m.includeAuthorizedOperations());
    }

    static DescribeGroupsResponse response(final short version)
    {
        final int ops = version >= 3 ? 0b1_1010_1000 : DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED;
        return new DescribeGroupsResponse(version >= 1 ? 23 : 0, List.of(
            new DescribeGroupsResponse.DescribedGroup((short)0, "orders-consumers", "Stable", "consumer", "range", List.of(
                new DescribeGroupsResponse.Member("consumer-1-7f3a", version >= 4 ? "instance-é" : null, "client-1", "/10.0.0.7",
                    GroupWire.utf8("subscription"), new byte[] {0, 1, 2, -1}),
                new DescribeGroupsResponse.Member("consumer-2-91bc", null, "client-2", "/10.0.0.8", new byte[0], new byte[] {5})), ops),
            new DescribeGroupsResponse.DescribedGroup((short)69, "connect-é", "Dead", "", "", List.of(), ops)));
    }

    static DescribeGroupsResponseData kafka(final DescribeGroupsResponse m)
    {
        final List<DescribeGroupsResponseData.DescribedGroup> groups = new ArrayList<>();
        for (final DescribeGroupsResponse.DescribedGroup g : m.groups())
        {
            final List<DescribeGroupsResponseData.DescribedGroupMember> members = new ArrayList<>();
            for (final DescribeGroupsResponse.Member x : g.members())
            {
                members.add(new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(x.memberId())
                    .setGroupInstanceId(x.groupInstanceId()).setClientId(x.clientId()).setClientHost(x.clientHost())
                    .setMemberMetadata(x.memberMetadata()).setMemberAssignment(x.memberAssignment()));
            }
            groups.add(new DescribeGroupsResponseData.DescribedGroup().setErrorCode(g.errorCode()).setGroupId(g.groupId())
                .setGroupState(g.groupState()).setProtocolType(g.protocolType()).setProtocolData(g.protocolData()).setMembers(members)
                .setAuthorizedOperations(g.authorizedOperations()));
        }
        return new DescribeGroupsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setGroups(groups);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, DescribeGroupsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, DescribeGroupsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, DescribeGroupsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, DescribeGroupsResponse::read);
    }
}
