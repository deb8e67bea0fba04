package io.osprey.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Injects faults into the cluster, one at a time: a quiet period, a fault held for a while, its
 * heal, then a wait until the cluster is whole again (every node ready, every ISR full) before the
 * next. That is the failure budget Kafka's promise covers with replication factor 3 and
 * {@code min.insync.replicas=2}: one failure at a time. Every choice (fault, target, durations)
 * comes from one {@link Random} seeded by {@code --seed}, and every fault and heal is printed
 * with its time; the cluster's timing still varies, so a seed replays the same sequence of
 * decisions, not the same interleaving. Not thread-safe: runs on the main thread.
 */
final class Nemesis
{
    private static final long QUIET_MIN_MS = 2_000;
    private static final long QUIET_MAX_MS = 8_000;
    /** A down or paused node: from shorter than a broker session (1.5 s) to several sessions. */
    private static final long DOWN_MIN_MS = 1_000;
    private static final long DOWN_MAX_MS = 10_000;
    private static final long CUT_MIN_MS = 2_000;
    private static final long CUT_MAX_MS = 15_000;

    private final ChaosCluster cluster;
    private final NetworkFaults network;
    private final String topic;
    private final int partitions;
    private final Collection<String> healthTopics;
    private final long recoveryTimeoutMs;
    private final Random random;
    private final List<Fault> kinds = new ArrayList<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<String> recoveryFailures = new ArrayList<>();
    private long recoveryMaxMs;
    private int faults;

    /**
     * @param network null when the run makes no partitions: those faults are left out
     * @param allowed the kinds to choose from
     */
    Nemesis(final ChaosCluster cluster, final NetworkFaults network, final String topic, final int partitions,
        final Collection<String> healthTopics, final long recoveryTimeoutMs, final long seed, final List<Fault> allowed)
    {
        this.cluster = cluster;
        this.network = network;
        this.topic = topic;
        this.partitions = partitions;
        this.healthTopics = List.copyOf(healthTopics);
        this.recoveryTimeoutMs = recoveryTimeoutMs;
        this.random = new Random(seed);
        for (final Fault f : allowed)
        {
            if (network != null || !f.network)
            {
                kinds.add(f);
            }
        }
    }

    Map<Fault, Integer> injected()
    {
        return injected;
    }

    List<String> recoveryFailures()
    {
        return recoveryFailures;
    }

    long recoveryMaxMs()
    {
        return recoveryMaxMs;
    }

