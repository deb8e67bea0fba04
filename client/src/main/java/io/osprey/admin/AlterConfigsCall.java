package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsResponse;

/**
 * {@link Admin#incrementalAlterConfigs} for the resources of one {@link CallTarget}: one
 * IncrementalAlterConfigs request. Not thread-safe; see {@link AdminCall}.
 */
final class AlterConfigsCall extends KeyedCall<ConfigResource, Void>
{
    private final CallTarget target;
    private final Map<ConfigResource, Collection<AlterConfigOp>> ops;
    private final boolean validateOnly;

    AlterConfigsCall(final long createdMs, final long deadlineMs, final CallTarget target,
        final Map<ConfigResource, Collection<AlterConfigOp>> ops, final Map<ConfigResource, CompletableFuture<Void>> futures,
        final boolean validateOnly)
    {
        super("incrementalAlterConfigs", createdMs, deadlineMs, futures);
        this.target = target;
        this.ops = ops;
        this.validateOnly = validateOnly;
    }

    @Override
    CallTarget target()
    {
        return target;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        final List<IncrementalAlterConfigsRequest.AlterConfigsResource> resources = new ArrayList<>();
        for (final ConfigResource r : outstandingKeys())
        {
            resources.add(resource(r, ops.get(r)));
        }
        return new IncrementalAlterConfigsRequest(resources, validateOnly);
    }

    /** One resource's changes on the wire: each op's id, key and value as given (Kafka sends a DELETE's value too). */
    static IncrementalAlterConfigsRequest.AlterConfigsResource resource(final ConfigResource resource, final Collection<AlterConfigOp> ops)
    {
        final List<IncrementalAlterConfigsRequest.AlterableConfig> configs = new ArrayList<>(ops.size());
        for (final AlterConfigOp op : ops)
        {
            final ConfigEntry entry = op.configEntry();
            configs.add(new IncrementalAlterConfigsRequest.AlterableConfig(entry.name(), op.opType().id(), entry.value()));
        }
        return new IncrementalAlterConfigsRequest.AlterConfigsResource(resource.type().id(), resource.name(), configs);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        for (final IncrementalAlterConfigsResponse.AlterConfigsResourceResponse result
            : IncrementalAlterConfigsResponse.read(body, version).responses())
        {
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.forId(result.resourceType()), result.resourceName());
            onKey(resource, result.errorCode(), result.errorMessage(), result, r -> null);
        }
        return endResponse("IncrementalAlterConfigs", r -> r.type() + " resource '" + r.name() + "'");
    }
}
