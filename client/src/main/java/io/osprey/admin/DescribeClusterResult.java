package io.osprey.admin;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

import io.osprey.client.Node;

/**
 * The outcome of {@link Admin#describeCluster}: three views of one response, which succeed or
 * fail together. Thread-safe; the futures complete on the admin client's I/O thread: callbacks attached to them
 * must not block.
 */
public final class DescribeClusterResult
{
    private final CompletableFuture<Collection<Node>> nodes;
    private final CompletableFuture<Node> controller;
    private final CompletableFuture<String> clusterId;

    DescribeClusterResult(final CompletableFuture<Collection<Node>> nodes, final CompletableFuture<Node> controller,
        final CompletableFuture<String> clusterId)
    {
        this.nodes = nodes;
        this.controller = controller;
        this.clusterId = clusterId;
    }

    /** Every broker (unmodifiable). */
    public CompletableFuture<Collection<Node>> nodes()
    {
        return nodes;
    }

    /** The node the cluster names as its controller; null when it names none. */
    public CompletableFuture<Node> controller()
    {
        return controller;
    }

    /** The cluster id; null from a broker too old to say. */
    public CompletableFuture<String> clusterId()
    {
        return clusterId;
    }
}
