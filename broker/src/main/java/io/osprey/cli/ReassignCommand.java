package io.osprey.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import io.osprey.admin.Admin;
import io.osprey.admin.NewPartitionReassignment;
import io.osprey.admin.PartitionReassignment;
import io.osprey.admin.TopicDescription;
import io.osprey.admin.TopicPartitionInfo;
import io.osprey.client.Node;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code reassign plan|execute|verify|cancel|list}: moves partition replicas between brokers,
 * as Kafka's {@code kafka-reassign-partitions.sh} ({@code --generate}, {@code --execute},
 * {@code --verify}, {@code --cancel}, {@code --list}) with the same plan file format, through
 * the AlterPartitionReassignments and ListPartitionReassignments APIs.
 */
@Command(name = "reassign", description = "Plan, start, follow and cancel moves of partition replicas between brokers.",
    mixinStandardHelpOptions = true,
    subcommands = {ReassignCommand.Plan.class, ReassignCommand.Execute.class, ReassignCommand.Verify.class, ReassignCommand.Cancel.class,
        ReassignCommand.ListMoves.class})
final class ReassignCommand extends AdminCommand
{
    /** How often {@code execute --wait} asks for progress. */
    static final long POLL_MS = 500;
    /** Polls in a row that find partitions short of their target and none moving before {@code execute --wait} gives up. */
    static final int NOT_MOVING_POLLS_MAX = 6;
    /** Answers in a row with partitions stuck (neither at their target nor moving) before {@code verify} reports them. */
    static final int VERIFY_STUCK_POLLS_MAX = 4;

    /** Where one partition of a plan stands. */
    enum State
    {
        DONE("done"),
        IN_PROGRESS("in progress"),
        /** No move in progress, and the replicas are not the target: never started, cancelled, or moved elsewhere since. */
        NOT_MOVING("not moving"),
        UNKNOWN_PARTITION("unknown partition");

        final String text;

        State(final String text)
        {
            this.text = text;
        }

