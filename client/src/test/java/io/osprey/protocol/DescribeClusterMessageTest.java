package io.osprey.protocol;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeClusterResponse;

/** DescribeCluster (key 60) v0-1 against Kafka's generated codec, both directions. */
class DescribeClusterMessageTest
{
    private static final ApiKey KEY = ApiKey.DESCRIBE_CLUSTER;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    /** Each version with a successful response and with an error response. */
    static Stream<Arguments> responseCases()
    {
        return versions().boxed().flatMap(v -> Stream.of(Arguments.of(v, false), Arguments.of(v, true)));
    }

    static DescribeClusterRequest request(final short version)
    {
        return new DescribeClusterRequest(true, version >= 1 ? (byte)2 : DescribeClusterRequest.ENDPOINT_TYPE_BROKERS);
    }

    static DescribeClusterRequestData kafka(final DescribeClusterRequest m)
    {
        return new DescribeClusterRequestData()
            .setIncludeClusterAuthorizedOperations(m.includeClusterAuthorizedOperations())
            .setEndpointType(m.endpointType());
    }

    static DescribeClusterResponse response(final short version, final boolean error)
    {
        return new DescribeClusterResponse(13, error ? (short)7 : 0, error ? "Request timed out." : null,
            version >= 1 ? (byte)2 : DescribeClusterRequest.ENDPOINT_TYPE_BROKERS, "osprey-cluster-ü", 2,
            List.of(new DescribeClusterResponse.DescribeClusterBroker(1, "broker-1.example", 9092, "rack-a"),
                new DescribeClusterResponse.DescribeClusterBroker(2, "broker-2.example", 19093, null)),
            0x0000_0f3c);
    }

    static DescribeClusterResponseData kafka(final DescribeClusterResponse m)
    {
        final DescribeClusterResponseData.DescribeClusterBrokerCollection brokers = new DescribeClusterResponseData.DescribeClusterBrokerCollection();
        for (final DescribeClusterResponse.DescribeClusterBroker b : m.brokers())
        {
            brokers.add(new DescribeClusterResponseData.DescribeClusterBroker()
                .setBrokerId(b.brokerId())
                .setHost(b.host())
                .setPort(b.port())
                .setRack(b.rack()));
        }
        return new DescribeClusterResponseData()
            .setThrottleTimeMs(m.throttleTimeMs())
            .setErrorCode(m.errorCode())
            .setErrorMessage(m.errorMessage())
            .setEndpointType(m.endpointType())
            .setClusterId(m.clusterId())
            .setControllerId(m.controllerId())
            .setBrokers(brokers)
            .setClusterAuthorizedOperations(m.clusterAuthorizedOperations());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, DescribeClusterRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, DescribeClusterRequest::read);
    }

    @ParameterizedTest(name = "v{0} error={1}")
    @MethodSource("responseCases")
    void kafkaReadsOspreyResponse(final int v, final boolean error)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version, error), kafka(response(version, error)), KEY, version,
            DescribeClusterResponseData::new);
    }

    @ParameterizedTest(name = "v{0} error={1}")
    @MethodSource("responseCases")
    void ospreyReadsKafkaResponse(final int v, final boolean error)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version, error)), response(version, error), KEY, version,
            DescribeClusterResponse::read);
    }
}
