package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;

/** SyncGroup (key 14) v0-5 against Kafka's generated codec, both directions. */
class SyncGroupMessageTest
{
    private static final ApiKey API = ApiKey.SYNC_GROUP;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static SyncGroupRequest request(final short version)
    {
        final boolean v5 = version >= 5;
        return new SyncGroupRequest("orders-consumers", 12, "consumer-1-7f3a", version >= 3 ? "instance-é" : null,
            v5 ? "consumer" : null, v5 ? "range" : null,
            List.of(new SyncGroupRequest.Assignment("consumer-1-7f3a", GroupWire.utf8("orders:0,1")),
                new SyncGroupRequest.Assignment("consumer-2-91bc", new byte[] {0, 1, -128, 127})));
    }

    static SyncGroupRequestData kafka(final SyncGroupRequest m)
    {
        final List<SyncGroupRequestData.SyncGroupRequestAssignment> assignments = new ArrayList<>();
        for (final SyncGroupRequest.Assignment a : m.assignments())
        {
            assignments.add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(a.memberId()).setAssignment(a.assignment()));
        }
        return new SyncGroupRequestData().setGroupId(m.groupId()).setGenerationId(m.generationId()).setMemberId(m.memberId())
            .setGroupInstanceId(m.groupInstanceId()).setProtocolType(m.protocolType()).setProtocolName(m.protocolName())
            .setAssignments(assignments);
    }

    static SyncGroupResponse response(final short version)
    {
        final boolean v5 = version >= 5;
        return new SyncGroupResponse(version >= 1 ? 33 : 0, (short)27, v5 ? "consumer" : null, v5 ? "range" : null,
            new byte[] {0, 1, 2, -3, 4});
    }

    static SyncGroupResponseData kafka(final SyncGroupResponse m)
    {
        return new SyncGroupResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setProtocolType(m.protocolType()).setProtocolName(m.protocolName()).setAssignment(m.assignment());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, SyncGroupRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, SyncGroupRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, SyncGroupResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, SyncGroupResponse::read);
    }
}
