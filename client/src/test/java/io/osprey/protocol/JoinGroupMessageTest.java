package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;

/** JoinGroup (key 11) v0-9 against Kafka's generated codec, both directions. */
class JoinGroupMessageTest
{
    private static final ApiKey API = ApiKey.JOIN_GROUP;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static JoinGroupRequest request(final short version)
    {
        return new JoinGroupRequest("orders-consumers", 45_000, version >= 1 ? 300_000 : -1, "consumer-1-7f3a",
            version >= 5 ? "instance-é" : null, "consumer",
            List.of(new JoinGroupRequest.Protocol("range", GroupWire.utf8("range-metadata")),
                new JoinGroupRequest.Protocol("cooperative-sticky", new byte[] {0, 3, -1, 42})),
            version >= 8 ? "rebalance after metadata change" : null);
    }

    static JoinGroupRequestData kafka(final JoinGroupRequest m)
    {
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        for (final JoinGroupRequest.Protocol p : m.protocols())
        {
            protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(p.name()).setMetadata(p.metadata()));
        }
        return new JoinGroupRequestData().setGroupId(m.groupId()).setSessionTimeoutMs(m.sessionTimeoutMs())
            .setRebalanceTimeoutMs(m.rebalanceTimeoutMs()).setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
            .setProtocolType(m.protocolType()).setProtocols(protocols).setReason(m.reason());
    }

    static JoinGroupResponse response(final short version)
    {
        return new JoinGroupResponse(version >= 2 ? 75 : 0, (short)27, 12, version >= 7 ? "consumer" : null, "range", "consumer-1-7f3a",
            version >= 9, "consumer-2-91bc",
            List.of(new JoinGroupResponse.Member("consumer-1-7f3a", version >= 5 ? "instance-1" : null, GroupWire.utf8("m1")),
                new JoinGroupResponse.Member("consumer-2-91bc", null, new byte[] {9, 8, 7})));
    }

    static JoinGroupResponseData kafka(final JoinGroupResponse m)
    {
        final List<JoinGroupResponseData.JoinGroupResponseMember> members = new ArrayList<>();
        for (final JoinGroupResponse.Member x : m.members())
        {
            members.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(x.memberId())
                .setGroupInstanceId(x.groupInstanceId()).setMetadata(x.metadata()));
        }
        return new JoinGroupResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setGenerationId(m.generationId()).setProtocolType(m.protocolType()).setProtocolName(m.protocolName())
            .setLeader(m.leader()).setSkipAssignment(m.skipAssignment()).setMemberId(m.memberId()).setMembers(members);
    }

    static IntStream nullableProtocolNameVersions()
    {
        return versions().filter(v -> v >= 7);
    }

    /** From v7 the selected protocol name is nullable (an error response before any protocol was chosen). */
    @ParameterizedTest(name = "v{0}")
    @MethodSource("nullableProtocolNameVersions")
    void nullProtocolNameBothWays(final int v)
    {
        final short version = (short)v;
        final JoinGroupResponse m = new JoinGroupResponse(0, (short)25, -1, null, null, "", false, "", List.of());
        GroupWire.assertKafkaReads(m, kafka(m), API, version, JoinGroupResponseData::new);
        GroupWire.assertOspreyReads(kafka(m), m, API, version, JoinGroupResponse::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, JoinGroupRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, JoinGroupRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, JoinGroupResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, JoinGroupResponse::read);
    }
}
