package io.osprey.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeConfigsResponse;

/**
 * {@link Admin#describeConfigs} for the resources of one {@link CallTarget}: one
 * DescribeConfigs request asking for every key of each. Not thread-safe; see {@link AdminCall}.
 */
final class DescribeConfigsCall extends KeyedCall<ConfigResource, Config>
{
    private final CallTarget target;
    private final boolean includeDocumentation;

    DescribeConfigsCall(final long createdMs, final long deadlineMs, final CallTarget target,
        final Map<ConfigResource, CompletableFuture<Config>> futures, final boolean includeDocumentation)
    {
        super("describeConfigs", createdMs, deadlineMs, futures);
        this.target = target;
        this.includeDocumentation = includeDocumentation;
    }

    @Override
    CallTarget target()
    {
        return target;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.DESCRIBE_CONFIGS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        final List<DescribeConfigsRequest.DescribeConfigsResource> resources = new ArrayList<>();
        for (final ConfigResource r : outstandingKeys())
        {
            resources.add(new DescribeConfigsRequest.DescribeConfigsResource(r.type().id(), r.name(), null));
        }
        return new DescribeConfigsRequest(resources, false, includeDocumentation);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        for (final DescribeConfigsResponse.DescribeConfigsResult result : DescribeConfigsResponse.read(body, version).results())
        {
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.forId(result.resourceType()), result.resourceName());
            onKey(resource, result.errorCode(), result.errorMessage(), result, DescribeConfigsCall::config);
        }
        return endResponse("DescribeConfigs", r -> r.type() + " resource '" + r.name() + "'");
    }

    /** One resource's configs; an empty documentation string (what versions before v3 read as) becomes null. */
    static Config config(final DescribeConfigsResponse.DescribeConfigsResult result)
    {
        final List<ConfigEntry> entries = new ArrayList<>(result.configs().size());
        for (final DescribeConfigsResponse.DescribeConfigsResourceResult c : result.configs())
        {
            final String documentation = c.documentation() == null || c.documentation().isEmpty() ? null : c.documentation();
            entries.add(new ConfigEntry(c.name(), c.value(), ConfigEntry.ConfigSource.forId(c.configSource()), c.isSensitive(),
                c.readOnly(), ConfigEntry.ConfigType.forId(c.configType()), documentation));
        }
        return new Config(entries);
    }
}
