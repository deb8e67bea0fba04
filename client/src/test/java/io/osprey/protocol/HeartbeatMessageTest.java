package io.osprey.protocol;

import java.util.stream.IntStream;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.HeartbeatResponse;

/** Heartbeat (key 12) v0-4 against Kafka's generated codec, both directions. */
class HeartbeatMessageTest
{
    private static final ApiKey API = ApiKey.HEARTBEAT;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static HeartbeatRequest request(final short version)
    {
        return new HeartbeatRequest("orders-consumers", 12, "consumer-1-7f3a", version >= 3 ? "instance-é" : null);
    }

    static HeartbeatRequestData kafka(final HeartbeatRequest m)
    {
        return new HeartbeatRequestData().setGroupId(m.groupId()).setGenerationId(m.generationId()).setMemberId(m.memberId())
            .setGroupInstanceId(m.groupInstanceId());
    }

    static HeartbeatResponse response(final short version)
    {
        return new HeartbeatResponse(version >= 1 ? 21 : 0, (short)27);
    }

    static HeartbeatResponseData kafka(final HeartbeatResponse m)
    {
        return new HeartbeatResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, HeartbeatRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, HeartbeatRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, HeartbeatResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, HeartbeatResponse::read);
    }
}
