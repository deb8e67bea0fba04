package io.osprey.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.osprey.admin.Admin;
import io.osprey.admin.ConsumerGroupDescription;
import io.osprey.admin.ConsumerGroupLag;
import io.osprey.admin.ConsumerGroupListing;
import io.osprey.admin.GroupState;
import io.osprey.admin.ListConsumerGroupsOptions;
import io.osprey.admin.MemberDescription;
import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code group list|describe|delete|reset-offsets}: consumer-group administration with the
 * columns and flags of Kafka's kafka-consumer-groups tool. Every command that prints data
 * takes {@code --output json}; an error prints the broker's message and exits 1.
 */
@Command(name = "group", description = "List, describe and delete consumer groups, and reset their offsets.",
    mixinStandardHelpOptions = true,
    subcommands = {GroupCommand.ListGroups.class, GroupCommand.Describe.class, GroupCommand.Delete.class, GroupCommand.DeleteOffsets.class,
        GroupResetOffsetsCommand.class})
final class GroupCommand extends AdminCommand
{
    /** A JSON string, or null. */
    static String jsonString(final String s)
    {
        return s == null ? "null" : "\"" + DumpLogCommand.escape(s) + "\"";
    }

    static String jsonNumber(final OptionalLong n)
    {
        return n.isPresent() ? Long.toString(n.getAsLong()) : "null";
    }

    static String text(final OptionalLong n)
    {
        return n.isPresent() ? Long.toString(n.getAsLong()) : "-";
    }

    static String text(final String s)
    {
        return s == null || s.isEmpty() ? "-" : s;
    }

    @Command(name = "list", description = "List consumer groups: id, state, protocol type.", mixinStandardHelpOptions = true)
    static final class ListGroups implements Callable<Integer>
    {
        @ParentCommand
        GroupCommand parent;

        @Option(names = "--state", split = ",", description = "Only groups in these states (Stable, Empty, PreparingRebalance, "
            + "CompletingRebalance, Dead), comma-separated.")
        List<String> states = new ArrayList<>();

        @Override
        public Integer call() throws CliException
        {
            final Set<GroupState> filter = new LinkedHashSet<>();
            for (final String s : states)
            {
                final GroupState state = GroupState.parse(s.trim());
                if (state == GroupState.UNKNOWN)
                {
                    throw new CliException("Unknown group state '" + s + "'; use Stable, Empty, PreparingRebalance, CompletingRebalance or Dead");
                }
                filter.add(state);
            }
            final List<ConsumerGroupListing> groups;
            try (Admin admin = parent.admin())
            {
                groups = new ArrayList<>(await(admin.listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(filter)).all()));
            }
            final PrintWriter out = parent.out();
            if (parent.json())
            {
                out.println(groups.stream().map(g -> String.format("{\"group\":%s,\"state\":%s,\"protocolType\":%s}",
                    jsonString(g.groupId()), jsonString(g.groupState().map(GroupState::toString).orElse(null)),
                    jsonString(g.protocolType()))).collect(Collectors.joining(",", "[", "]")));
            }
            else
            {
                final TextTable table = new TextTable("GROUP", "STATE", "PROTOCOL-TYPE");
                for (final ConsumerGroupListing g : groups)
                {
                    table.row(g.groupId(), g.groupState().map(GroupState::toString).orElse("-"), text(g.protocolType()));
                }
                table.print(out);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "describe", description = "Describe a consumer group: per-partition offsets and lag (default), its members "
        + "(--members) or its state (--state).", mixinStandardHelpOptions = true)
    static final class Describe implements Callable<Integer>
    {
        @ParentCommand
        GroupCommand parent;

        @Parameters(index = "0", paramLabel = "GROUP", description = "The group to describe.")
        String group;

        @Option(names = "--members", description = "List the members and their assigned partitions.")
        boolean members;

        @Option(names = "--state", description = "Show the coordinator, assignor, state and member count.")
        boolean state;

        @Override
        public Integer call() throws CliException
        {
            if (members && state)
            {
                throw new CliException("--members and --state cannot be used together");
            }
            try (Admin admin = parent.admin())
            {
                if (members || state)
                {
                    final ConsumerGroupDescription d = existing(await(admin.describeConsumerGroups(List.of(group)).describedGroups()
                        .get(group)));
                    if (members)
                    {
                        printMembers(d);
                    }
                    else
                    {
                        printState(d);
                    }
                }
                else
                {
                    final ConsumerGroupLag lag = await(ConsumerGroupLag.compute(admin, group));
                    existing(lag.group());
                    printOffsets(lag);
                }
            }
            parent.out().flush();
            return 0;
        }

        /** The description, unless the coordinator reports the group Dead: how a group that does not exist is described. */
        private ConsumerGroupDescription existing(final ConsumerGroupDescription d) throws CliException
        {
            if (d.groupState() == GroupState.DEAD)
            {
                throw new CliException("Group '" + group + "' does not exist (" + ErrorCode.GROUP_ID_NOT_FOUND + ")");
            }
            return d;
        }

