package io.osprey.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.osprey.admin.Admin;
import io.osprey.admin.ConsumerGroupDescription;
import io.osprey.admin.ConsumerGroupLag;
import io.osprey.admin.GroupState;
import io.osprey.admin.ListOffsetsResult;
import io.osprey.admin.OffsetSpec;
import io.osprey.admin.TopicDescription;
import io.osprey.admin.TopicPartitionInfo;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code group reset-offsets}: moves an inactive group's committed offsets, as
 * {@code kafka-consumer-groups.sh --reset-offsets} does. Prints the plan (GROUP TOPIC PARTITION
 * NEW-OFFSET) and changes nothing unless {@code --execute} is given. Every new offset is kept
 * within the partition's log (from its start to its end offset), as Kafka's tool keeps it.
 * A group with members is refused, dry run or not: the coordinator takes offsets from no member
 * while any consumer is in the group.
 */
@Command(name = "reset-offsets", description = "Reset an inactive group's offsets (a dry run printing the plan unless --execute).",
    mixinStandardHelpOptions = true)
final class GroupResetOffsetsCommand implements Callable<Integer>
{
    @ParentCommand
    GroupCommand parent;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The group whose offsets to reset.")
    String group;

    @Option(names = "--topic", paramLabel = "TOPIC[:P,P...]", description = "A topic (every partition), or some of its partitions "
        + "(orders:0,2); repeatable.")
    List<String> topics = new ArrayList<>();

    @Option(names = "--all-topics", description = "Every partition the group has a committed offset for.")
    boolean allTopics;

    @Option(names = "--to-earliest", description = "To the start of each partition's log.")
    boolean toEarliest;

    @Option(names = "--to-latest", description = "To the end of each partition's log.")
    boolean toLatest;

    @Option(names = "--to-offset", paramLabel = "N", description = "To offset N.")
    Long toOffset;

    @Option(names = "--to-datetime", paramLabel = "ISO-8601", description = "To the first record at or after this time: "
        + "2024-05-01T12:00:00Z, 2024-05-01T14:00:00.000+02:00, or without a zone for the local time zone.")
    String toDatetime;

    @Option(names = "--shift-by", paramLabel = "N", description = "By N from the committed offset (negative to go back).")
    Long shiftBy;

    @Option(names = "--execute", description = "Apply the plan (without it, only print it).")
    boolean execute;

    @Option(names = "--dry-run", description = "Only print the plan (the default).")
    boolean dryRun;

    @Override
    public Integer call() throws CliException
    {
        validate();
        final Long timestampMs = toDatetime == null ? null : parseDateTime(toDatetime);
        final Map<TopicPartition, Long> plan;
        try (Admin admin = parent.admin())
        {
            refuseUnlessInactive(describeOrMissing(admin));
            final Map<TopicPartition, OffsetAndMetadata> committed = AdminCommand.await(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata());
            final List<TopicPartition> partitions = partitions(admin, committed);
            plan = plan(admin, partitions, committed, timestampMs);
            if (execute)
            {
                final Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
                plan.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
                AdminCommand.await(admin.alterConsumerGroupOffsets(group, offsets).all());
            }
        }
        print(plan);
        return 0;
    }

    private void validate() throws CliException
    {
        if (topics.isEmpty() == !allTopics)
        {
            throw new CliException("Give either --topic (repeatable) or --all-topics");
        }
        final int scenarios = (toEarliest ? 1 : 0) + (toLatest ? 1 : 0) + (toOffset != null ? 1 : 0) + (toDatetime != null ? 1 : 0)
            + (shiftBy != null ? 1 : 0);
        if (scenarios != 1)
        {
            throw new CliException("Give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by");
        }
        if (execute && dryRun)
        {
            throw new CliException("--execute and --dry-run cannot be used together");
        }
        if (toOffset != null && toOffset < 0)
        {
            throw new CliException("--to-offset must not be negative, not " + toOffset);
        }
    }

    /** Epoch milliseconds of an ISO-8601 date-time; one without a zone is in the local time zone, as in Kafka's tool. */
    static long parseDateTime(final String text) throws CliException
    {
        try
        {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        catch (final DateTimeParseException withoutZone)
        {
            try
            {
                return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
            }
            catch (final DateTimeParseException e)
            {
                try
                {
                    return Instant.parse(text).toEpochMilli();
                }
                catch (final DateTimeParseException ignored)
                {
                    throw new CliException("--to-datetime '" + text + "' is not an ISO-8601 date-time such as 2024-05-01T12:00:00Z");
                }
            }
        }
    }

    /**
     * The group; empty when its coordinator says it does not exist (GROUP_ID_NOT_FOUND, from
     * coordinators that do not describe it as Dead). Offsets may still be set for such a group,
     * which creates it.
     */
    private Optional<ConsumerGroupDescription> describeOrMissing(final Admin admin) throws CliException
    {
        final CompletableFuture<Optional<ConsumerGroupDescription>> described = admin.describeConsumerGroups(List.of(group))
            .describedGroups().get(group).handle((d, error) ->
            {
                if (error == null)
                {
                    return CompletableFuture.completedFuture(Optional.of(d));
                }
                final Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof OspreyException o && o.errorCode() == ErrorCode.GROUP_ID_NOT_FOUND)
                {
                    return CompletableFuture.completedFuture(Optional.<ConsumerGroupDescription>empty());
                }
                return CompletableFuture.<Optional<ConsumerGroupDescription>>failedFuture(cause);
            }).thenCompose(f -> f);
        return AdminCommand.await(described);
    }

