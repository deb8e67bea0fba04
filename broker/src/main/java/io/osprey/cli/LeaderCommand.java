package io.osprey.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.osprey.admin.Admin;
import io.osprey.admin.TopicDescription;
import io.osprey.admin.TopicPartitionInfo;
import io.osprey.common.ElectionType;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code leader elect --preferred}: moves leadership back to each partition's preferred (first)
 * replica, as Kafka's {@code kafka-leader-election.sh --election-type PREFERRED}, through the
 * ElectLeaders API.
 */
@Command(name = "leader", description = "Move partition leadership back to the preferred replicas.", mixinStandardHelpOptions = true,
    subcommands = {LeaderCommand.Elect.class})
final class LeaderCommand extends AdminCommand
{
    /** Which partitions: one topic (or one of its partitions), or all of them. */
    static final class Selection
    {
        @Option(names = "--topic", description = "Elect for this topic's partitions.")
        String topic;

        @Option(names = "--all-topic-partitions", description = "Elect for every partition of the cluster.")
        boolean all;
    }

    @Command(name = "elect", description = "Make each partition's preferred (first) replica its leader where it is live and in sync. "
        + "Prints one line per partition: elected, already preferred, or why not; exits 1 if any partition could not be elected.",
        mixinStandardHelpOptions = true)
    static final class Elect implements Callable<Integer>
    {
        @ParentCommand
        LeaderCommand parent;

        @Option(names = "--preferred", required = true, description = "Elect the preferred replica (the only election type served).")
        boolean preferred;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Selection selection;

        @Option(names = "--partition", description = "With --topic: only this partition.")
        Integer partition;

        @Override
        public Integer call() throws CliException
        {
            if (partition != null && selection.topic == null)
            {
                throw new CliException("--partition needs --topic");
            }
            final Map<TopicPartition, Optional<Throwable>> results;
            try (Admin admin = parent.admin())
            {
                final Set<TopicPartition> partitions = selection.all ? null : partitionsOf(admin);
                results = await(admin.electLeaders(ElectionType.PREFERRED, partitions).partitions());
            }
            final TreeMap<String, TreeMap<Integer, Optional<Throwable>>> sorted = new TreeMap<>();
            results.forEach((tp, r) -> sorted.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), r));
            final PrintWriter out = parent.out();
            final GroupCommand.TextTable table = new GroupCommand.TextTable("TOPIC", "PARTITION", "RESULT");
            final List<String> json = new ArrayList<>();
            int failed = 0;
            for (final var topic : sorted.entrySet())
            {
                for (final var p : topic.getValue().entrySet())
                {
                    final Throwable error = p.getValue().orElse(null);
                    final String outcome = outcome(error);
                    failed += "failed".equals(outcome) ? 1 : 0;
                    final String detail = error == null ? null : describe(error);
                    table.row(topic.getKey(), Integer.toString(p.getKey()), switch (outcome)
                    {
                        case "elected" -> "elected";
                        case "not-needed" -> "already preferred";
                        default -> "failed: " + detail;
                    });
                    json.add(String.format("{\"topic\":%s,\"partition\":%d,\"result\":\"%s\",\"error\":%s,\"message\":%s}",
                        GroupCommand.jsonString(topic.getKey()), p.getKey(), outcome,
                        error instanceof OspreyException o ? GroupCommand.jsonString(o.errorCode().name()) : "null",
                        "elected".equals(outcome) ? "null" : GroupCommand.jsonString(error.getMessage())));
                }
            }
            if (parent.json())
            {
                out.println("{\"results\":[" + String.join(",", json) + "]}");
            }
            else if (sorted.isEmpty())
            {
                out.println("Every partition is already led by its preferred replica.");
            }
            else
            {
                table.print(out);
            }
            out.flush();
            if (failed > 0)
            {
                throw new CliException("Preferred leader election failed for " + failed + " partition(s)");
            }
            return 0;
        }

        /** The partitions of {@code --topic} (or the one {@code --partition} names), checked against the cluster. */
        private Set<TopicPartition> partitionsOf(final Admin admin) throws CliException
        {
            if (partition != null)
            {
                return Set.of(new TopicPartition(selection.topic, partition));
            }
            final TopicDescription d = await(admin.describeTopics(List.of(selection.topic)).allTopicNames()).get(selection.topic);
            final Set<TopicPartition> partitions = new LinkedHashSet<>();
            for (final TopicPartitionInfo p : d.partitions())
            {
                partitions.add(new TopicPartition(selection.topic, p.partition()));
            }
            return partitions;
        }

        private static String outcome(final Throwable error)
        {
            if (error == null)
            {
                return "elected";
            }
            return error instanceof OspreyException o && o.errorCode() == ErrorCode.ELECTION_NOT_NEEDED ? "not-needed" : "failed";
        }

        private static String describe(final Throwable error)
        {
            return error instanceof OspreyException o ? o.getMessage() + " (" + o.errorCode() + ")" : String.valueOf(error);
        }
    }
}
