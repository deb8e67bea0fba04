package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeConfigsResponse;

/** DescribeConfigs (key 32) v1-4 against Kafka's generated codec, both directions. */
class DescribeConfigsMessageTest
{
    private static final ApiKey KEY = ApiKey.DESCRIBE_CONFIGS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static DescribeConfigsRequest request(final short version)
    {
        return new DescribeConfigsRequest(List.of(
            new DescribeConfigsRequest.DescribeConfigsResource((byte)2, "orders", List.of("cleanup.policy", "retention.ms")),
            new DescribeConfigsRequest.DescribeConfigsResource((byte)4, "1", null),
            new DescribeConfigsRequest.DescribeConfigsResource((byte)2, "événements-ü", List.of())),
            true, version >= 3);
    }

    static DescribeConfigsRequestData kafka(final DescribeConfigsRequest m)
    {
        final List<DescribeConfigsRequestData.DescribeConfigsResource> resources = new ArrayList<>();
        for (final DescribeConfigsRequest.DescribeConfigsResource r : m.resources())
        {
            resources.add(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(r.resourceType())
                .setResourceName(r.resourceName())
                .setConfigurationKeys(r.configurationKeys() == null ? null : new ArrayList<>(r.configurationKeys())));
        }
        return new DescribeConfigsRequestData()
            .setResources(resources)
            .setIncludeSynonyms(m.includeSynonyms())
            .setIncludeDocumentation(m.includeDocumentation());
    }

    static DescribeConfigsResponse response(final short version)
    {
        final boolean v3 = version >= 3;
        return new DescribeConfigsResponse(3, List.of(
            new DescribeConfigsResponse.DescribeConfigsResult((short)0, null, (byte)2, "orders", List.of(
                new DescribeConfigsResponse.DescribeConfigsResourceResult("cleanup.policy", "compact", false, (byte)1, false,
                    List.of(new DescribeConfigsResponse.DescribeConfigsSynonym("cleanup.policy", "compact", (byte)1),
                        new DescribeConfigsResponse.DescribeConfigsSynonym("log.cleanup.policy", null, (byte)5)),
                    v3 ? (byte)7 : 0, v3 ? "Designates the retention policy." : ""),
                new DescribeConfigsResponse.DescribeConfigsResourceResult("ssl.key.password", null, true, (byte)4, true,
                    List.of(), v3 ? (byte)9 : 0, v3 ? null : ""))),
            new DescribeConfigsResponse.DescribeConfigsResult((short)29, "Not authorized.", (byte)4, "1", List.of())));
    }

    static DescribeConfigsResponseData kafka(final DescribeConfigsResponse m)
    {
        final List<DescribeConfigsResponseData.DescribeConfigsResult> results = new ArrayList<>();
        for (final DescribeConfigsResponse.DescribeConfigsResult r : m.results())
        {
            final List<DescribeConfigsResponseData.DescribeConfigsResourceResult> configs = new ArrayList<>();
            for (final DescribeConfigsResponse.DescribeConfigsResourceResult c : r.configs())
            {
                final List<DescribeConfigsResponseData.DescribeConfigsSynonym> synonyms = new ArrayList<>();
                for (final DescribeConfigsResponse.DescribeConfigsSynonym s : c.synonyms())
                {
                    synonyms.add(new DescribeConfigsResponseData.DescribeConfigsSynonym()
                        .setName(s.name())
                        .setValue(s.value())
                        .setSource(s.source()));
                }
                configs.add(new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                    .setName(c.name())
                    .setValue(c.value())
                    .setReadOnly(c.readOnly())
                    .setConfigSource(c.configSource())
                    .setIsSensitive(c.isSensitive())
                    .setSynonyms(synonyms)
                    .setConfigType(c.configType())
                    .setDocumentation(c.documentation()));
            }
            results.add(new DescribeConfigsResponseData.DescribeConfigsResult()
                .setErrorCode(r.errorCode())
                .setErrorMessage(r.errorMessage())
                .setResourceType(r.resourceType())
                .setResourceName(r.resourceName())
                .setConfigs(configs));
        }
        return new DescribeConfigsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setResults(results);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, DescribeConfigsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, DescribeConfigsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, DescribeConfigsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, DescribeConfigsResponse::read);
    }
}
