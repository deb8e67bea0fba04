package io.osprey.chaos;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The run's settings, from the command line ({@code scripts/chaos.sh} passes most of them).
 * Ports: with namespaces every node uses the same three (client {@code base-port}, controller
 * UDP {@code base-port + 1} to {@code + 5}, admin HTTP {@code base-port - 12}) on its own address;
 * without, node {@code id} takes client {@code base-port + id - 1}, controller
 * {@code base-port + 101 + 10 * (id - 1)} and admin {@code base-port - 12 + id - 1}, the layout of
 * {@code cluster.sh} shifted from its 9092 so both can run at once (the controller's Aeron
 * directory is named after the node id and port, so a shared port would also mean a shared
 * directory); with {@link ProxyNetwork} each node advertises its proxy's port,
 * {@code base-port + 10 + id - 1}.
 */
record ChaosOptions(double minutes, long seed, Path dir, Path root, int nodes, int partitions, int producers, int ratePerSecond,
    int recordBytes, boolean namespaces, boolean proxy, String namespacePrefix, String subnet, int basePort, String nodeHeap,
    List<String> brokerOverrides, List<Fault> faults, long startTimeoutMs, long recoveryTimeoutMs, long drainTimeoutMs)
{
    static final String USAGE = """
        Usage: io.osprey.chaos.ChaosMain --dir DIR --root REPO [--minutes M] [--seed S] [--partitions P] [--producers N]
                 [--rate RECORDS_PER_S] [--record-bytes B] [--netns PREFIX --subnet A.B.C | --network proxy|none]
                 [--base-port PORT] [--node-heap SIZE] [--broker-config key=value]... [--faults KIND,...]
        Runs a 3-node Osprey cluster under DIR, an acks=all workload against it, faults for M minutes (default 2),
        then checks what was acknowledged against what the cluster holds. Network faults: --netns (as root, with the
        namespaces chaos.sh sets up), --network proxy (a TCP proxy in front of each node; the default) or none.
        --faults limits the kinds (default all): kill-leader, kill-controller, pause, restart, isolate,
        one-way-cut-inbound, one-way-cut-outbound. Exit 0: no anomaly; 1: anomalies or a cluster that did not
        recover; 2: bad arguments or a run that could not start.""";

    int controllerBasePort()
    {
        return namespaces ? basePort + 1 : basePort + 101;
    }

    int adminBasePort()
    {
        return basePort - 12;
    }

    /** Without namespaces, with the proxy: node {@code id}'s proxy (its advertised port) is {@code base-port + 10 + id - 1}. */
    int proxyPort(final int id)
    {
        return basePort + 10 + id - 1;
    }

    static ChaosOptions parse(final String[] args)
    {
        double minutes = 2;
        long seed = new SecureRandom().nextLong() & Long.MAX_VALUE;
        Path dir = null;
        Path root = Path.of(".");
        int partitions = 3;
        int producers = 3;
        int rate = 2000;
        int recordBytes = 100;
        String namespacePrefix = null;
        String network = "proxy";
        String subnet = "10.77.0";
        int basePort = 19092;
        String heap = "256m";
        final List<String> overrides = new ArrayList<>();
        List<Fault> faults = List.of(Fault.values());
        for (int i = 0; i < args.length; i++)
        {
            final String flag = args[i];
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            final String value = args[++i];
            switch (flag)
            {
                case "--minutes" -> minutes = Double.parseDouble(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--dir" -> dir = Path.of(value);
                case "--root" -> root = Path.of(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--producers" -> producers = Integer.parseInt(value);
                case "--rate" -> rate = Integer.parseInt(value);
                case "--record-bytes" -> recordBytes = Integer.parseInt(value);
                case "--netns" -> namespacePrefix = value;
                case "--network" -> network = value;
                case "--subnet" -> subnet = value;
                case "--base-port" -> basePort = Integer.parseInt(value);
                case "--node-heap" -> heap = value;
                case "--broker-config" ->
                {
                    if (value.indexOf('=') <= 0)
                    {
                        throw new IllegalArgumentException("--broker-config needs key=value, got '" + value + "'");
                    }
                    overrides.add(value);
                }
                case "--faults" -> faults = faults(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (dir == null)
        {
            throw new IllegalArgumentException("--dir is required");
        }
        if (!network.equals("proxy") && !network.equals("none"))
        {
            throw new IllegalArgumentException("--network takes proxy or none, got '" + network + "'");
        }
        if (minutes <= 0 || partitions < 1 || producers < 1 || rate < producers || recordBytes < 16)
        {
            throw new IllegalArgumentException("need --minutes > 0, --partitions >= 1, --producers >= 1, --rate >= --producers, " +
                "--record-bytes >= 16");
        }
        final boolean proxy = namespacePrefix == null && network.equals("proxy");
        return new ChaosOptions(minutes, seed, dir.toAbsolutePath(), root.toAbsolutePath(), 3, partitions, producers, rate,
            recordBytes, namespacePrefix != null, proxy, namespacePrefix, subnet, basePort, heap, List.copyOf(overrides), faults, 120_000,
            120_000, 180_000);
    }

    private static List<Fault> faults(final String labels)
    {
        final List<Fault> faults = new ArrayList<>();
        for (final String label : labels.split(","))
        {
            faults.add(Arrays.stream(Fault.values()).filter(f -> f.label.equals(label.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + label + "'")));
        }
        return List.copyOf(faults);
    }
}
