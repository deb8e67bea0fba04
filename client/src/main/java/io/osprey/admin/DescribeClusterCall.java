package io.osprey.admin;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.client.Node;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.Errors;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeClusterResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * {@link Admin#describeCluster}: DescribeCluster to any broker, or, on a broker that does not
 * serve it, a Metadata request for no topics, which names the same cluster id, controller and
 * brokers. Not thread-safe; see {@link AdminCall}.
 */
final class DescribeClusterCall extends AdminCall
{
    private final CompletableFuture<Collection<Node>> nodes;
    private final CompletableFuture<Node> controller;
    private final CompletableFuture<String> clusterId;
    private boolean viaMetadata;

    DescribeClusterCall(final long createdMs, final long deadlineMs, final CompletableFuture<Collection<Node>> nodes,
        final CompletableFuture<Node> controller, final CompletableFuture<String> clusterId)
    {
        super("describeCluster", createdMs, deadlineMs);
        this.nodes = nodes;
        this.controller = controller;
        this.clusterId = clusterId;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.LEAST_LOADED;
    }

    @Override
    ApiKey api()
    {
        return viaMetadata ? ApiKey.METADATA : ApiKey.DESCRIBE_CLUSTER;
    }

    /** In Metadata v0 an empty list means every topic, which is more than needed but answers as well. */
    @Override
    Message request(final short version, final int timeoutMs)
    {
        if (viaMetadata)
        {
            return new MetadataRequest(List.of(), false, false, false);
        }
        return new DescribeClusterRequest(false, DescribeClusterRequest.ENDPOINT_TYPE_BROKERS);
    }

    @Override
    boolean onUnsupportedVersion(final UnsupportedVersionException e)
    {
        if (viaMetadata)
        {
            return false;
        }
        viaMetadata = true;
        return true;
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        if (api == ApiKey.METADATA)
        {
            final MetadataResponse response = MetadataResponse.read(body, version);
            complete(MetadataViews.nodes(response), response.controllerId(), response.clusterId());
            return null;
        }
        final DescribeClusterResponse response = DescribeClusterResponse.read(body, version);
        final OspreyException error = Errors.forCode(response.errorCode(), response.errorMessage());
        if (error != null)
        {
            if (error.retriable())
            {
                return error;
            }
            fail(error);
            return null;
        }
        final Map<Integer, Node> brokers = new LinkedHashMap<>();
        for (final DescribeClusterResponse.DescribeClusterBroker b : response.brokers())
        {
            brokers.put(b.brokerId(), new Node(b.brokerId(), b.host(), b.port(), b.rack()));
        }
        complete(brokers, response.controllerId(), response.clusterId());
        return null;
    }

    private void complete(final Map<Integer, Node> brokers, final int controllerId, final String cluster)
    {
        nodes.complete(List.copyOf(brokers.values()));
        controller.complete(brokers.get(controllerId));
        clusterId.complete(cluster);
    }

    @Override
    void fail(final Throwable error)
    {
        nodes.completeExceptionally(error);
        controller.completeExceptionally(error);
        clusterId.completeExceptionally(error);
    }

    @Override
    boolean isDone()
    {
        return nodes.isDone() && controller.isDone() && clusterId.isDone();
    }
}