        private void printOffsets(final ConsumerGroupLag lag)
        {
            final PrintWriter out = parent.out();
            final String groupId = lag.group().groupId();
            if (parent.json())
            {
                final List<String> rows = new ArrayList<>();
                for (final ConsumerGroupLag.PartitionLag p : lag.partitions())
                {
                    final MemberDescription owner = p.owner().orElse(null);
                    rows.add(String.format("{\"topic\":%s,\"partition\":%d,\"currentOffset\":%s,\"logEndOffset\":%s,\"lag\":%s,"
                        + "\"consumerId\":%s,\"host\":%s,\"clientId\":%s}", jsonString(p.partition().topic()), p.partition().partition(),
                        jsonNumber(p.committedOffset()), jsonNumber(p.logEndOffset()), jsonNumber(p.lag()),
                        jsonString(owner == null ? null : owner.consumerId()), jsonString(owner == null ? null : owner.host()),
                        jsonString(owner == null ? null : owner.clientId())));
                }
                for (final MemberDescription m : lag.membersWithoutPartitions())
                {
                    rows.add(String.format("{\"topic\":null,\"partition\":null,\"currentOffset\":null,\"logEndOffset\":null,\"lag\":null,"
                        + "\"consumerId\":%s,\"host\":%s,\"clientId\":%s}", jsonString(m.consumerId()), jsonString(m.host()),
                        jsonString(m.clientId())));
                }
                out.printf("{\"group\":%s,\"state\":%s,\"totalLag\":%d,\"partitions\":[%s]}%n", jsonString(groupId),
                    jsonString(lag.group().groupState().toString()), lag.totalLag(), String.join(",", rows));
                return;
            }
            if (lag.group().members().isEmpty())
            {
                out.printf("Consumer group '%s' has no active members.%n%n", groupId);
            }
            final TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
                "HOST", "CLIENT-ID");
            for (final ConsumerGroupLag.PartitionLag p : lag.partitions())
            {
                final MemberDescription owner = p.owner().orElse(null);
                table.row(groupId, p.partition().topic(), Integer.toString(p.partition().partition()), text(p.committedOffset()),
                    text(p.logEndOffset()), text(p.lag()), owner == null ? "-" : owner.consumerId(), owner == null ? "-" : owner.host(),
                    owner == null ? "-" : owner.clientId());
            }
            for (final MemberDescription m : lag.membersWithoutPartitions())
            {
                table.row(groupId, "-", "-", "-", "-", "-", m.consumerId(), m.host(), m.clientId());
            }
            table.print(out);
            out.printf("%nTotal lag: %d%n", lag.totalLag());
        }

        private void printMembers(final ConsumerGroupDescription d)
        {
            final PrintWriter out = parent.out();
            if (parent.json())
            {
                final List<String> rows = new ArrayList<>();
                for (final MemberDescription m : d.members())
                {
                    rows.add(String.format("{\"consumerId\":%s,\"groupInstanceId\":%s,\"host\":%s,\"clientId\":%s,\"assignment\":[%s]}",
                        jsonString(m.consumerId()), jsonString(m.groupInstanceId().orElse(null)), jsonString(m.host()),
                        jsonString(m.clientId()), sorted(m.assignment().topicPartitions()).stream()
                            .map(tp -> String.format("{\"topic\":%s,\"partition\":%d}", jsonString(tp.topic()), tp.partition()))
                            .collect(Collectors.joining(","))));
                }
                out.printf("{\"group\":%s,\"state\":%s,\"members\":[%s]}%n", jsonString(d.groupId()), jsonString(d.groupState().toString()),
                    String.join(",", rows));
                return;
            }
            if (d.members().isEmpty())
            {
                out.printf("Consumer group '%s' has no active members.%n", d.groupId());
                return;
            }
            final TextTable table = new TextTable("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT");
            for (final MemberDescription m : d.members())
            {
                table.row(d.groupId(), m.consumerId(), m.host(), m.clientId(), Integer.toString(m.assignment().topicPartitions().size()),
                    assignment(m.assignment().topicPartitions()));
            }
            table.print(out);
        }