        String json()
        {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One partition of a plan: its target, its replicas now (null if it does not exist) and its move in progress (or null). */
    record Status(TopicPartition partition, List<Integer> target, List<Integer> replicas, PartitionReassignment moving)
    {
        State state()
        {
            if (moving != null)
            {
                return State.IN_PROGRESS;
            }
            if (replicas == null)
            {
                return State.UNKNOWN_PARTITION;
            }
            return replicas.equals(target) ? State.DONE : State.NOT_MOVING;
        }
    }

    static ReassignmentPlan readPlan(final Path file) throws CliException
    {
        try
        {
            return ReassignmentPlan.parse(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException e)
        {
            throw new CliException("Cannot read the plan " + file + ": " + e);
        }
    }

    /** Every partition's replicas now, by partition, for the topics given; a topic that does not exist is left out. */
    static Map<TopicPartition, List<Integer>> currentReplicas(final Admin admin, final java.util.Collection<String> topics)
        throws CliException
    {
        final Map<TopicPartition, List<Integer>> current = new LinkedHashMap<>();
        for (final Map.Entry<String, CompletableFuture<TopicDescription>> e : admin.describeTopics(topics).topicNameValues().entrySet())
        {
            final TopicDescription d;
            try
            {
                d = e.getValue().get();
            }
            catch (final ExecutionException x)
            {
                if (x.getCause() instanceof OspreyException o && o.errorCode() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                {
                    continue;
                }
                throw new CliException(x.getCause() instanceof OspreyException o ? o.getMessage() + " (" + o.errorCode() + ")"
                    : String.valueOf(x.getCause()));
            }
            catch (final InterruptedException x)
            {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
            for (final TopicPartitionInfo p : d.partitions())
            {
                current.put(new TopicPartition(d.name(), p.partition()), p.replicas().stream().map(Node::id).toList());
            }
        }
        return current;
    }

    /** Where each partition of the plan stands now, in plan order. */
    static List<Status> statuses(final Admin admin, final ReassignmentPlan plan) throws CliException
    {
        final Map<TopicPartition, PartitionReassignment> moving =
            await(admin.listPartitionReassignments(plan.targets().keySet()).reassignments());
        final Map<TopicPartition, List<Integer>> current = currentReplicas(admin, plan.topics());
        final List<Status> statuses = new ArrayList<>();
        plan.targets().forEach((tp, target) -> statuses.add(new Status(tp, target, current.get(tp), moving.get(tp))));
        return statuses;
    }

    static int count(final List<Status> statuses, final State state)
    {
        return (int)statuses.stream().filter(s -> s.state() == state).count();
    }

    private static String csv(final List<Integer> ids)
    {
        return ids == null ? "-" : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    void printStatuses(final List<Status> statuses)
    {
        final PrintWriter out = out();
        if (json())
        {
            out.println(statuses.stream().map(s -> String.format("{\"topic\":%s,\"partition\":%d,\"target\":%s,\"replicas\":%s,"
                    + "\"adding\":%s,\"removing\":%s,\"state\":\"%s\"}", GroupCommand.jsonString(s.partition().topic()), s.partition().partition(),
                    ReassignmentPlan.ids(s.target()), s.replicas() == null ? "null" : ReassignmentPlan.ids(s.replicas()),
                    ReassignmentPlan.ids(s.moving() == null ? List.of() : s.moving().addingReplicas()),
                    ReassignmentPlan.ids(s.moving() == null ? List.of() : s.moving().removingReplicas()), s.state().json()))
                .collect(Collectors.joining(",", "{\"partitions\":[", "],\"done\":" + count(statuses, State.DONE) + ",\"total\":"
                    + statuses.size() + "}")));
        }
        else
        {
            final GroupCommand.TextTable table = new GroupCommand.TextTable("TOPIC", "PARTITION", "TARGET", "REPLICAS", "STATE");
            for (final Status s : statuses)
            {
                table.row(s.partition().topic(), Integer.toString(s.partition().partition()), csv(s.target()), csv(s.replicas()),
                    s.moving() == null ? s.state().text
                        : s.state().text + " (adding " + csv(s.moving().addingReplicas()) + ", removing " + csv(s.moving().removingReplicas()) + ")");
            }
            table.print(out);
            out.printf("%d of %d partition(s) done.%n", count(statuses, State.DONE), statuses.size());
        }
        out.flush();
    }

    // ---- plan ----------------------------------------------------------------------------------------

    @Command(name = "plan", description = "Print a plan (Kafka's reassignment JSON) that spreads the replicas and preferred leaders of "
        + "the topics evenly over the brokers, keeping each partition's replication factor and moving as few replicas as it can.",
        mixinStandardHelpOptions = true)
    static final class Plan implements Callable<Integer>
    {
        @ParentCommand
        ReassignCommand parent;

        @Option(names = "--topics", required = true, split = ",", description = "Topics to plan for, comma-separated.")
        List<String> topics;

        @Option(names = "--brokers", split = ",", description = "Brokers to spread over, comma-separated; default: every registered broker.")
        List<Integer> brokers;

        @Option(names = "--output-file", description = "Also write the plan to this file.")
        Path outputFile;

        @Override
        public Integer call() throws CliException
        {
            final Map<TopicPartition, List<Integer>> current;
            final List<Integer> targets;
            try (Admin admin = parent.admin())
            {
                final Map<String, TopicDescription> described = await(admin.describeTopics(topics).allTopicNames());
                current = new LinkedHashMap<>();
                for (final TopicDescription d : new TreeMap<>(described).values())
                {
                    d.partitions().stream().sorted(Comparator.comparingInt(TopicPartitionInfo::partition)).forEach(p ->
                        current.put(new TopicPartition(d.name(), p.partition()), p.replicas().stream().map(Node::id).toList()));
                }
                targets = brokers != null ? brokers.stream().distinct().sorted().toList()
                    : await(admin.describeCluster().nodes()).stream().map(Node::id).sorted().toList();
            }
            final ReassignmentPlan plan = new ReassignmentPlan(ReassignmentPlanner.plan(current, targets));
            final String json = plan.toJson();
            if (outputFile != null)
            {
                try
                {
                    Files.writeString(outputFile, json + System.lineSeparator(), StandardCharsets.UTF_8);
                }
                catch (final IOException e)
                {
                    throw new CliException("Cannot write the plan to " + outputFile + ": " + e);
                }
            }
            final PrintWriter out = parent.out();
            out.println(json);
            out.flush();
            final long moves = plan.targets().entrySet().stream().filter(e -> !e.getValue().equals(current.get(e.getKey()))).count();
            final PrintWriter err = parent.spec.commandLine().getErr();
            err.printf("The plan changes the replicas or their order of %d of %d partition(s) over brokers %s%s.%n", moves,
                plan.targets().size(), targets, outputFile == null ? "" : "; written to " + outputFile);
            err.flush();
            return 0;
        }
    }

    // ---- execute ---------------------------------------------------------------------------------------

    @Command(name = "execute", description = "Start the moves of a plan. Prints the current assignment first (keep it to roll back). "
        + "With --wait, shows a progress bar until every partition has its target replicas.", mixinStandardHelpOptions = true)
    static final class Execute implements Callable<Integer>
    {
        @ParentCommand
        ReassignCommand parent;

        @Option(names = "--plan", required = true, description = "The plan file (Kafka's reassignment JSON).")
        Path planFile;

        @Option(names = "--wait", description = "Wait until every move is done, showing progress.")
        boolean await;

        @Option(names = "--timeout-ms", defaultValue = "600000", description = "With --wait: give up after this long (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Option(names = "--disallow-replication-factor-change", description = "Refuse targets with another replica count than the partition has.")
        boolean disallowReplicationFactorChange;

        @Override
        public Integer call() throws CliException
        {
            final ReassignmentPlan plan = readPlan(planFile);
            final PrintWriter out = parent.out();
            try (Admin admin = parent.admin())
            {
                final Map<TopicPartition, List<Integer>> current = currentReplicas(admin, plan.topics());
                final Map<TopicPartition, List<Integer>> rollback = new LinkedHashMap<>();
                plan.targets().keySet().forEach(tp -> Optional.ofNullable(current.get(tp)).ifPresent(r -> rollback.put(tp, r)));
                final Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new LinkedHashMap<>();
                plan.targets().forEach((tp, target) -> moves.put(tp, Optional.of(new NewPartitionReassignment(target))));
                final Map<TopicPartition, CompletableFuture<Void>> results = admin.alterPartitionReassignments(moves,
                    new io.osprey.admin.AlterPartitionReassignmentsOptions().allowReplicationFactorChange(!disallowReplicationFactorChange))
                    .values();
                final Map<TopicPartition, String> failures = failures(results);
                final int started = plan.targets().size() - failures.size();
                if (parent.json())
                {
                    out.println(String.format("{\"started\":%d,\"rollback\":%s,\"failed\":%s}", started, new ReassignmentPlan(rollback).toJson(),
                        failures.entrySet().stream().map(f -> String.format("{\"topic\":%s,\"partition\":%d,\"message\":%s}",
                            GroupCommand.jsonString(f.getKey().topic()), f.getKey().partition(), GroupCommand.jsonString(f.getValue())))
                            .collect(Collectors.joining(",", "[", "]"))));
                }
                else
                {
                    out.println("Current assignment (save it to roll back with reassign execute --plan):");
                    out.println(new ReassignmentPlan(rollback).toJson());
                    out.printf("Started the reassignment of %d partition(s).%n", started);
                }
                out.flush();
                if (!failures.isEmpty())
                {
                    final PrintWriter err = parent.spec.commandLine().getErr();
                    failures.forEach((tp, message) -> err.printf("Partition %s: %s%n", tp, message));
                    err.flush();
                    throw new CliException("The reassignment of " + failures.size() + " partition(s) could not start");
                }
                if (await)
                {
                    awaitDone(admin, plan);
                }
            }
            return 0;
        }

        private static Map<TopicPartition, String> failures(final Map<TopicPartition, CompletableFuture<Void>> results) throws CliException
        {
            final Map<TopicPartition, String> failures = new LinkedHashMap<>();
            for (final Map.Entry<TopicPartition, CompletableFuture<Void>> e : results.entrySet())
            {
                try
                {
                    e.getValue().get();
                }
                catch (final ExecutionException x)
                {
                    failures.put(e.getKey(), x.getCause() instanceof OspreyException o ? o.getMessage() + " (" + o.errorCode() + ")"
                        : String.valueOf(x.getCause()));
                }
                catch (final InterruptedException x)
                {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted");
                }
            }
            return failures;
        }

        /** Polls until every partition has its target, drawing the progress bar (text output only). */
        private void awaitDone(final Admin admin, final ReassignmentPlan plan) throws CliException
        {
            final long startNs = System.nanoTime();
            final long deadlineNs = startNs + timeoutMs * 1_000_000L;
            final ProgressBar bar = parent.json() ? null : new ProgressBar(parent.out(), ProgressBar.isTerminal(), "partitions");
            List<Status> statuses;
            int pollsWithoutMoves = 0;
            while (true)
            {
                statuses = statuses(admin, plan);
                final int done = count(statuses, State.DONE);
                if (bar != null)
                {
                    bar.update(done, statuses.size(), (System.nanoTime() - startNs) / 1_000_000L);
                }
                // Nothing moving but not all done: a broker whose metadata lags a little behind may
                // still show the old replicas, so only several such answers in a row end the wait.
                pollsWithoutMoves = count(statuses, State.IN_PROGRESS) == 0 ? pollsWithoutMoves + 1 : 0;
                if (done == statuses.size() || pollsWithoutMoves >= NOT_MOVING_POLLS_MAX
                    || System.nanoTime() + POLL_MS * 1_000_000L > deadlineNs)
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
            if (bar != null)
            {
                bar.finish();
            }
            final int done = count(statuses, State.DONE);
            if (done == statuses.size())
            {
                if (parent.json())
                {
                    parent.printStatuses(statuses);
                }
                else
                {
                    parent.out().printf("Every partition has its target replicas. Leaders move to the new preferred replicas with "
                        + "'leader elect --preferred'.%n");
                    parent.out().flush();
                }
                return;
            }
            parent.printStatuses(statuses);
            if (count(statuses, State.IN_PROGRESS) == 0)
            {
                throw new CliException((statuses.size() - done) + " partition(s) are not moving to their target: "
                    + "cancelled or moved elsewhere meanwhile");
            }
            throw new CliException((statuses.size() - done) + " of " + statuses.size() + " partition(s) still moving after " + timeoutMs
                + " ms; follow them with reassign verify");
        }
    }

    // ---- verify ----------------------------------------------------------------------------------------

    @Command(name = "verify", description = "Show where each partition of a plan stands: done, in progress, or not moving. "
        + "Exits 0 when every partition is done, 3 while some are still moving, 1 when some are neither.",
        mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer>
    {
        /** Exit code while moves are still in progress: not a failure, not done either (2 is picocli's for a usage error). */
        static final int IN_PROGRESS_EXIT = 3;

        @ParentCommand
        ReassignCommand parent;

        @Option(names = "--plan", required = true, description = "The plan file (Kafka's reassignment JSON).")
        Path planFile;

        @Override
        public Integer call() throws CliException
        {
            final ReassignmentPlan plan = readPlan(planFile);
            List<Status> statuses;
            try (Admin admin = parent.admin())
            {
                // The moves come from the controller's broker, the replicas from any broker: one whose
                // metadata lags a little behind may still show a finished move's old replicas (or not
                // yet a new partition), so a stuck answer is asked again a few times before it stands.
                int polls = 1;
                while (true)
                {
                    statuses = statuses(admin, plan);
                    if (count(statuses, State.NOT_MOVING) + count(statuses, State.UNKNOWN_PARTITION) == 0
                        || polls++ >= VERIFY_STUCK_POLLS_MAX)
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
                        break;
                    }
                }
            }
            parent.printStatuses(statuses);
            final int stuck = count(statuses, State.NOT_MOVING) + count(statuses, State.UNKNOWN_PARTITION);
            if (stuck > 0)
            {
                throw new CliException(stuck + " partition(s) neither have their target replicas nor are moving to them");
            }
            return count(statuses, State.IN_PROGRESS) > 0 ? IN_PROGRESS_EXIT : 0;
        }
    }

    // ---- cancel ----------------------------------------------------------------------------------------

    @Command(name = "cancel", description = "Cancel the moves of a plan still in progress: those partitions keep their old replicas.",
        mixinStandardHelpOptions = true)
    static final class Cancel implements Callable<Integer>
    {
        @ParentCommand
        ReassignCommand parent;

        @Option(names = "--plan", required = true, description = "The plan file (Kafka's reassignment JSON).")
        Path planFile;

        @Override
        public Integer call() throws CliException
        {
            final ReassignmentPlan plan = readPlan(planFile);
            final Map<TopicPartition, String> outcomes = new LinkedHashMap<>();
            int failed = 0;
            try (Admin admin = parent.admin())
            {
                final Map<TopicPartition, Optional<NewPartitionReassignment>> cancels = new LinkedHashMap<>();
                plan.targets().keySet().forEach(tp -> cancels.put(tp, Optional.empty()));
                for (final Map.Entry<TopicPartition, CompletableFuture<Void>> e : admin.alterPartitionReassignments(cancels).values().entrySet())
                {
                    try
                    {
                        e.getValue().get();
                        outcomes.put(e.getKey(), "cancelled");
                    }
                    catch (final ExecutionException x)
                    {
                        if (x.getCause() instanceof OspreyException o && o.errorCode() == ErrorCode.NO_REASSIGNMENT_IN_PROGRESS)
                        {
                            outcomes.put(e.getKey(), "not moving");
                        }
                        else
                        {
                            failed++;
                            outcomes.put(e.getKey(), "failed: " + (x.getCause() instanceof OspreyException o
                                ? o.getMessage() + " (" + o.errorCode() + ")" : String.valueOf(x.getCause())));
                        }
                    }
                    catch (final InterruptedException x)
                    {
                        Thread.currentThread().interrupt();
                        throw new CliException("interrupted");
                    }
                }
            }
            final PrintWriter out = parent.out();
            if (parent.json())
            {
                out.println(outcomes.entrySet().stream().map(e -> String.format("{\"topic\":%s,\"partition\":%d,\"result\":%s}",
                    GroupCommand.jsonString(e.getKey().topic()), e.getKey().partition(), GroupCommand.jsonString(e.getValue())))
                    .collect(Collectors.joining(",", "{\"partitions\":[", "]}")));
            }
            else
            {
                final GroupCommand.TextTable table = new GroupCommand.TextTable("TOPIC", "PARTITION", "RESULT");
                outcomes.forEach((tp, r) -> table.row(tp.topic(), Integer.toString(tp.partition()), r));
                table.print(out);
            }
            out.flush();
            if (failed > 0)
            {
                throw new CliException("Could not cancel the moves of " + failed + " partition(s)");
            }
            return 0;
        }
    }

    // ---- list ------------------------------------------------------------------------------------------

    @Command(name = "list", description = "List every move in progress in the cluster.", mixinStandardHelpOptions = true)
    static final class ListMoves implements Callable<Integer>
    {
        @ParentCommand
        ReassignCommand parent;

        @Override
        public Integer call() throws CliException
        {
            final Map<TopicPartition, PartitionReassignment> moving;
            try (Admin admin = parent.admin())
            {
                moving = await(admin.listPartitionReassignments().reassignments());
            }
            final TreeMap<String, TreeMap<Integer, PartitionReassignment>> sorted = new TreeMap<>();
            moving.forEach((tp, r) -> sorted.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), r));
            final PrintWriter out = parent.out();
            if (parent.json())
            {
                final List<String> items = new ArrayList<>();
                sorted.forEach((topic, byPartition) -> byPartition.forEach((p, r) -> items.add(String.format(
                    "{\"topic\":%s,\"partition\":%d,\"replicas\":%s,\"adding\":%s,\"removing\":%s}", GroupCommand.jsonString(topic), p,
                    ReassignmentPlan.ids(r.replicas()), ReassignmentPlan.ids(r.addingReplicas()), ReassignmentPlan.ids(r.removingReplicas())))));
                out.println("[" + String.join(",", items) + "]");
            }
            else if (sorted.isEmpty())
            {
                out.println("No partition is moving.");
            }
            else
            {
                final GroupCommand.TextTable table = new GroupCommand.TextTable("TOPIC", "PARTITION", "REPLICAS", "ADDING", "REMOVING");
                sorted.forEach((topic, byPartition) -> byPartition.forEach((p, r) -> table.row(topic, Integer.toString(p), csv(r.replicas()),
                    csv(r.addingReplicas()), csv(r.removingReplicas()))));
                table.print(out);
            }
            out.flush();
            return 0;
        }
    }
}
