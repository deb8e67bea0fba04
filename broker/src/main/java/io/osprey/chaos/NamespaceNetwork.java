package io.osprey.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Network faults between nodes that each live in a network namespace of their own, set up by
 * {@code scripts/chaos.sh}: namespace {@code <prefix><id>}, a veth pair whose end
 * {@code ochaos-n<id>} sits in the namespace with the node's address and whose end
 * {@code ochaos-h<id>} is a port of the bridge in this (the root) namespace, where the workload
 * runs. Every packet to or from a node crosses its pair, so:
 * <ul>
 * <li><b>isolate</b>: {@code ip link set ochaos-h<id> down} cuts the node off from the other nodes
 * and the clients, both ways; the node keeps its address and can still reach itself.</li>
 * <li><b>one-way cut</b>: a qdisc that drops everything ({@code netem loss 100%}, or
 * {@code blackhole} where the kernel lacks netem) on one end only. A qdisc acts on a device's
 * egress, so on {@code ochaos-h<id>} it drops what flows to the node (the node hears nothing but
 * can send) and on {@code ochaos-n<id>} what the node sends (it hears everything but nobody hears
 * it). TCP stalls either way, since its acknowledgements are lost too; UDP (the controller
 * quorum) really goes one way.</li>
 * </ul>
 * Not thread-safe: only the nemesis and, at the end, the main thread call it.
 */
final class NamespaceNetwork implements NetworkFaults
{
    static final String HOST_VETH_PREFIX = "ochaos-h";
    static final String NODE_VETH_PREFIX = "ochaos-n";

    private final String namespacePrefix;
    /** Decided at the first one-way cut: netem when the kernel has it, else blackhole. */
    private List<String> dropAll;

    NamespaceNetwork(final String namespacePrefix)
    {
        this.namespacePrefix = namespacePrefix;
    }

    String namespace(final int nodeId)
    {
        return namespacePrefix + nodeId;
    }

    @Override
    public String description()
    {
        return "network namespaces";
    }

    @Override
    public void isolate(final int nodeId) throws IOException, InterruptedException
    {
        run(List.of("ip", "link", "set", HOST_VETH_PREFIX + nodeId, "down"));
    }

    @Override
    public void rejoin(final int nodeId) throws IOException, InterruptedException
    {
        run(List.of("ip", "link", "set", HOST_VETH_PREFIX + nodeId, "up"));
    }

    /** Drops every packet in one direction, with a qdisc; returns the qdisc. */
    @Override
    public String cutOneWay(final int nodeId, final boolean toNode) throws IOException, InterruptedException
    {
        if (dropAll == null)
        {
            final List<String> netem = List.of("netem", "loss", "100%");
            if (tryRun(qdiscAdd(nodeId, toNode, netem)) == 0)
            {
                dropAll = netem;
                return "qdisc " + String.join(" ", dropAll);
            }
            dropAll = List.of("blackhole");
        }
        run(qdiscAdd(nodeId, toNode, dropAll));
        return "qdisc " + String.join(" ", dropAll);
    }

    @Override
    public void healOneWay(final int nodeId, final boolean toNode) throws IOException, InterruptedException
    {
        run(withSide(nodeId, toNode, List.of("tc", "qdisc", "del", "dev", veth(nodeId, toNode), "root")));
    }

    @Override
    public void healAll(final int nodeId) throws IOException, InterruptedException
    {
        tryRun(List.of("ip", "link", "set", HOST_VETH_PREFIX + nodeId, "up"));
        tryRun(withSide(nodeId, true, List.of("tc", "qdisc", "del", "dev", veth(nodeId, true), "root")));
        tryRun(withSide(nodeId, false, List.of("tc", "qdisc", "del", "dev", veth(nodeId, false), "root")));
    }

    private List<String> qdiscAdd(final int nodeId, final boolean toNode, final List<String> qdisc)
    {
        final List<String> command = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", veth(nodeId, toNode), "root"));
        command.addAll(qdisc);
        return withSide(nodeId, toNode, command);
    }

    private static String veth(final int nodeId, final boolean toNode)
    {
        return (toNode ? HOST_VETH_PREFIX : NODE_VETH_PREFIX) + nodeId;
    }

    /** The node's end of the pair is in its namespace: commands on it run there. */
    private List<String> withSide(final int nodeId, final boolean toNode, final List<String> command)
    {
        if (toNode)
        {
            return command;
        }
        final List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", namespace(nodeId)));
        inNamespace.addAll(command);
        return inNamespace;
    }

    private static void run(final List<String> command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0)
        {
            throw new IOException("'" + String.join(" ", command) + "' failed: " + output);
        }
    }

    private static int tryRun(final List<String> command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