    /**
     * Injects faults until the deadline (the fault under way when it passes is healed first).
     * Stops early when the cluster does not recover from one: a second fault on top would exceed
     * the budget, and the run has found what it is for.
     */
    void run(final long deadlineNs) throws IOException, InterruptedException
    {
        if (kinds.isEmpty())
        {
            ChaosLog.info("no fault kind left to inject (network faults need namespaces): running the workload only");
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            return;
        }
        while (true)
        {
            final long quietMs = between(QUIET_MIN_MS, QUIET_MAX_MS);
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= quietMs)
            {
                Thread.sleep(Math.max(0, leftMs));
                return;
            }
            Thread.sleep(quietMs);
            final Fault fault = kinds.get(random.nextInt(kinds.size()));
            faults++;
            injected.merge(fault, 1, Integer::sum);
            inject(fault);
            final long healedNs = System.nanoTime();
            restartExitedNodes(fault, "after the heal");
            String problem = cluster.awaitHealthy(recoveryTimeoutMs, healthTopics);
            if (problem != null && restartExitedNodes(fault, "while the cluster recovered"))
            {
                problem = cluster.awaitHealthy(recoveryTimeoutMs, healthTopics);
            }
            final long recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedNs);
            if (problem != null)
            {
                final String failure = String.format("fault %d (%s): not healthy %d ms after the heal: %s", faults, fault.label,
                    recoveryMs, problem);
                recoveryFailures.add(failure);
                ChaosLog.info("NOT RECOVERED %s%n%s", failure, cluster.describe(healthTopics));
                return;
            }
            recoveryMaxMs = Math.max(recoveryMaxMs, recoveryMs);
            ChaosLog.info("healthy %d: every node ready, every ISR full, %.1f s after the heal", faults, recoveryMs / 1e3);
        }
    }

    private void inject(final Fault fault) throws IOException, InterruptedException
    {
        switch (fault)
        {
            case KILL_LEADER ->
            {
                final int partition = random.nextInt(partitions);
                final int leader = cluster.leaderOf(topic, partition);
                final ChaosNode node = leader > 0 ? cluster.node(leader) : randomNode();
                killAndRestart(fault, node, leader > 0 ? "leader of " + topic + "-" + partition : "random: " + topic + "-" + partition +
                    " has no leader");
            }
            case KILL_CONTROLLER ->
            {
                final int controller = cluster.activeController();
                final ChaosNode node = controller > 0 ? cluster.node(controller) : randomNode();
                killAndRestart(fault, node, controller > 0 ? "active controller" : "random: no active controller reported");
            }
            case PAUSE ->
            {
                final Target target = target();
                final long holdMs = between(DOWN_MIN_MS, DOWN_MAX_MS);
                target.node.pause();
                announce(fault, target, "SIGSTOP pid " + target.node.pid() + " for " + seconds(holdMs));
                Thread.sleep(holdMs);
                target.node.resume();
                ChaosLog.info("heal %d: SIGCONT %s", faults, target.node);
            }
            case RESTART ->
            {
                final Target target = target();
                announce(fault, target, "SIGTERM pid " + target.node.pid() + ", start again once it exits");
                final long startNs = System.nanoTime();
                final boolean clean = target.node.stop(ChaosCluster.STOP_GRACE_MS);
                target.node.start();
                ChaosLog.info("heal %d: %s %s in %.1f s, started again (pid %d)", faults, target.node,
                    clean ? "stopped cleanly" : "did not stop within the grace period and was killed",
                    (System.nanoTime() - startNs) / 1e9, target.node.pid());
            }
            case ISOLATE ->
            {
                final Target target = target();
                final long holdMs = between(CUT_MIN_MS, CUT_MAX_MS);
                network.isolate(target.node.id());
                announce(fault, target, "cut off (" + network.description() + ") for " + seconds(holdMs));
                Thread.sleep(holdMs);
                network.rejoin(target.node.id());
                ChaosLog.info("heal %d: %s rejoined", faults, target.node);
            }
            case CUT_INBOUND, CUT_OUTBOUND ->
            {
                final Target target = target();
                final boolean toNode = fault == Fault.CUT_INBOUND;
                final long holdMs = between(CUT_MIN_MS, CUT_MAX_MS);
                final String how = network.cutOneWay(target.node.id(), toNode);
                announce(fault, target, (toNode ? "nothing reaches it" : "nothing it sends gets out") + " (" + how + ") for " +
                    seconds(holdMs));
                Thread.sleep(holdMs);
                network.healOneWay(target.node.id(), toNode);
                ChaosLog.info("heal %d: cut removed", faults);
            }
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private void killAndRestart(final Fault fault, final ChaosNode node, final String why) throws IOException, InterruptedException
    {
        final long downMs = between(DOWN_MIN_MS, DOWN_MAX_MS);
        final long pid = node.pid();
        node.kill();
        announce(fault, new Target(node, why), "kill -9 pid " + pid + ", down for " + seconds(downMs));
        Thread.sleep(downMs);
        node.start();
        ChaosLog.info("heal %d: %s started again (pid %d)", faults, node, node.pid());
    }

    /**
     * A node that exited on its own is a failure of the run (a single fault must not take a node
     * down for good), but not a reason to stop: it is started again, so the cluster is back
     * within the failure budget and the run can go on finding other problems.
     *
     * @return whether a node had exited
     */
    private boolean restartExitedNodes(final Fault fault, final String when) throws IOException
    {
        boolean any = false;
        for (final ChaosNode node : cluster.nodes())
        {
            if (node.hasExited())
            {
                final String failure = String.format("fault %d (%s): %s exited with code %d %s", faults, fault.label, node,
                    node.exitCode(), when);
                recoveryFailures.add(failure);
                ChaosLog.info("NODE EXITED %s; the end of its log (%s):%n%s", failure, node.logFile(), node.logTail(15));
                node.start();
                ChaosLog.info("  %s started again (pid %d) to carry on", node, node.pid());
                any = true;
            }
        }
        return any;
    }

    /** Undoes whatever may still be in place: at the end, and after an abort. */
    void healEverything() throws IOException, InterruptedException
    {
        for (final ChaosNode node : cluster.nodes())
        {
            if (network != null)
            {
                network.healAll(node.id());
            }
            if (node.isPaused())
            {
                node.resume();
            }
            if (node.hasExited())
            {
                final String failure = String.format("%s exited with code %d after the last fault", node, node.exitCode());
                recoveryFailures.add(failure);
                ChaosLog.info("NODE EXITED %s; the end of its log (%s):%n%s", failure, node.logFile(), node.logTail(15));
            }
            if (!node.isAlive())
            {
                node.start();
            }
        }
    }

    private record Target(ChaosNode node, String why)
    {
    }

    /** Where a pause, restart or cut lands: a partition leader, the active controller, or any node, a third of the time each. */
    private Target target() throws InterruptedException
    {
        final int choice = random.nextInt(3);
        final int partition = random.nextInt(partitions);
        final ChaosNode any = randomNode();
        if (choice == 0)
        {
            final int leader = cluster.leaderOf(topic, partition);
            if (leader > 0)
            {
                return new Target(cluster.node(leader), "leader of " + topic + "-" + partition);
            }
        }
        else if (choice == 1)
        {
            final int controller = cluster.activeController();
            if (controller > 0)
            {
                return new Target(cluster.node(controller), "active controller");
            }
        }
        return new Target(any, "random node");
    }

    private ChaosNode randomNode()
    {
        return cluster.nodes().get(random.nextInt(cluster.nodes().size()));
    }

    private void announce(final Fault fault, final Target target, final String how)
    {
        ChaosLog.info("FAULT %d %s: %s (%s): %s", faults, fault.label, target.node, target.why, how);
    }

    private long between(final long minMs, final long maxMs)
    {
        return minMs + (long)(random.nextDouble() * (maxMs - minMs));
    }

    private static String seconds(final long ms)
    {
        return String.format("%.1f s", ms / 1e3);
    }
}
