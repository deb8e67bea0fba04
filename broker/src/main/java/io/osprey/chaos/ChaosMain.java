package io.osprey.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.osprey.admin.NewTopic;

/**
 * The fault-injection run ({@code scripts/chaos.sh}): starts a three-node cluster, runs the
 * {@link Workload} against a topic with replication factor 3 and {@code min.insync.replicas=2},
 * lets the {@link Nemesis} inject faults for the given minutes, heals everything, drains the
 * producers and consumers, reads the topic back ({@link FinalRead}), stops the cluster cleanly
 * and compares the replicas on disk ({@link ReplicaLogs}). Prints a timeline while it runs and a
 * summary at the end. Exit code 0 when every count is zero, 1 when one is not (or the cluster did
 * not recover, or could not be read back), 2 when the run could not be set up.
 */
public final class ChaosMain
{
    static final String TOPIC = "chaos";
    private static final long PROGRESS_INTERVAL_MS = 15_000;
    private static final long STALL_SAMPLE_MS = 100;
    private static final long CONSUMER_STOP_MS = 30_000;

    private final ChaosOptions options;
    private final ChaosCluster cluster;
    /** Null when the run makes no network faults. */
    private final NetworkFaults network;
    private final List<String> failures = new ArrayList<>();
    private volatile boolean finished;
    private final String loadAtStart = loadAverage();

    private ChaosMain(final ChaosOptions options)
    {
        this.options = options;
        this.cluster = new ChaosCluster(options);
        if (options.namespaces())
        {
            this.network = new NamespaceNetwork(options.namespacePrefix());
        }
        else if (options.proxy())
        {
            this.network = new ProxyNetwork(options.nodes(), cluster::pidOf);
        }
        else
        {
            this.network = null;
        }
    }

    public static void main(final String[] args)
    {
        final ChaosOptions options;
        try
        {
            options = ChaosOptions.parse(args);
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("chaos: " + e.getMessage());
            System.err.println(ChaosOptions.USAGE);
            System.exit(2);
            return;
        }
        int code;
        try
        {
            code = new ChaosMain(options).run();
        }
        catch (final Exception e)
        {
            ChaosLog.info("run aborted: %s", e);
            e.printStackTrace(System.out);
            code = 2;
        }
        System.exit(code);
    }

