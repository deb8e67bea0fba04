package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.FindCoordinatorResponse;

/** FindCoordinator (key 10) v0-4 against Kafka's generated codec, both directions. */
class FindCoordinatorMessageTest
{
    private static final ApiKey API = ApiKey.FIND_COORDINATOR;

    static IntStream versions()
    {
        return GroupWire.versions(API);
    }

    static FindCoordinatorRequest request(final short version)
    {
        return new FindCoordinatorRequest(version <= 3 ? "orders-consumers" : "", version >= 1 ? (byte)1 : 0,
            version >= 4 ? List.of("orders-consumers", "tx-é") : List.of());
    }

    static FindCoordinatorRequestData kafka(final FindCoordinatorRequest m)
    {
        return new FindCoordinatorRequestData().setKey(m.key()).setKeyType(m.keyType())
            .setCoordinatorKeys(new ArrayList<>(m.coordinatorKeys()));
    }

    static FindCoordinatorResponse response(final short version)
    {
        if (version >= 4)
        {
            return new FindCoordinatorResponse(120, (short)0, "", 0, "", 0, List.of(
                new FindCoordinatorResponse.Coordinator("orders-consumers", 3, "broker-3.example", 9093, (short)0, null),
                new FindCoordinatorResponse.Coordinator("tx-é", -1, "", -1, (short)15, "coordinator not available")));
        }
        return new FindCoordinatorResponse(version >= 1 ? 120 : 0, (short)15, version >= 1 ? "loading" : "", 7, "broker-7.example",
            19092, List.of());
    }

    static FindCoordinatorResponseData kafka(final FindCoordinatorResponse m)
    {
        final List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
        for (final FindCoordinatorResponse.Coordinator c : m.coordinators())
        {
            coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(c.key()).setNodeId(c.nodeId()).setHost(c.host())
                .setPort(c.port()).setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()));
        }
        return new FindCoordinatorResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setErrorMessage(m.errorMessage()).setNodeId(m.nodeId()).setHost(m.host()).setPort(m.port()).setCoordinators(coordinators);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(request(version), kafka(request(version)), API, version, FindCoordinatorRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(request(version)), request(version), API, version, FindCoordinatorRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertKafkaReads(response(version), kafka(response(version)), API, version, FindCoordinatorResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        GroupWire.assertOspreyReads(kafka(response(version)), response(version), API, version, FindCoordinatorResponse::read);
    }
}
