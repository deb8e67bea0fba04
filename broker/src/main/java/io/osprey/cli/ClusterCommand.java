package io.osprey.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.osprey.admin.Admin;
import io.osprey.admin.DescribeClusterResult;
import io.osprey.admin.ListTopicsOptions;
import io.osprey.admin.TopicDescription;
import io.osprey.admin.TopicPartitionInfo;
import io.osprey.client.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cluster status [--wait]}: the brokers, the active controller, and the counts of
 * offline and under-replicated partitions, from one broker's metadata; with {@code --wait} it
 * polls until the cluster is healthy.
 */
@Command(name = "cluster", description = "Show the cluster's brokers, controller and partition health.", mixinStandardHelpOptions = true,
    subcommands = {ClusterCommand.Status.class})
final class ClusterCommand
{
    @Option(names = "--bootstrap-server", scope = ScopeType.INHERIT, defaultValue = "${env:BOOTSTRAP_SERVERS:-127.0.0.1:9092}", description = "Broker(s) to connect to (default ${DEFAULT-VALUE}).")
    String bootstrapServer;

    @Option(names = "--output", scope = ScopeType.INHERIT, defaultValue = "text", description = "text (default) or json.")
    String output;

    @Spec
    CommandSpec spec;

    /** What one look at the cluster found. */
    record Health(String clusterId, List<Node> brokers, Node controller, int partitions, int offline, int underReplicated)
    {
        /** Healthy: no partition without a leader and at least {@code brokers} brokers (when not null). */
        boolean healthy(final Integer expectedBrokers)
        {
            return offline == 0 && (expectedBrokers == null || brokers.size() >= expectedBrokers);
        }

        String problem(final Integer expectedBrokers)
        {
            final List<String> problems = new ArrayList<>();
            if (expectedBrokers != null && brokers.size() < expectedBrokers)
            {
                problems.add(brokers.size() + " of " + expectedBrokers + " broker(s) registered");
            }
            if (offline > 0)
            {
                problems.add(offline + " offline partition(s)");
            }
            return String.join(", ", problems);
        }
    }

    static Health read(final String bootstrapServer, final long timeoutMs) throws CliException
    {
        final int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServer, "client.id", "osprey-cli",
            "default.api.timeout.ms", timeout, "request.timeout.ms", timeout)))
        {
            final DescribeClusterResult cluster = admin.describeCluster();
            final List<Node> brokers = new ArrayList<>(AdminCommand.await(cluster.nodes()));
            brokers.sort(Comparator.comparingInt(Node::id));
            final Node controller = AdminCommand.await(cluster.controller());
            final String clusterId = AdminCommand.await(cluster.clusterId());
            final List<String> names = new ArrayList<>(AdminCommand.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()));
            int partitions = 0;
            int offline = 0;
            int underReplicated = 0;
            if (!names.isEmpty())
            {
                for (final TopicDescription d : AdminCommand.await(admin.describeTopics(names).allTopicNames()).values())
                {
                    for (final TopicPartitionInfo p : d.partitions())
                    {
                        partitions++;
                        offline += TopicCommand.offline(p) ? 1 : 0;
                        underReplicated += TopicCommand.underReplicated(p) ? 1 : 0;
                    }
                }
            }
            return new Health(clusterId, brokers, controller, partitions, offline, underReplicated);
        }
    }

    @Command(name = "status", description = "Print the brokers (id, host:port, rack), the active controller and the counts of "
        + "offline and under-replicated partitions. With --wait, poll until no partition is offline and at least --brokers "
        + "brokers are registered: exit 0 once healthy, 1 on timeout.", mixinStandardHelpOptions = true)
    static final class Status implements Callable<Integer>
    {
        private static final long POLL_MS = 500;

        @ParentCommand
        ClusterCommand parent;

        @Option(names = "--wait", description = "Poll until the cluster is healthy.")
        boolean await;

        @Option(names = "--brokers", description = "With --wait: also wait for at least this many registered brokers.")
        Integer brokers;

        @Option(names = "--timeout-ms", defaultValue = "60000", description = "With --wait: give up after this long (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Override
        public Integer call() throws CliException
        {
            if (!await)
            {
                print(read(parent.bootstrapServer, 30_000));
                return 0;
            }
            final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            Health last = null;
            String lastError = null;
            while (true)
            {
                final long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
                try
                {
                    last = read(parent.bootstrapServer, Math.max(500, Math.min(remainingMs, 5_000)));
                    lastError = null;
                    if (last.healthy(brokers))
                    {
                        print(last);
                        return 0;
                    }
                }
                catch (final CliException e)
                {
                    // Not up yet, or moving: ask again until the deadline.
                    lastError = e.getMessage();
                }
                if (System.nanoTime() + POLL_MS * 1_000_000L > deadline)
                {
                    break;
                }
                try
                {
                    Thread.sleep(POLL_MS);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted");
                }
            }
            if (last != null && lastError == null)
            {
                print(last);
                throw new CliException("The cluster is not healthy after " + timeoutMs + " ms: " + last.problem(brokers));
            }
            throw new CliException("The cluster is not healthy after " + timeoutMs + " ms: " + lastError);
        }

        private void print(final Health h)
        {
            final PrintWriter out = parent.spec.commandLine().getOut();
            final String controller = h.controller() == null ? null : Integer.toString(h.controller().id());
            if ("json".equals(parent.output))
            {
                out.printf("{\"clusterId\":%s,\"controller\":%s,\"brokers\":%s,\"partitions\":%d,\"offlinePartitions\":%d,"
                        + "\"underReplicatedPartitions\":%d,\"healthy\":%b}%n",
                    GroupCommand.jsonString(h.clusterId()), controller == null ? "null" : controller,
                    h.brokers().stream().map(b -> String.format("{\"id\":%d,\"host\":%s,\"port\":%d,\"rack\":%s}", b.id(),
                        GroupCommand.jsonString(b.host()), b.port(), GroupCommand.jsonString(b.rack())))
                        .collect(Collectors.joining(",", "[", "]")),
                    h.partitions(), h.offline(), h.underReplicated(), h.healthy(brokers));
            }
            else
            {
                out.printf("Cluster: %s%n", GroupCommand.text(h.clusterId()));
                out.printf("Controller: %s%n", controller == null ? "none" : controller);
                final GroupCommand.TextTable table = new GroupCommand.TextTable("BROKER", "ADDRESS", "RACK", "ROLE");
                for (final Node b : h.brokers())
                {
                    table.row(Integer.toString(b.id()), b.host() + ":" + b.port(), GroupCommand.text(b.rack()),
                        h.controller() != null && h.controller().id() == b.id() ? "controller" : "-");
                }
                table.print(out);
                out.printf("Partitions: %d, offline: %d, under-replicated: %d%n", h.partitions(), h.offline(), h.underReplicated());
            }
            out.flush();
        }
    }
}
