package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsResponse;

/** IncrementalAlterConfigs (key 44) v0-1 against Kafka's generated codec, both directions. */
class IncrementalAlterConfigsMessageTest
{
    private static final ApiKey KEY = ApiKey.INCREMENTAL_ALTER_CONFIGS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static IncrementalAlterConfigsRequest request(final short version)
    {
        return new IncrementalAlterConfigsRequest(List.of(
            new IncrementalAlterConfigsRequest.AlterConfigsResource((byte)2, "orders", List.of(
                new IncrementalAlterConfigsRequest.AlterableConfig("retention.ms", (byte)0, "86400000"),
                new IncrementalAlterConfigsRequest.AlterableConfig("cleanup.policy", (byte)1, null),
                new IncrementalAlterConfigsRequest.AlterableConfig("cleanup.policy", (byte)2, "compact"))),
            new IncrementalAlterConfigsRequest.AlterConfigsResource((byte)4, "1", List.of(
                new IncrementalAlterConfigsRequest.AlterableConfig("log.cleaner.threads", (byte)3, "2"))),
            new IncrementalAlterConfigsRequest.AlterConfigsResource((byte)2, "événements-ü", List.of())),
            true);
    }

    static IncrementalAlterConfigsRequestData kafka(final IncrementalAlterConfigsRequest m)
    {
        final IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection resources =
            new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection();
        for (final IncrementalAlterConfigsRequest.AlterConfigsResource r : m.resources())
        {
            final IncrementalAlterConfigsRequestData.AlterableConfigCollection configs = new IncrementalAlterConfigsRequestData.AlterableConfigCollection();
            for (final IncrementalAlterConfigsRequest.AlterableConfig c : r.configs())
            {
                configs.add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                    .setName(c.name())
                    .setConfigOperation(c.configOperation())
                    .setValue(c.value()));
            }
            resources.add(new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(r.resourceType())
                .setResourceName(r.resourceName())
                .setConfigs(configs));
        }
        return new IncrementalAlterConfigsRequestData().setResources(resources).setValidateOnly(m.validateOnly());
    }

    static IncrementalAlterConfigsResponse response(final short version)
    {
        return new IncrementalAlterConfigsResponse(9, List.of(
            new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse((short)0, null, (byte)2, "orders"),
            new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse((short)40, "Invalid value -3 for log.cleaner.threads",
                (byte)4, "1")));
    }

    static IncrementalAlterConfigsResponseData kafka(final IncrementalAlterConfigsResponse m)
    {
        final List<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse> responses = new ArrayList<>();
        for (final IncrementalAlterConfigsResponse.AlterConfigsResourceResponse r : m.responses())
        {
            responses.add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                .setErrorCode(r.errorCode())
                .setErrorMessage(r.errorMessage())
                .setResourceType(r.resourceType())
                .setResourceName(r.resourceName()));
        }
        return new IncrementalAlterConfigsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setResponses(responses);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, IncrementalAlterConfigsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, IncrementalAlterConfigsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, IncrementalAlterConfigsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, IncrementalAlterConfigsResponse::read);
    }
}
