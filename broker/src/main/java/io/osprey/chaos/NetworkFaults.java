package io.osprey.chaos;

import java.io.IOException;

/**
 * The network faults the nemesis can make between nodes, by whatever means the run has:
 * {@link NamespaceNetwork} (root: each node in a network namespace, links cut in the kernel) or
 * {@link ProxyNetwork} (anyone: a TCP proxy in front of every node that stops forwarding).
 * Not thread-safe: only the nemesis and, at the end, the main thread call it.
 */
interface NetworkFaults
{
    /** For the run's log: how partitions are made. */
    String description();

    /** Cuts the node off from the other nodes and the clients, both ways. */
    void isolate(int nodeId) throws IOException, InterruptedException;

    /** Undoes {@link #isolate}. */
    void rejoin(int nodeId) throws IOException, InterruptedException;

    /**
     * Cuts one direction only.
     *
     * @param toNode true: nothing reaches the node; false: nothing it sends gets out
     * @return how, for the log
     */
    String cutOneWay(int nodeId, boolean toNode) throws IOException, InterruptedException;

    /** Undoes {@link #cutOneWay}. */
    void healOneWay(int nodeId, boolean toNode) throws IOException, InterruptedException;

    /** Undoes every fault on the node, ignoring those not in place. */
    void healAll(int nodeId) throws IOException, InterruptedException;
}