    private int run() throws IOException, InterruptedException, ExecutionException, TimeoutException
    {
        ChaosLog.info("chaos run: seed %d, %.1f minute(s) of faults, %d nodes, topic %s with %d partitions (replication factor 3, " +
            "min.insync.replicas=2), %d producers at %,d records/s in all, directory %s", options.seed(), options.minutes(),
            options.nodes(), TOPIC, options.partitions(), options.producers(), options.ratePerSecond(), options.dir());
        if (network == null)
        {
            ChaosLog.info("network partitions off (--network none)");
        }
        else if (network instanceof ProxyNetwork proxy)
        {
            ChaosLog.info("network partitions on: node i listens on 127.0.0.1:%d+i-1 and advertises its proxy at 127.0.0.1:%d+i-1, " +
                "through which every TCP connection to it goes; the controller quorum's UDP is not cut (needs root: namespaces)",
                options.basePort(), options.proxyPort(1));
            for (int id = 1; id <= options.nodes(); id++)
            {
                proxy.start(id, new InetSocketAddress("127.0.0.1", options.proxyPort(id)),
                    new InetSocketAddress("127.0.0.1", options.basePort() + id - 1));
            }
        }
        else
        {
            ChaosLog.info("network partitions on: node i in namespace %si at %s.i, reached over a bridge", options.namespacePrefix(),
                options.subnet());
        }
        // A hard timeout (SIGTERM from chaos.sh) or an abort must not leave nodes running or links cut.
        final Thread cleanup = new Thread(this::abortCleanup, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);

        cluster.start();
        ChaosLog.info("cluster serving: %s", cluster.bootstrap());
        cluster.admin().createTopics(List.of(new NewTopic(TOPIC, options.partitions(), (short)3)
            .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
        final String notHealthy = cluster.awaitHealthy(options.recoveryTimeoutMs(), List.of(TOPIC));
        if (notHealthy != null)
        {
            throw new IllegalStateException("topic " + TOPIC + " not fully replicated after creation: " + notHealthy);
        }
        ChaosLog.info("topic %s created, every ISR full%n%s", TOPIC, cluster.describe(List.of(TOPIC)));

        final Workload workload = new Workload(options, cluster.bootstrap(), TOPIC);
        workload.start();
        final Thread progress = startProgress(workload);
        final Nemesis nemesis = new Nemesis(cluster, network, TOPIC, options.partitions(), List.of(TOPIC), options.recoveryTimeoutMs(),
            options.seed(), options.faults());
        final long deadlineNs = System.nanoTime() + (long)(options.minutes() * 60e9);
        nemesis.run(deadlineNs);

        ChaosLog.info("faults over; healing everything and waiting for the cluster to be whole");
        nemesis.healEverything();
        failures.addAll(nemesis.recoveryFailures());
        final String stillBroken = cluster.awaitHealthy(options.recoveryTimeoutMs(), List.of(TOPIC));
        if (stillBroken != null)
        {
            failures.add("after the run, with every fault healed: not healthy within " + options.recoveryTimeoutMs() + " ms: " +
                stillBroken);
            ChaosLog.info("NOT RECOVERED after the run: %s%n%s", stillBroken, cluster.describe(List.of(TOPIC)));
        }

        ChaosLog.info("stopping the producers: waiting for every send to be answered");
        progress.interrupt();
        if (!workload.stopProducers(options.drainTimeoutMs()))
        {
            failures.add("producers still had unanswered sends " + options.drainTimeoutMs() + " ms after they stopped sending");
        }
        for (final ProducerTask p : workload.producers())
        {
            if (p.crash() != null)
            {
                failures.add("a producer crashed: " + p.crash());
            }
        }
        final long[] ends = FinalRead.endOffsets(cluster.bootstrap(), TOPIC, options.partitions());
        ChaosLog.info("producers done (%s); end offsets %s; waiting for the consumers to catch up", workload.progress(),
            Arrays.toString(ends));
        if (!workload.awaitConsumersCaughtUp(ends, options.drainTimeoutMs()))
        {
            for (final String lag : workload.laggingConsumers(ends))
            {
                failures.add("consumer did not catch up within " + options.drainTimeoutMs() + " ms: " + lag);
            }
        }
        workload.stopConsumers(CONSUMER_STOP_MS);

        ChaosLog.info("reading the topic back");
        final FinalRead.Result read = FinalRead.read(cluster.bootstrap(), TOPIC, options.partitions(), options.drainTimeoutMs());
        if (!read.complete())
        {
            failures.add("the final read did not reach the end offsets " + Arrays.toString(read.endOffsets()) + " within " +
                options.drainTimeoutMs() + " ms");
        }
        final List<OffsetTable> consumed = workload.consumers().stream().map(ConsumerTask::table).toList();
        final Checker.Result result = Checker.check(workload.acks(), read.table(), consumed);

        ChaosLog.info("stopping the cluster cleanly (SIGTERM, SIGKILL after %d s)", ChaosCluster.STOP_GRACE_MS / 1000);
        final List<Integer> forced = cluster.stopAll();
        if (network instanceof ProxyNetwork proxy)
        {
            proxy.close();
        }
        if (!forced.isEmpty())
        {
            ChaosLog.info("nodes %s did not stop within the grace period and were killed", forced);
        }
        final List<String> replicaExamples = new ArrayList<>();
        final StringBuilder logEnds = new StringBuilder();
        long inconsistent = 0;
        for (int p = 0; p < options.partitions(); p++)
        {
            final List<ReplicaLogs.Replica> replicas = new ArrayList<>();
            for (final ChaosNode node : cluster.nodes())
            {
                replicas.add(ReplicaLogs.read(node.id(), node.dataDir().resolve(TOPIC + "-" + p)));
            }
            inconsistent += ReplicaLogs.inconsistencies(replicas, replicaExamples, TOPIC + "-" + p);
            logEnds.append(String.format("    %s-%d:", TOPIC, p));
            for (final ReplicaLogs.Replica r : replicas)
            {
                logEnds.append(String.format(" node %d %,d (%,d batches)", r.nodeId(), r.logEnd(), r.batches().size()));
            }
            logEnds.append('\n');
        }
        finished = true;

        printSummary(nemesis, workload, read, result, inconsistent, replicaExamples, logEnds.toString());
        final boolean pass = result.anomalies() == 0 && inconsistent == 0 && failures.isEmpty();
        System.out.println(pass ? "RESULT: PASS" : "RESULT: FAIL");
        return pass ? 0 : 1;
    }

    private void printSummary(final Nemesis nemesis, final Workload workload, final FinalRead.Result read, final Checker.Result result,
        final long inconsistent, final List<String> replicaExamples, final String logEnds)
    {
        final StringBuilder faults = new StringBuilder();
        int total = 0;
        for (final Fault f : Fault.values())
        {
            final int n = nemesis.injected().getOrDefault(f, 0);
            total += n;
            if ((network != null || !f.network) && options.faults().contains(f))
            {
                faults.append(faults.length() == 0 ? "" : ", ").append(f.label).append(' ').append(n);
            }
        }
        final StringBuilder out = new StringBuilder();
        out.append(String.format("%n==== chaos summary: seed %d, %.1f minute(s) of faults, network partitions %s ====%n", options.seed(),
            options.minutes(), network != null ? "on (" + network.description() + ")" : "off"));
        out.append(String.format("faults injected: %d (%s)%n", total, faults));
        if (network instanceof ProxyNetwork proxy)
        {
            out.append(String.format("proxied connections not attributed to a process (treated as clients): %d%n", proxy.unidentified()));
        }
        out.append(String.format("longest recovery after a heal (every node ready, every ISR full): %.1f s%n",
            nemesis.recoveryMaxMs() / 1e3));
        out.append(String.format("longest time without an acknowledgement while sends were outstanding: %s%n", workload.longestStall()));
        out.append(String.format("load average at the start: %s; at the end: %s (2 cores; other work on the machine counts too)%n",
            loadAtStart, loadAverage()));
        out.append(String.format("records sent: %,d; acknowledged: %,d (checked: %,d); failed sends: %,d%n", workload.sent(),
            workload.acknowledged(), result.acknowledged(), workload.failures().total()));
        out.append(workload.failures().describe());
        for (final ConsumerTask c : workload.consumers())
        {
            out.append(String.format("%s: %,d records received, %,d position resets (out of range), %,d errors%n", c.table().name(),
                c.table().records(), c.outOfRange(), c.errors()));
        }
        out.append(String.format("final read: %,d records up to end offsets %s%s; offsets without a record: %,d; unacknowledged " +
            "sends present: %,d%n", result.finalRecords(), Arrays.toString(read.endOffsets()),
            read.complete() ? "" : " (INCOMPLETE)", result.finalGaps(), result.unacknowledgedPresent()));
        out.append("replica log ends after a clean stop:\n").append(logEnds);
        out.append("counts (any non-zero fails the run):\n");
        out.append(String.format("  acknowledged records lost:              %d%n", result.lost()));
        out.append(String.format("  acknowledged records at another offset: %d%n", result.moved()));
        out.append(String.format("  duplicates:                             %d%n", result.duplicates()));
        out.append(String.format("  out of order within a partition:        %d%n", result.outOfOrder()));
        out.append(String.format("  seen by a consumer and later gone:      %d%n", result.seenThenGone()));
        out.append(String.format("  unreadable values:                      %d%n", result.unreadable()));
        out.append(String.format("  batches inconsistent between replicas:  %d%n", inconsistent));
        out.append(String.format("  liveness failures:                      %d%n", failures.size()));
        for (final String e : result.examples())
        {
            out.append("    e.g. ").append(e).append('\n');
        }
        for (final String e : replicaExamples)
        {
            out.append("    e.g. ").append(e).append('\n');
        }
        for (final String f : failures)
        {
            out.append("    ").append(f).append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }

    private static Thread startProgress(final Workload workload)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                long nextPrintNs = System.nanoTime() + PROGRESS_INTERVAL_MS * 1_000_000;
                while (true)
                {
                    Thread.sleep(STALL_SAMPLE_MS);
                    final long nowNs = System.nanoTime();
                    workload.sampleStall(nowNs);
                    if (nowNs >= nextPrintNs)
                    {
                        nextPrintNs += PROGRESS_INTERVAL_MS * 1_000_000;
                        ChaosLog.info("progress: %s", workload.progress());
                    }
                }
            }
            catch (final InterruptedException e)
            {
                // Stopped: the producers are draining.
            }
        }, "chaos-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The 1, 5 and 15 minute load averages: a loaded machine stretches every timeout-driven recovery. */
    private static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException | RuntimeException e)
        {
            return "unknown";
        }
    }

    /** Shutdown hook: on a normal end the nodes are already stopped; otherwise heal the links and kill the nodes. */
    private void abortCleanup()
    {
        if (finished)
        {
            return;
        }
        System.out.println("chaos: aborted; healing the network and killing the nodes");
        for (final ChaosNode node : cluster.nodes())
        {
            try
            {
                if (network != null)
                {
                    network.healAll(node.id());
                }
            }
            catch (final IOException | InterruptedException e)
            {
                System.out.println("chaos: healing node " + node.id() + "'s links failed: " + e);
            }
        }
        cluster.close();
        if (network instanceof ProxyNetwork proxy)
        {
            proxy.close();
        }
    }
}
