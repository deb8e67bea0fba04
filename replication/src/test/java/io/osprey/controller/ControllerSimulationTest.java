package io.osprey.controller;

import io.osprey.common.ErrorCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A seeded simulation of a cluster's metadata life: brokers register, heartbeat, miss leases
 * and restart; controller failovers start new leadership terms; leaders propose ISR changes (current and stale); topics come and go; rebalances
 * run and complete. Each command goes to an active controller and, to prove determinism, to a
 * standby that must produce the same result; both replay every record, and after every step
 * their images must be equal and the invariants must hold. A failure names the seed and step,
 * and the seed alone replays it.
 */
class ControllerSimulationTest
{
    private static final int STEPS = 300;
    private static final int BROKER_IDS = 6;
    private static final long SESSION_TIMEOUT_MS = 1_000L;
    private static final List<String> TOPIC_NAMES = List.of("a", "b", "c", "d");

    @Property(tries = 60, seed = "7777")
    void shouldKeepInvariantsOverRandomHistories(@ForAll final long seed)
    {
        new Simulation(seed).run();
    }

    private static final class Simulation
    {
        private final long seed;
        private final Random random;
        private final ControllerConfig config = new ControllerConfig(SESSION_TIMEOUT_MS, false);
        private final ControllerStateMachine active = new ControllerStateMachine(config);
        private final ControllerStateMachine standby = new ControllerStateMachine(config);
        private final Map<Integer, Integer> generation = new HashMap<>();
        private final Map<String, int[]> lastEpochs = new HashMap<>();
        private final Deque<String> recent = new ArrayDeque<>();
        private long nowMs;
        private long offset;
        private long sequence;
        private int step;
        private boolean balanceCheckPending;
        private Command lastCommand;

        Simulation(final long seed)
        {
            this.seed = seed;
            this.random = new Random(seed);
        }

        void run()
        {
            for (step = 0; step < STEPS; step++)
            {
                oneStep();
                checkInvariants();
            }
        }

        private void oneStep()
        {
            final int roll = random.nextInt(100);
            if (roll < 12)
            {
                final int id = random.nextInt(BROKER_IDS);
                if (random.nextInt(4) == 0)
                {
                    generation.merge(id, 1, Integer::sum);
                }
                send(new Command.RegisterBroker("broker-" + id, ++sequence, id, incarnation(id), List.of("h" + id + ":9092"),
                    "rack" + (id % 3)));
            }
            else if (roll < 35)
            {
                for (final int id : active.image().brokers().keySet())
                {
                    if (random.nextInt(5) != 0)
                    {
                        send(new Command.BrokerHeartbeat("broker-" + id, ++sequence, id, incarnation(id)));
                    }
                }
            }
            else if (roll < 42)
            {
                nowMs += random.nextInt(700);
                note("advance to " + nowMs);
                commit(active.onTimer(nowMs), standby.onTimer(nowMs));
            }
            else if (roll < 45)
            {
                newLeadershipTerm();
            }
            else if (roll < 62)
            {
                proposeIsrChange();
            }
            else if (roll < 70)
            {
                catchUpAll();
            }
            else if (roll < 77)
            {
                send(new Command.CreateTopics("admin", ++sequence, List.of(new Command.NewTopic(pick(TOPIC_NAMES),
                    1 + random.nextInt(4), 1 + random.nextInt(3), new TreeMap<>(randomConfigs())))));
            }
            else if (roll < 80)
            {
                send(new Command.DeleteTopics("admin", ++sequence, List.of(pick(TOPIC_NAMES))));
            }
            else if (roll < 85)
            {
                final ControllerResult r = send(new Command.Rebalance("admin", ++sequence));
                if (r.response().error() == ErrorCode.NONE)
                {
                    balanceCheckPending = true;
                }
            }
            else if (roll < 88)
            {
                send(new Command.ElectLeaders("admin", ++sequence, List.of()));
            }
            else if (roll < 90)
            {
                final String topic = pick(TOPIC_NAMES);
                final TopicInfo t = active.image().topic(topic);
                send(new Command.CreatePartitions("admin", ++sequence, topic, (t == null ? 0 : t.partitions().size()) + 1));
            }
            else if (roll < 92)
            {
                send(new Command.UnregisterBroker("admin", ++sequence, random.nextInt(BROKER_IDS)));
            }
            else if (roll < 94)
            {
                send(new Command.AllocateProducerIds("broker-0", ++sequence, 0));
            }
            else if (roll < 96)
            {
                send(new Command.AlterConfigs("admin", ++sequence, pick(TOPIC_NAMES),
                    new TreeMap<>(Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, String.valueOf(random.nextBoolean()))),
                    List.of()));
            }
            else if (lastCommand != null)
            {
                final MetadataImage before = active.image();
                final ControllerResult r = send(lastCommand);
                check(r.records().isEmpty() && before.equals(active.image()), "resend changed state: " + r);
            }
        }

