package io.osprey.chaos;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.osprey.admin.Admin;
import io.osprey.admin.TopicDescription;
import io.osprey.admin.TopicPartitionInfo;
import io.osprey.client.Node;
import io.osprey.config.StorageFormat;

/**
 * The cluster under test: combined broker + controller nodes with ids 1..N, configured as
 * {@code scripts/cluster.sh start 3} configures its nodes (its {@code conf/server.properties}
 * minus the per-node keys, replication factor 3 and {@code min.insync.replicas=2} by default),
 * formatted with one cluster id, and an admin client that follows it. With namespaces every node
 * binds its own address and the same ports; without, they share 127.0.0.1 and take consecutive
 * ports as {@code cluster.sh} does, from bases of its own so a cluster of {@code cluster.sh} can
 * run beside it, and with {@link ProxyNetwork} each advertises its proxy's port instead of its own. Not thread-safe: the nemesis and the main thread take turns.
 */
final class ChaosCluster implements AutoCloseable
{
    static final String OFFSETS_TOPIC = "__consumer_offsets";
    /** The keys cluster.sh writes per node (it filters them out of conf/server.properties the same way). */
    private static final Pattern PER_NODE_KEYS = Pattern.compile("^(node\\.id|process\\.roles|controller\\.quorum\\.voters|listeners|"
        + "advertised\\.listeners|log\\.dirs?|osprey\\.admin\\.http\\.listener|default\\.replication\\.factor|min\\.insync\\.replicas|"
        + "offsets\\.topic\\.replication\\.factor)=.*");
    private static final long ADMIN_CALL_TIMEOUT_MS = 10_000;
    private static final long POLL_MS = 500;
    /** A recovery's first seconds are expected to be unhealthy: say nothing about them. */
    private static final long WAITING_QUIET_NS = TimeUnit.SECONDS.toNanos(2);
    private static final int WAITING_LINES_MAX = 12;
    /** How long a clean stop may take before SIGKILL, as cluster.sh's default grace. */
    static final long STOP_GRACE_MS = 30_000;

    private final ChaosOptions options;
    /** Copy-on-write: the proxy's threads look nodes up. */
    private final List<ChaosNode> nodes = new CopyOnWriteArrayList<>();
    private Admin admin;

    ChaosCluster(final ChaosOptions options)
    {
        this.options = options;
    }

    List<ChaosNode> nodes()
    {
        return nodes;
    }

    ChaosNode node(final int id)
    {
        return nodes.get(id - 1);
    }

    /** The pid of node {@code id}'s JVM, or -1 when it is not running or not yet made; any thread. */
    long pidOf(final int id)
    {
        return id >= 1 && id <= nodes.size() ? nodes.get(id - 1).pid() : -1;
    }

    String bootstrap()
    {
        return String.join(",", nodes.stream().map(ChaosNode::address).toList());
    }

    Admin admin()
    {
        return admin;
    }