    private void refuseUnlessInactive(final Optional<ConsumerGroupDescription> described) throws CliException
    {
        if (described.isEmpty())
        {
            return;
        }
        final ConsumerGroupDescription d = described.get();
        final boolean inactive = d.members().isEmpty() && (d.groupState() == GroupState.EMPTY || d.groupState() == GroupState.DEAD);
        if (!inactive)
        {
            throw new CliException("Group '" + group + "' is not empty (state " + d.groupState() + ", " + d.members().size()
                + " member(s)): stop its consumers first, then reset its offsets");
        }
    }

    /** The partitions the options name, by topic then partition. */
    private List<TopicPartition> partitions(final Admin admin, final Map<TopicPartition, OffsetAndMetadata> committed) throws CliException
    {
        final Set<TopicPartition> partitions = new TreeSet<>(ConsumerGroupLag.PARTITION_ORDER);
        if (allTopics)
        {
            partitions.addAll(committed.keySet());
            if (partitions.isEmpty())
            {
                throw new CliException("Group '" + group + "' has no committed offsets; name the partitions with --topic");
            }
            return new ArrayList<>(partitions);
        }
        final Set<String> wholeTopics = new LinkedHashSet<>();
        for (final String spec : topics)
        {
            final int colon = spec.indexOf(':');
            if (colon < 0)
            {
                wholeTopics.add(spec);
                continue;
            }
            final String topic = spec.substring(0, colon);
            for (final String p : spec.substring(colon + 1).split(","))
            {
                try
                {
                    partitions.add(new TopicPartition(topic, Integer.parseInt(p.trim())));
                }
                catch (final NumberFormatException e)
                {
                    throw new CliException("--topic '" + spec + "': '" + p + "' is not a partition number");
                }
            }
        }
        if (!wholeTopics.isEmpty())
        {
            final Map<String, TopicDescription> described = AdminCommand.await(admin.describeTopics(wholeTopics).allTopicNames());
            for (final TopicDescription d : described.values())
            {
                for (final TopicPartitionInfo p : d.partitions())
                {
                    partitions.add(new TopicPartition(d.name(), p.partition()));
                }
            }
        }
        return new ArrayList<>(partitions);
    }

    /** Each partition's new offset, kept between its log start and end. */
    private Map<TopicPartition, Long> plan(final Admin admin, final List<TopicPartition> partitions,
        final Map<TopicPartition, OffsetAndMetadata> committed, final Long timestampMs) throws CliException
    {
        final Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
        final Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest());
        final Map<TopicPartition, Long> atTime = timestampMs == null ? Map.of()
            : offsets(admin, partitions, OffsetSpec.forTimestamp(timestampMs));
        final Map<TopicPartition, Long> plan = new TreeMap<>(ConsumerGroupLag.PARTITION_ORDER);
        for (final TopicPartition tp : partitions)
        {
            final long start = earliest.get(tp);
            final long end = latest.get(tp);
            final long target;
            if (toEarliest)
            {
                target = start;
            }
            else if (toLatest)
            {
                target = end;
            }
            else if (toOffset != null)
            {
                target = toOffset;
            }
            else if (timestampMs != null)
            {
                // No record at or after the time: the log end, as Kafka's tool does.
                final long found = atTime.get(tp);
                target = found < 0 ? end : found;
            }
            else
            {
                final OffsetAndMetadata current = committed.get(tp);
                if (current == null)
                {
                    throw new CliException("Cannot shift the offset of partition " + tp + ": group '" + group + "' has no committed offset "
                        + "for it");
                }
                target = current.offset() + shiftBy;
            }
            plan.put(tp, Math.max(start, Math.min(end, target)));
        }
        return plan;
    }

    private static Map<TopicPartition, Long> offsets(final Admin admin, final List<TopicPartition> partitions, final OffsetSpec spec)
        throws CliException
    {
        final Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos = AdminCommand.await(admin.listOffsets(specs).all());
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        infos.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private void print(final Map<TopicPartition, Long> plan)
    {
        final PrintWriter out = parent.out();
        if (parent.json())
        {
            final List<String> rows = new ArrayList<>();
            plan.forEach((tp, offset) -> rows.add(String.format("{\"topic\":%s,\"partition\":%d,\"newOffset\":%d}",
                GroupCommand.jsonString(tp.topic()), tp.partition(), offset)));
            out.printf("{\"group\":%s,\"executed\":%b,\"offsets\":[%s]}%n", GroupCommand.jsonString(group), execute, String.join(",", rows));
        }
        else
        {
            final GroupCommand.TextTable table = new GroupCommand.TextTable("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
            plan.forEach((tp, offset) -> table.row(group, tp.topic(), Integer.toString(tp.partition()), Long.toString(offset)));
            table.print(out);
        }
        out.flush();
        if (!execute)
        {
            final PrintWriter err = parent.spec.commandLine().getErr();
            err.println("Dry run: no offset was changed. Add --execute to apply this plan.");
            err.flush();
        }
    }
}