        /**
         * A controller failover: no timer fires while there is no leader, then the new term's
         * start (often past some leases) renews every live lease, so the timer at that instant
         * fences nobody.
         */
        private void newLeadershipTerm()
        {
            nowMs += random.nextInt((int)(3 * SESSION_TIMEOUT_MS));
            note("new leadership term at " + nowMs);
            final List<Integer> live = active.image().liveBrokerIds();
            commit(active.onNewLeadershipTerm(nowMs), standby.onNewLeadershipTerm(nowMs));
            for (final int id : live)
            {
                check(active.image().broker(id).leaseExpiryMs() >= nowMs + SESSION_TIMEOUT_MS,
                    "lease of broker " + id + " not renewed by the new term: " + active.image().broker(id));
            }
            final List<MetadataRecord> expired = active.onTimer(nowMs);
            check(expired.isEmpty(), "a broker was fenced at the start of a new term: " + expired);
        }

        private Map<String, String> randomConfigs()
        {
            return random.nextInt(4) == 0 ? Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "true") : Map.of();
        }

        private void proposeIsrChange()
        {
            final List<String[]> led = ledPartitions();
            if (led.isEmpty())
            {
                return;
            }
            final String[] tp = led.get(random.nextInt(led.size()));
            final int index = Integer.parseInt(tp[1]);
            final PartitionInfo p = active.image().partition(tp[0], index);
            final List<Integer> isr = new ArrayList<>();
            isr.add(p.leader());
            for (final int r : p.replicas())
            {
                if (r != p.leader() && random.nextBoolean() && (p.isr().contains(r) || active.image().isLive(r)))
                {
                    isr.add(r);
                }
            }
            final int staleness = random.nextInt(4);
            final int leaderEpoch = p.leaderEpoch() - (staleness == 1 ? 1 : 0);
            final int partitionEpoch = p.partitionEpoch() - (staleness == 2 ? 1 : 0);
            final int broker = staleness == 3 ? pick(p.replicas()) : p.leader();
            final ControllerResult r = send(new Command.AlterPartition("broker-" + broker, ++sequence, broker, tp[0], index,
                leaderEpoch, partitionEpoch, isr, brokerEpochs(isr)));
            if (staleness == 1 || staleness == 2 && p.partitionEpoch() > 0)
            {
                check(r.response().error() != ErrorCode.NONE, "stale AlterPartition accepted: " + r.response());
            }
        }

        /** Every leader reports all live replicas caught up: completes pending moves. */
        private void catchUpAll()
        {
            for (final String[] tp : ledPartitions())
            {
                final int index = Integer.parseInt(tp[1]);
                final PartitionInfo p = active.image().partition(tp[0], index);
                if (p == null || !p.hasLeader())
                {
                    continue;
                }
                final List<Integer> isr = new ArrayList<>();
                isr.add(p.leader());
                for (final int r : p.replicas())
                {
                    if (r != p.leader() && active.image().isLive(r))
                    {
                        isr.add(r);
                    }
                }
                send(new Command.AlterPartition("broker-" + p.leader(), ++sequence, p.leader(), tp[0], index, p.leaderEpoch(),
                    p.partitionEpoch(), isr, brokerEpochs(isr)));
            }
        }

        private List<String[]> ledPartitions()
        {
            final List<String[]> out = new ArrayList<>();
            for (final TopicInfo t : active.image().topics().values())
            {
                for (final Map.Entry<Integer, PartitionInfo> e : t.partitions().entrySet())
                {
                    if (e.getValue().hasLeader())
                    {
                        out.add(new String[] {t.name(), String.valueOf(e.getKey())});
                    }
                }
            }
            return out;
        }

        private ControllerResult send(final Command command)
        {
            note(command.toString());
            lastCommand = command;
            final ControllerResult result = active.handle(command, nowMs);
            final ControllerResult again = standby.handle(command, nowMs);
            check(result.equals(again), "standby handled the command differently:\n  " + result + "\n  " + again);
            commit(result.records(), again.records());
            return result;
        }

        private void commit(final List<MetadataRecord> records, final List<MetadataRecord> standbyRecords)
        {
            check(records.equals(standbyRecords), "standby produced different records");
            for (final MetadataRecord r : records)
            {
                active.replay(r, offset);
                standby.replay(r, offset);
                offset++;
                if (!(r instanceof MetadataRecord.BrokerLeaseRenewed || r instanceof MetadataRecord.ClientSequenceRecorded
                    || r instanceof MetadataRecord.PartitionChanged || r instanceof MetadataRecord.ConfigChanged
                    || r instanceof MetadataRecord.ProducerIdsAllocated))
                {
                    // Membership or topics changed: the last rebalance no longer describes the cluster.
                    balanceCheckPending = false;
                }
            }
        }

        private void checkInvariants()
        {
            final MetadataImage image = active.image();
            check(image.equals(standby.image()), "standby image differs:\n  " + image + "\n  " + standby.image());
            boolean moving = false;
            for (final TopicInfo t : image.topics().values())
            {
                for (final Map.Entry<Integer, PartitionInfo> e : t.partitions().entrySet())
                {
                    final PartitionInfo p = e.getValue();
                    final String where = t.name() + "-" + e.getKey() + " " + p;
                    check(new HashSet<>(p.replicas()).size() == p.replicas().size(), "two replicas on one broker: " + where);
                    check(new HashSet<>(p.isr()).size() == p.isr().size(), "duplicate ISR member: " + where);
                    check(p.replicas().containsAll(p.isr()), "ISR not within replicas: " + where);
                    check(p.replicas().containsAll(p.adding()) && p.replicas().containsAll(p.removing()), "moves outside replicas: " + where);
                    if (p.hasLeader())
                    {
                        check(p.isr().contains(p.leader()), "leader not in ISR: " + where);
                        check(image.isLive(p.leader()), "fenced or unregistered leader: " + where);
                    }
                    checkEpochs(t.id() + "/" + e.getKey(), p, where);
                    moving |= p.isReassigning();
                }
            }
            if (balanceCheckPending && !moving)
            {
                checkBalanced(image);
                balanceCheckPending = false;
            }
        }

        private void checkEpochs(final String key, final PartitionInfo p, final String where)
        {
            final int[] last = lastEpochs.get(key);
            if (last != null)
            {
                check(p.leaderEpoch() >= last[0] && p.partitionEpoch() >= last[2],
                    "epochs went back from leaderEpoch " + last[0] + " partitionEpoch " + last[2] + ": " + where);
                check(p.leader() == last[1] || p.leaderEpoch() > last[0],
                    "leader changed from " + last[1] + " without a new leader epoch (was " + last[0] + "): " + where);
            }
            lastEpochs.put(key, new int[] {p.leaderEpoch(), p.leader(), p.partitionEpoch()});
        }

        private void checkBalanced(final MetadataImage image)
        {
            final Map<Integer, Integer> load = new TreeMap<>();
            image.liveBrokerIds().forEach(b -> load.put(b, 0));
            for (final TopicInfo t : image.topics().values())
            {
                for (final PartitionInfo p : t.partitions().values())
                {
                    p.replicas().forEach(r -> load.computeIfPresent(r, (k, v) -> v + 1));
                }
            }
            final int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            final int min = load.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            check(max - min <= 1, "not balanced after a completed rebalance: replicas per live broker " + load);
        }

        private UUID incarnation(final int id)
        {
            return new UUID(id, generation.getOrDefault(id, 0));
        }

        /** The broker epoch of each member's current incarnation, as its fetches would carry. */
        private List<Long> brokerEpochs(final List<Integer> isr)
        {
            final List<Long> epochs = new ArrayList<>();
            for (final int r : isr)
            {
                epochs.add(BrokerInfo.brokerEpochOf(incarnation(r)));
            }
            return epochs;
        }

        private <T> T pick(final List<T> list)
        {
            return list.get(random.nextInt(list.size()));
        }

        private void note(final String event)
        {
            recent.addLast("step " + step + " t=" + nowMs + ": " + event);
            if (recent.size() > 12)
            {
                recent.removeFirst();
            }
        }

        private void check(final boolean condition, final String problem)
        {
            if (!condition)
            {
                throw new AssertionError("seed " + seed + " step " + step + ": " + problem
                    + "\nrecent events:\n  " + String.join("\n  ", recent));
            }
        }
    }
}
