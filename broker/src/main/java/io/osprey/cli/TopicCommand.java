package io.osprey.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.osprey.admin.Admin;
import io.osprey.admin.NewTopic;
import io.osprey.admin.TopicDescription;
import io.osprey.admin.TopicPartitionInfo;
import io.osprey.client.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code topic create|list|describe|delete|alter-partitions|config get|config set}, with the
 * flag names of Kafka's kafka-topics and kafka-configs tools.
 */
@Command(name = "topic", description = "Create, list, describe, delete and repartition topics; get and set their configs.",
    mixinStandardHelpOptions = true,
    subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class, TopicCommand.Delete.class,
        TopicCommand.DeleteRecords.class, TopicCommand.AlterPartitions.class, TopicConfigCommand.class})
final class TopicCommand extends AdminCommand
{
    @Command(name = "create", description = "Create a topic.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer>
    {
        @ParentCommand
        TopicCommand parent;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--partitions", description = "Default: the broker's num.partitions.")
        Integer partitions;

        @Option(names = "--replication-factor", description = "Default: the broker's default.replication.factor.")
        Short replicationFactor;

        @Option(names = "--config", description = "A topic config override key=value; repeatable.")
        Map<String, String> configs = new LinkedHashMap<>();

        @Override
        public Integer call() throws CliException
        {
            try (Admin admin = parent.admin())
            {
                await(admin.createTopics(List.of(new NewTopic(topic, Optional.ofNullable(partitions),
                    Optional.ofNullable(replicationFactor)).configs(configs))).all());
            }
            final PrintWriter out = parent.spec.commandLine().getOut();
            if ("json".equals(parent.output))
            {
                out.printf("{\"created\":\"%s\"}%n", DumpLogCommand.escape(topic));
            }
            else
            {
                out.printf("Created topic %s.%n", topic);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List topics.", mixinStandardHelpOptions = true)
    static final class ListTopics implements Callable<Integer>
    {
        @ParentCommand
        TopicCommand parent;

        @Override
        public Integer call() throws CliException
        {
            final TreeSet<String> names;
            try (Admin admin = parent.admin())
            {
                names = new TreeSet<>(await(admin.listTopics().names()));
            }
            final PrintWriter out = parent.spec.commandLine().getOut();
            if ("json".equals(parent.output))
            {
                out.println(names.stream().map(n -> "\"" + DumpLogCommand.escape(n) + "\"").collect(Collectors.joining(",", "[", "]")));
            }
            else
            {
                names.forEach(out::println);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "describe", description = "Describe topics: per partition its leader, replicas, ISR, and whether it is "
        + "under-replicated (ISR smaller than the replicas) or offline (no leader).", mixinStandardHelpOptions = true)
    static final class Describe implements Callable<Integer>
    {
        @ParentCommand
        TopicCommand parent;

        @Option(names = "--topic", description = "Topic to describe; all topics when omitted.")
        String topic;

        @Override
        public Integer call() throws CliException
        {
            final Map<String, TopicDescription> descriptions;
            try (Admin admin = parent.admin())
            {
                final List<String> names = topic != null ? List.of(topic) :
                    new ArrayList<>(new TreeSet<>(await(admin.listTopics().names())));
                descriptions = await(admin.describeTopics(names).allTopicNames());
            }
            final PrintWriter out = parent.spec.commandLine().getOut();
            final boolean json = "json".equals(parent.output);
            final List<String> jsonTopics = new ArrayList<>();
            for (final TopicDescription d : new java.util.TreeMap<>(descriptions).values())
            {
                final List<String> jsonPartitions = new ArrayList<>();
                if (!json)
                {
                    out.printf("Topic: %s\tTopicId: %s\tPartitionCount: %d\tReplicationFactor: %d%n", d.name(), d.topicId(),
                        d.partitions().size(), d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size());
                }
                for (final TopicPartitionInfo p : d.partitions())
                {
                    final boolean underReplicated = underReplicated(p);
                    final boolean offline = offline(p);
                    final String leader = offline ? "none" : Integer.toString(p.leader().id());
                    if (json)
                    {
                        jsonPartitions.add(String.format("{\"partition\":%d,\"leader\":%s,\"replicas\":%s,\"isr\":%s,"
                            + "\"underReplicated\":%b,\"offline\":%b}",
                            p.partition(), offline ? "null" : leader, ids(p.replicas()), ids(p.isr()), underReplicated, offline));
                    }
                    else
                    {
                        out.printf("\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s%s%s%n", d.name(), p.partition(), leader,
                            csv(p.replicas()), csv(p.isr()), underReplicated ? "\tUnder-replicated" : "", offline ? "\tOffline" : "");
                    }
                }
                if (json)
                {
                    jsonTopics.add(String.format("{\"topic\":\"%s\",\"topicId\":\"%s\",\"partitions\":[%s]}",
                        DumpLogCommand.escape(d.name()), d.topicId(), String.join(",", jsonPartitions)));
                }
            }
            if (json)
            {
                out.println("[" + String.join(",", jsonTopics) + "]");
            }
            out.flush();
            return 0;
        }

        private static String ids(final List<Node> nodes)
        {
            return nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(",", "[", "]"));
        }

        private static String csv(final List<Node> nodes)
        {
            return nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(","));
        }
    }

    /** Whether the partition's ISR is smaller than its replica set. */
    static boolean underReplicated(final TopicPartitionInfo p)
    {
        return p.isr().size() < p.replicas().size();
    }

    /** Whether the partition has no leader, so it can be neither written nor read. */
    static boolean offline(final TopicPartitionInfo p)
    {
        return p.leader() == null || p.leader().id() < 0;
    }

    @Command(name = "alter-partitions", description = "Raise a topic's partition count (CreatePartitions); it can only grow.",
        mixinStandardHelpOptions = true)
    static final class AlterPartitions implements Callable<Integer>
    {
        @ParentCommand
        TopicCommand parent;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--partitions", required = true, description = "The new total partition count.")
        int partitions;

        @Override
        public Integer call() throws CliException
        {
            try (Admin admin = parent.admin())
            {
                await(admin.createPartitions(Map.of(topic, partitions)).all());
            }
            final PrintWriter out = parent.out();
            if (parent.json())
            {
                out.printf("{\"topic\":\"%s\",\"partitions\":%d}%n", DumpLogCommand.escape(topic), partitions);
            }
            else
            {
                out.printf("Topic %s now has %d partitions.%n", topic, partitions);
            }
            out.flush();
            return 0;
        }
    }

    /** The partitions of {@code topic} named by {@code partition}: that one, or every one when null. */
    static List<io.osprey.common.TopicPartition> partitionsOf(final Admin admin, final String topic, final Integer partition)
        throws CliException
    {
        if (partition != null)
        {
            return List.of(new io.osprey.common.TopicPartition(topic, partition));
        }
        final TopicDescription d = await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        final List<io.osprey.common.TopicPartition> all = new ArrayList<>();
        for (final TopicPartitionInfo p : d.partitions())
        {
            all.add(new io.osprey.common.TopicPartition(topic, p.partition()));
        }
        return all;
    }

    @Command(name = "delete-records", description = "Delete every record below an offset (DeleteRecords): the partition's log "
        + "start moves there, as kafka-delete-records does.", mixinStandardHelpOptions = true)
    static final class DeleteRecords implements Callable<Integer>
    {
        @ParentCommand
        TopicCommand parent;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--partition", description = "One partition; every partition of the topic when omitted.")
        Integer partition;

        @Option(names = "--before-offset", required = true, description = "The new log start; -1 for the high watermark (every "
            + "committed record).")
        long beforeOffset;

        @Override
        public Integer call() throws CliException
        {
            final Map<io.osprey.common.TopicPartition, Long> lowWatermarks = new LinkedHashMap<>();
            final List<String> failures = new ArrayList<>();
            try (Admin admin = parent.admin())
            {
                final Map<io.osprey.common.TopicPartition, io.osprey.admin.RecordsToDelete> wanted = new LinkedHashMap<>();
                for (final io.osprey.common.TopicPartition tp : partitionsOf(admin, topic, partition))
                {
                    wanted.put(tp, io.osprey.admin.RecordsToDelete.beforeOffset(beforeOffset));
                }
                for (final Map.Entry<io.osprey.common.TopicPartition, CompletableFuture<io.osprey.admin.DeletedRecords>> e :
                    admin.deleteRecords(wanted).lowWatermarks().entrySet())
                {
                    try
                    {
                        lowWatermarks.put(e.getKey(), await(e.getValue()).lowWatermark());
                    }
                    catch (final CliException failure)
                    {
                        failures.add(failure.getMessage());
                    }
                }
            }
            final PrintWriter out = parent.out();
            if (parent.json())
            {
                out.printf("{\"topic\":\"%s\",\"partitions\":[%s]}%n", DumpLogCommand.escape(topic), lowWatermarks.entrySet().stream()
                    .map(e -> "{\"partition\":" + e.getKey().partition() + ",\"lowWatermark\":" + e.getValue() + "}")
                    .collect(Collectors.joining(",")));
            }
            else
            {
                lowWatermarks.forEach((tp, low) -> out.printf("Partition %s: low watermark %d.%n", tp, low));
            }
            out.flush();
            if (!failures.isEmpty())
            {
                throw new CliException(String.join("; ", failures));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a topic.", mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer>
    {
        @ParentCommand
        TopicCommand parent;

        @Option(names = "--topic", required = true)
        String topic;

        @Override
        public Integer call() throws CliException
        {
            try (Admin admin = parent.admin())
            {
                await(admin.deleteTopics(List.of(topic)).all());
            }
            final PrintWriter out = parent.spec.commandLine().getOut();
            out.printf("json".equals(parent.output) ? "{\"deleted\":\"%s\"}%n" : "Deleted topic %s.%n", topic);
            out.flush();
            return 0;
        }
    }
}