    /** Writes every node's configuration, formats its log directory and starts it; then waits until all serve. */
    void start() throws IOException, InterruptedException
    {
        final String clusterId = StorageFormat.randomClusterId();
        final List<String> java = javaCommand();
        final String voters = voters();
        for (int id = 1; id <= options.nodes(); id++)
        {
            final String host = options.namespaces() ? options.subnet() + "." + id : "127.0.0.1";
            final int port = options.namespaces() ? options.basePort() : options.basePort() + id - 1;
            final int adminPort = options.namespaces() ? options.adminBasePort() : options.adminBasePort() + id - 1;
            final int advertisedPort = options.proxy() ? options.proxyPort(id) : port;
            final String namespace = options.namespaces() ? options.namespacePrefix() + id : null;
            final ChaosNode node = new ChaosNode(id, host, port, advertisedPort, adminPort, options.dir().resolve("node-" + id), namespace,
                java);
            if (!options.namespaces())
            {
                checkPortsFree(id, port, adminPort, controllerPort(id));
            }
            Files.createDirectories(node.dataDir());
            writeConfig(node, host, port, advertisedPort, adminPort, voters);
            StorageFormat.format(node.dataDir(), clusterId, id);
            nodes.add(node);
        }
        // All first, then wait: a broker serves only once a majority of the controllers is up.
        for (final ChaosNode node : nodes)
        {
            node.start();
        }
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap(), "client.id", "chaos-admin",
            "request.timeout.ms", 5000, "default.api.timeout.ms", (int)ADMIN_CALL_TIMEOUT_MS));
        final String problem = awaitHealthy(options.startTimeoutMs(), List.of());
        if (problem != null)
        {
            throw new IllegalStateException("the cluster did not start within " + options.startTimeoutMs() + " ms: " + problem);
        }
    }

    /**
     * Polls until every node is up and ready, every broker is registered, and every partition of
     * the topics has a leader and a full ISR (the offsets topic's too, once it exists).
     *
     * @return null once healthy, else what was still wrong when the time ran out
     */
    String awaitHealthy(final long timeoutMs, final Collection<String> topics) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String problem;
        String printed = null;
        int lines = 0;
        do
        {
            problem = healthProblem(topics);
            if (problem == null)
            {
                return null;
            }
            if (nodes.stream().anyMatch(ChaosNode::hasExited))
            {
                // It will not come back by waiting: the caller decides.
                return problem;
            }
            // What the cluster is waiting for, each time it changes: the recovery's own timeline.
            if (!problem.equals(printed) && lines < WAITING_LINES_MAX && System.nanoTime() - startNs > WAITING_QUIET_NS)
            {
                ChaosLog.info("  waiting: %s", problem);
                printed = problem;
                lines++;
            }
            Thread.sleep(POLL_MS);
        }
        while (System.nanoTime() < deadlineNs);
        return problem;
    }

    /** What stops the cluster from being healthy now, or null. */
    String healthProblem(final Collection<String> topics) throws InterruptedException
    {
        for (final ChaosNode node : nodes)
        {
            if (!node.isAlive())
            {
                return node.hasExited() ? node + " exited with code " + node.exitCode() : node + " is not running";
            }
            if (!node.isReady())
            {
                return node + " is not ready (/ready)";
            }
        }
        try
        {
            final Collection<Node> brokers = admin.describeCluster().nodes().get(ADMIN_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (brokers.size() < nodes.size())
            {
                return "only brokers " + brokers.stream().map(Node::id).sorted().toList() + " are registered";
            }
            final List<String> described = new ArrayList<>(topics);
            final Set<String> existing = admin.listTopics().names().get(ADMIN_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (existing.contains(OFFSETS_TOPIC) && !described.isEmpty())
            {
                described.add(OFFSETS_TOPIC);
            }
            if (described.isEmpty())
            {
                return null;
            }
            final Map<String, TopicDescription> descriptions = admin.describeTopics(described).allTopicNames()
                .get(ADMIN_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (final TopicDescription d : descriptions.values())
            {
                for (final TopicPartitionInfo p : d.partitions())
                {
                    if (p.leader() == null || p.leader().id() < 0)
                    {
                        return d.name() + "-" + p.partition() + " has no leader";
                    }
                    if (p.isr().size() < p.replicas().size())
                    {
                        return d.name() + "-" + p.partition() + " has ISR " + ids(p.isr()) + " of replicas " + ids(p.replicas()) +
                            " (leader " + p.leader().id() + ")";
                    }
                }
            }
            return null;
        }
        catch (final ExecutionException | TimeoutException | RuntimeException e)
        {
            return "admin: " + e;
        }
    }

    /** The leader of a partition, or -1 when it has none or metadata is unavailable. */
    int leaderOf(final String topic, final int partition) throws InterruptedException
    {
        try
        {
            final TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(ADMIN_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
            for (final TopicPartitionInfo p : d.partitions())
            {
                if (p.partition() == partition)
                {
                    return p.leader() == null ? -1 : p.leader().id();
                }
            }
            return -1;
        }
        catch (final ExecutionException | TimeoutException | RuntimeException e)
        {
            return -1;
        }
    }

    /** The active controller as the cluster reports it, or -1. */
    int activeController() throws InterruptedException
    {
        try
        {
            final Node controller = admin.describeCluster().controller().get(ADMIN_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return controller == null ? -1 : controller.id();
        }
        catch (final ExecutionException | TimeoutException | RuntimeException e)
        {
            return -1;
        }
    }

    /** One line per partition: leader, replicas, ISR; for a report when the cluster does not heal. */
    String describe(final Collection<String> topics) throws InterruptedException
    {
        try
        {
            final StringBuilder sb = new StringBuilder();
            final Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                .get(ADMIN_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (final TopicDescription d : descriptions.values())
            {
                for (final TopicPartitionInfo p : d.partitions())
                {
                    sb.append(String.format("  %s-%d leader %s replicas %s isr %s%n", d.name(), p.partition(),
                        p.leader() == null ? "none" : p.leader().id(), ids(p.replicas()), ids(p.isr())));
                }
            }
            return sb.toString();
        }
        catch (final ExecutionException | TimeoutException | RuntimeException e)
        {
            return "  (describe failed: " + e + ")\n";
        }
    }

    /** Stops every node cleanly, all at once (a sequential stop leaves the last ones without a controller quorum). */
    List<Integer> stopAll() throws InterruptedException
    {
        closeAdmin();
        final List<Thread> stoppers = new ArrayList<>();
        final List<Integer> forced = Collections.synchronizedList(new ArrayList<>());
        for (final ChaosNode node : nodes)
        {
            final Thread t = new Thread(() ->
            {
                try
                {
                    if (!node.stop(STOP_GRACE_MS))
                    {
                        forced.add(node.id());
                    }
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            }, "chaos-stop-" + node.id());
            t.start();
            stoppers.add(t);
        }
        for (final Thread t : stoppers)
        {
            t.join();
        }
        return forced;
    }

    /** Kills whatever still runs: the path of an aborted run. */
    @Override
    public void close()
    {
        closeAdmin();
        for (final ChaosNode node : nodes)
        {
            try
            {
                if (node.isAlive())
                {
                    node.kill();
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeAdmin()
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private int controllerPort(final int id)
    {
        return options.namespaces() ? options.controllerBasePort() : options.controllerBasePort() + 10 * (id - 1);
    }

    private String voters()
    {
        final List<String> v = new ArrayList<>();
        for (int id = 1; id <= options.nodes(); id++)
        {
            v.add(id + "@" + (options.namespaces() ? options.subnet() + "." + id : "127.0.0.1") + ":" + controllerPort(id));
        }
        return String.join(",", v);
    }

    private void writeConfig(final ChaosNode node, final String host, final int port, final int advertisedPort, final int adminPort,
        final String voters) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        lines.add("# Generated by io.osprey.chaos from conf/server.properties for node " + node.id() + ", as scripts/cluster.sh does.");
        for (final String line : Files.readAllLines(options.root().resolve("conf/server.properties"), StandardCharsets.UTF_8))
        {
            if (!PER_NODE_KEYS.matcher(line).matches())
            {
                lines.add(line);
            }
        }
        lines.add("default.replication.factor=3");
        lines.add("min.insync.replicas=2");
        lines.add("offsets.topic.replication.factor=3");
        lines.add("node.id=" + node.id());
        lines.add("process.roles=broker,controller");
        lines.add("controller.quorum.voters=" + voters);
        lines.add("listeners=PLAINTEXT://" + host + ":" + port);
        if (advertisedPort != port)
        {
            lines.add("advertised.listeners=PLAINTEXT://" + host + ":" + advertisedPort);
            // Behind the proxy a cut node keeps its controller session, so nothing fences it: with Kafka's 30 s, cuts of
            // 2-15 s would only stall. At 5 s most of them shrink the ISR, and the heal expands it again.
            lines.add("replica.lag.time.max.ms=5000");
        }
        lines.add("log.dirs=" + node.dataDir());
        lines.add("osprey.admin.http.listener=" + host + ":" + adminPort);
        lines.addAll(options.brokerOverrides());
        Files.write(node.propertiesFile(), lines, StandardCharsets.UTF_8);
    }

    private List<String> javaCommand()
    {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + options.nodeHeap(),
            "-Xms" + options.nodeHeap(), "-XX:+UseG1GC", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dlogback.configurationFile=" + options.root().resolve("conf/logback.xml"), "-cp", System.getProperty("java.class.path"));
    }

    /** As cluster.sh: name the first port another process holds, rather than fail later in a node log. */
    private static void checkPortsFree(final int id, final int port, final int adminPort, final int controllerPort) throws IOException
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (final int p : new int[] {port, adminPort})
        {
            try (ServerSocket s = new ServerSocket())
            {
                s.bind(new InetSocketAddress(loopback, p));
            }
            catch (final IOException e)
            {
                throw new IOException("TCP port " + p + " (node " + id + ") is already in use; set OSPREY_CHAOS_BASE_PORT", e);
            }
        }
        for (int p = controllerPort; p < controllerPort + 5; p++)
        {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback, p)))
            {
                s.getLocalPort();
            }
            catch (final IOException e)
            {
                throw new IOException("UDP port " + p + " (node " + id + " controller) is already in use; set OSPREY_CHAOS_BASE_PORT", e);
            }
        }
    }

    private static List<Integer> ids(final List<Node> nodes)
    {
        return nodes.stream().map(Node::id).toList();
    }
}
