package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.LeaveGroupResponse;

/** LeaveGroup (key 13) v0-5 against Kafka's generated codec, both directions. */
class LeaveGroupMessageTest
{
    private static final ApiKey API = ApiKey.LEAVE_GROUP;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static LeaveGroupRequest request(final short version)
    {
        if (version <= 2)
        {
            return new LeaveGroupRequest("orders-consumers", "consumer-1-7f3a", List.of());
        }
        final boolean v5 = version >= 5;
        return new LeaveGroupRequest("orders-consumers", "", List.of(
            new LeaveGroupRequest.MemberIdentity("consumer-1-7f3a", "instance-é", v5 ? "the consumer is being closed" : null),
            new LeaveGroupRequest.MemberIdentity("consumer-2-91bc", null, null)));
    }

    static LeaveGroupRequestData kafka(final LeaveGroupRequest m)
    {
        final List<LeaveGroupRequestData.MemberIdentity> members = new ArrayList<>();
        for (final LeaveGroupRequest.MemberIdentity x : m.members())
        {
            members.add(new LeaveGroupRequestData.MemberIdentity().setMemberId(x.memberId()).setGroupInstanceId(x.groupInstanceId())
                .setReason(x.reason()));
        }
        return new LeaveGroupRequestData().setGroupId(m.groupId()).setMemberId(m.memberId()).setMembers(members);
    }

    static LeaveGroupResponse response(final short version)
    {
        return new LeaveGroupResponse(version >= 1 ? 64 : 0, (short)25, version >= 3
            ? List.of(new LeaveGroupResponse.MemberResponse("consumer-1-7f3a", "instance-é", (short)0),
                new LeaveGroupResponse.MemberResponse("consumer-2-91bc", null, (short)25))
            : List.of());
    }

    static LeaveGroupResponseData kafka(final LeaveGroupResponse m)
    {
        final List<LeaveGroupResponseData.MemberResponse> members = new ArrayList<>();
        for (final LeaveGroupResponse.MemberResponse x : m.members())
        {
            members.add(new LeaveGroupResponseData.MemberResponse().setMemberId(x.memberId()).setGroupInstanceId(x.groupInstanceId())
                .setErrorCode(x.errorCode()));
        }
        return new LeaveGroupResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode()).setMembers(members);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, LeaveGroupRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, LeaveGroupRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, LeaveGroupResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, LeaveGroupResponse::read);
    }
}