        private void printState(final ConsumerGroupDescription d)
        {
            final PrintWriter out = parent.out();
            final String coordinator = d.coordinator() == null ? "-" : d.coordinator().host() + ":" + d.coordinator().port() + " ("
                + d.coordinator().id() + ")";
            if (parent.json())
            {
                out.printf("{\"group\":%s,\"coordinator\":%s,\"coordinatorId\":%s,\"assignmentStrategy\":%s,\"state\":%s,\"members\":%d}%n",
                    jsonString(d.groupId()), jsonString(coordinator), d.coordinator() == null ? "null" : Integer.toString(d.coordinator().id()),
                    jsonString(d.partitionAssignor()), jsonString(d.groupState().toString()), d.members().size());
                return;
            }
            final TextTable table = new TextTable("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
            table.row(d.groupId(), coordinator, text(d.partitionAssignor()), d.groupState().toString(), Integer.toString(d.members().size()));
            table.print(out);
        }

        /** "t(0,1),u(2)": the member's partitions grouped by topic; "-" for none. */
        private static String assignment(final Set<TopicPartition> partitions)
        {
            if (partitions.isEmpty())
            {
                return "-";
            }
            return sorted(partitions).stream().collect(Collectors.groupingBy(TopicPartition::topic, java.util.TreeMap::new,
                Collectors.mapping(tp -> Integer.toString(tp.partition()), Collectors.joining(","))))
                .entrySet().stream().map(e -> e.getKey() + "(" + e.getValue() + ")").collect(Collectors.joining(","));
        }

        private static List<TopicPartition> sorted(final Set<TopicPartition> partitions)
        {
            final List<TopicPartition> list = new ArrayList<>(partitions);
            list.sort(ConsumerGroupLag.PARTITION_ORDER);
            return list;
        }
    }

    @Command(name = "delete", description = "Delete consumer groups and their offsets; a group with members is refused.",
        mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer>
    {
        @ParentCommand
        GroupCommand parent;

        @Parameters(arity = "1..*", paramLabel = "GROUP", description = "The groups to delete.")
        List<String> groups;

        @Override
        public Integer call() throws CliException
        {
            final List<String> deleted = new ArrayList<>();
            final List<String> failures = new ArrayList<>();
            try (Admin admin = parent.admin())
            {
                final Map<String, CompletableFuture<Void>> results = admin.deleteConsumerGroups(groups).deletedGroups();
                for (final Map.Entry<String, CompletableFuture<Void>> e : results.entrySet())
                {
                    try
                    {
                        await(e.getValue());
                        deleted.add(e.getKey());
                    }
                    catch (final CliException failure)
                    {
                        failures.add(failure.getMessage());
                    }
                }
            }
            final PrintWriter out = parent.out();
            for (final String group : deleted)
            {
                out.printf(parent.json() ? "{\"deleted\":%s}%n" : "Deleted consumer group %s.%n",
                    parent.json() ? jsonString(group) : "'" + group + "'");
            }
            out.flush();
            if (!failures.isEmpty())
            {
                throw new CliException(String.join("; ", failures));
            }
            return 0;
        }
    }

    @Command(name = "delete-offsets", description = "Delete a group's committed offsets for a topic's partitions; a group with "
        + "members keeps those of topics they subscribe to.", mixinStandardHelpOptions = true)
    static final class DeleteOffsets implements Callable<Integer>
    {
        @ParentCommand
        GroupCommand parent;

        @Parameters(index = "0", paramLabel = "GROUP", description = "The group.")
        String group;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--partition", description = "One partition; every partition of the topic when omitted.")
        Integer partition;

        @Override
        public Integer call() throws CliException
        {
            final List<TopicPartition> deleted = new ArrayList<>();
            final List<String> failures = new ArrayList<>();
            try (Admin admin = parent.admin())
            {
                final List<TopicPartition> partitions = TopicCommand.partitionsOf(admin, topic, partition);
                final io.osprey.admin.DeleteConsumerGroupOffsetsResult result =
                    admin.deleteConsumerGroupOffsets(group, new LinkedHashSet<>(partitions));
                for (final TopicPartition tp : partitions)
                {
                    try
                    {
                        await(result.partitionResult(tp));
                        deleted.add(tp);
                    }
                    catch (final CliException failure)
                    {
                        failures.add(failure.getMessage());
                    }
                }
            }
            final PrintWriter out = parent.out();
            for (final TopicPartition tp : deleted)
            {
                out.printf(parent.json() ? "{\"group\":%s,\"deletedOffset\":%s}%n" : "Deleted the offset of %2$s for group %1$s.%n",
                    parent.json() ? jsonString(group) : "'" + group + "'", parent.json() ? jsonString(tp.toString()) : tp);
            }
            out.flush();
            if (!failures.isEmpty())
            {
                throw new CliException(String.join("; ", failures));
            }
            return 0;
        }
    }

    /** Left-aligned columns two spaces apart, each as wide as its widest cell, as kafka-consumer-groups prints them. */
    static final class TextTable
    {
        private final List<String[]> rows = new ArrayList<>();

        TextTable(final String... header)
        {
            rows.add(header);
        }

        void row(final String... cells)
        {
            rows.add(cells);
        }

        void print(final PrintWriter out)
        {
            final int[] widths = new int[rows.get(0).length];
            for (final String[] row : rows)
            {
                for (int i = 0; i < row.length; i++)
                {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (final String[] row : rows)
            {
                final StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++)
                {
                    line.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
