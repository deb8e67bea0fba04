package io.osprey.replication;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.controller.Command;
import io.osprey.controller.ControllerConfig;
import io.osprey.controller.ControllerResult;
import io.osprey.controller.ControllerStateMachine;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A seeded, discrete-event simulation of one partition replicated on three brokers with the
 * pure replication classes ({@link LeaderReplicaState}, {@link FollowerState}, {@link LeaderEpochCache})
 * and the real {@link ControllerStateMachine}, over a simulated clock and network.
 * <p>
 * Faults: fetch requests and responses, AlterPartition requests and responses are lost, delayed
 * and reordered; metadata reaches each broker late; brokers miss heartbeats (and are fenced while
 * still serving: zombie leaders); brokers crash, losing the unflushed tail of their log, and
 * restart as a new incarnation; the preferred leader is elected back.
 * <p>
 * Crash model (documented in {@code docs/replication.md}): durability comes from replication,
 * not fsync, so a crash loses unflushed writes. A restarted broker registers with a new
 * incarnation, which makes the controller fence its old self: it leaves the ISR and its
 * leaderships before it can serve, and must catch up to rejoin. Connections die with a process:
 * nothing an old incarnation sent is delivered after it crashed. The fault budget is one
 * failure at a time: a fault (crash, heartbeat loss, or a controlled shutdown, which also takes
 * a copy out of the ISR) strikes a broker only while no other broker is down or cut off and
 * another broker is up, heartbeating and in the controller's ISR. Two concurrent faults can
 * leave the ISR with only replicas that lost data (a leader shrinks the healthy one out while
 * it lags), and without fsync no protocol survives that.
 * <p>
 * Invariants checked after every event (the failure names the seed, the time and the last events):
 * <ul>
 * <li>committed = every offset below any leader's high watermark, ever; a committed offset
 *     never changes, and acks=all acknowledgements are committed;</li>
 * <li>every up broker agrees with the committed log below its own high watermark;</li>
 * <li>every up broker in the controller's ISR, the controller's leader, and any broker as it
 *     becomes leader holds the whole committed log;</li>
 * <li>a leader's high watermark never moves backwards; the controller's leader is in its ISR;</li>
 * <li>one writer per epoch: a record with a given (epoch, offset) has one payload everywhere;</li>
 * <li>a completed truncation leaves the follower's log a prefix of its leader's.</li>
 * </ul>
 * After the faulty phase the network heals and everyone restarts; the run must then converge:
 * full ISR, equal logs, high watermark at the log end, acks=all succeeding.
 */
final class ReplicationSimulation
{
    static final String TOPIC = "t";
    static final int BROKERS = 3;
    static final int MIN_ISR = 2;
    static final long TICK_MS = 10;
    static final long REPLICA_LAG_TIME_MAX_MS = 300;
    static final long SESSION_TIMEOUT_MS = 600;
    static final long HEARTBEAT_INTERVAL_MS = 100;
    static final long FETCH_TIMEOUT_MS = 200;
    static final long FETCH_BACKOFF_MS = 30;
    static final long ALTER_PARTITION_TIMEOUT_MS = 250;
    static final long PRODUCE_TIMEOUT_MS = 1_500;
    private static final int CONTROLLER = -1;
    private static final int TRACE_SIZE = Integer.parseInt(
        Objects.requireNonNullElse(ReplicationSimulationTest.setting("osprey.sim.trace", "OSPREY_SIM_TRACE"), "80"));

    /** Totals over a run, to show the faults actually happened. */
    static final class Stats
    {
        long acked;
        long ackFailed;
        long acks1;
        long leaderChanges;
        long truncations;
        long crashes;
        long lostUnflushed;
        long zombieWindows;
        long isrChanges;
        long ineligibleRefusals;
        long events;

        void add(final Stats o)
        {
            acked += o.acked;
            ackFailed += o.ackFailed;
            acks1 += o.acks1;
            leaderChanges += o.leaderChanges;
            truncations += o.truncations;
            crashes += o.crashes;
            lostUnflushed += o.lostUnflushed;
            zombieWindows += o.zombieWindows;
            isrChanges += o.isrChanges;
            ineligibleRefusals += o.ineligibleRefusals;
            events += o.events;
        }

        @Override
        public String toString()
        {
            return "acked=" + acked + " ackFailed=" + ackFailed + " acks1=" + acks1 + " leaderChanges=" + leaderChanges
                + " truncations=" + truncations + " crashes=" + crashes + " lostUnflushedRecords=" + lostUnflushed
                + " zombieWindows=" + zombieWindows + " isrChanges=" + isrChanges
                + " ineligibleRefusals=" + ineligibleRefusals + " events=" + events;
        }
    }

    private record Event(long timeMs, long seq, String what, Runnable action)
    {
    }

    private record MetadataEntry(MetadataRecord record, long commitTimeMs)
    {
    }

    private record FetchRequest(int replicaId, long brokerEpoch, long requestId, int currentLeaderEpoch, int lastFetchedEpoch, long fetchOffset)
    {
    }

    private record FetchResponse(long requestId, int requestLeaderEpoch, long fetchOffset, FollowerFetchStatus status,
        LeaderEpochCache.EpochEnd divergingEpoch, List<SimLog.Entry> records, long highWatermark, int leaderIncarnation)
    {
    }

    private record PendingAck(long offset, SimLog.Entry entry, long deadlineMs)
    {
    }

    private final long seed;
    private final Random random;
    private final ControllerStateMachine controller =
        new ControllerStateMachine(new ControllerConfig(SESSION_TIMEOUT_MS, false));
    private final List<MetadataEntry> metadataLog = new ArrayList<>();
    private final Broker[] brokers = new Broker[BROKERS];
    private final PriorityQueue<Event> queue = new PriorityQueue<>(
        (a, b) -> a.timeMs != b.timeMs ? Long.compare(a.timeMs, b.timeMs) : Long.compare(a.seq, b.seq));
    private final ArrayList<SimLog.Entry> committed = new ArrayList<>();
    /** The leader epoch whose high watermark first passed each committed offset. */
    private final ArrayList<Integer> committedInEpoch = new ArrayList<>();
    private final Map<Long, Long> payloadByEpochOffset = new HashMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final Stats stats = new Stats();
    private final Runnable tickAction = this::tick;
    private long nowMs;
    private long eventSeq;
    private long controllerOffset;
    private long adminSequence;
    private long nextPayload = 1;
    private boolean faults = true;
    private boolean producing = true;
    /** Per-seed knobs, so that some seeds are harsh in one way and others in another. */
    private final double dropProbability;
    private final int slowMessagePercent;
    private final int fastDelayMaxMs;
    private final int faultRatePerMille;
    private final int fetchMaxRecords;
    private final int producePercent;

    ReplicationSimulation(final long seed)
    {
        this.seed = seed;
        this.random = new Random(seed);
        this.dropProbability = random.nextDouble() * 0.15;
        this.slowMessagePercent = 1 + random.nextInt(20);
        this.fastDelayMaxMs = 1 + random.nextInt(random.nextBoolean() ? 10 : 60);
        this.faultRatePerMille = 2 + random.nextInt(20);
        this.fetchMaxRecords = 1 + random.nextInt(8);
        this.producePercent = 10 + random.nextInt(90);
    }

    Stats stats()
    {
        return stats;
    }

    /** Runs {@code faultyMs} of faults, then heals and checks the cluster converges. */
    void run(final long faultyMs)
    {
        try
        {
            setUp();
            runUntil(faultyMs);
            heal();
            runUntil(faultyMs + 2_000);
            producing = false;
            final long boundMs = nowMs + 30_000;
            while (nowMs < boundMs && convergenceProblem() != null)
            {
                runUntil(nowMs + 100);
            }
            checkConverged();
            checkLogMatching();
        }
        catch (final AssertionError | RuntimeException e)
        {
            throw new AssertionError(describeFailure(e), e);
        }
    }

    private void setUp()
    {
        for (int id = 0; id < BROKERS; id++)
        {
            brokers[id] = new Broker(id);
            register(brokers[id]);
        }
        commit(controller.handle(new Command.CreateTopics("admin", ++adminSequence,
            List.of(new Command.NewTopic(TOPIC, 1, BROKERS, new TreeMap<>()))), nowMs));
        for (final Broker b : brokers)
        {
            b.loadImage();
        }
        schedule(TICK_MS, "tick", tickAction);
    }

    private void runUntil(final long endMs)
    {
        while (!queue.isEmpty() && queue.peek().timeMs <= endMs)
        {
            final Event e = queue.poll();
            nowMs = e.timeMs;
            stats.events++;
            if (e.action != tickAction)
            {
                note(e.what);
            }
            e.action.run();
            checkInvariants();
        }
        nowMs = endMs;
    }

    private void schedule(final long delayMs, final String what, final Runnable action)
    {
        queue.add(new Event(nowMs + delayMs, eventSeq++, what, action));
    }

    private void note(final String what)
    {
        if (trace.size() == TRACE_SIZE)
        {
            trace.removeFirst();
        }
        trace.addLast(nowMs + "ms " + what);
    }

    // ---------------------------------------------------------------- controller

    private void commit(final ControllerResult result)
    {
        commitRecords(result.records());
    }

    private void commitRecords(final List<MetadataRecord> records)
    {
        for (final MetadataRecord r : records)
        {
            controller.replay(r, ++controllerOffset);
            metadataLog.add(new MetadataEntry(r, nowMs));
            if (r instanceof MetadataRecord.PartitionChanged pc)
            {
                note("controller: " + pc.state());
            }
        }
    }

    private PartitionInfo partition()
    {
        return controller.image().partition(TOPIC, 0);
    }

    private void register(final Broker b)
    {
        commit(controller.handle(new Command.RegisterBroker(b.clientId(), ++b.controllerSequence, b.id, b.incarnationId(),
            List.of("h" + b.id + ":9092"), "rack" + b.id), nowMs));
    }

    private void onAlterPartitionRequest(final int brokerId, final int incarnation, final IsrProposal proposal, final long sequence)
    {
        // The controller makes the KIP-903 check itself (INELIGIBLE_REPLICA), after its resend
        // lookup: a resend of an accepted proposal gets its recorded acceptance.
        final ControllerResult result = controller.handle(new Command.AlterPartition("alter-" + brokerId + "-" + incarnation,
            sequence, brokerId, TOPIC, 0, proposal.leaderEpoch(), proposal.partitionEpoch(), proposal.newIsr(),
            proposal.newIsrBrokerEpochs()), nowMs);
        commit(result);
        final ErrorCode error = result.response().error();
        if (error == ErrorCode.NONE)
        {
            stats.isrChanges++;
        }
        else if (error == ErrorCode.INELIGIBLE_REPLICA)
        {
            stats.ineligibleRefusals++;
        }
        send(CONTROLLER, -1, brokerId, incarnation, "alter-response " + proposal + " " + error,
            () -> brokers[brokerId].onAlterPartitionResponse(proposal, error));
    }

    // ---------------------------------------------------------------- network

    /** Delivers {@code action} later unless the message is lost or either end crashed meanwhile (connections die with processes). */
    private void send(final int from, final int fromIncarnation, final int to, final int toIncarnation, final String what,
        final Runnable action)
    {
        if (faults && random.nextDouble() < dropProbability)
        {
            note("lost " + from + "->" + to + " " + what);
            return;
        }
        final long delay = faults && random.nextInt(100) < slowMessagePercent ? 50 + random.nextInt(400) : 1 + random.nextInt(fastDelayMaxMs);
        schedule(delay, from + "->" + to + " " + what, () ->
        {
            if (from != CONTROLLER && (!brokers[from].up || brokers[from].incarnation != fromIncarnation))
            {
                return;
            }
            if (to != CONTROLLER && (!brokers[to].up || brokers[to].incarnation != toIncarnation))
            {
                return;
            }
            action.run();
        });
    }

    // ---------------------------------------------------------------- time and faults

    private void tick()
    {
        commitRecords(controller.onTimer(nowMs));
        for (final Broker b : brokers)
        {
            if (b.up)
            {
                b.tick();
            }
            else if (nowMs >= b.restartAtMs)
            {
                b.restart();
            }
        }
        if (faults)
        {
            injectFaults();
        }
        if (producing && random.nextInt(100) < producePercent)
        {
            produce();
        }
        schedule(TICK_MS, "tick", tickAction);
    }

    private void injectFaults()
    {
        final int roll = random.nextInt(1000);
        final int f = faultRatePerMille;
        if (roll < f)
        {
            final Broker b = brokers[random.nextInt(BROKERS)];
            if (b.up && faultAllowed(b.id))
            {
                b.crash(50 + random.nextInt(1_500));
            }
        }
        else if (roll < 2 * f)
        {
            final Broker b = brokers[random.nextInt(BROKERS)];
            if (b.up && !b.heartbeatsLost() && faultAllowed(b.id))
            {
                b.heartbeatLossUntilMs = nowMs + 100 + random.nextInt(1_500);
                stats.zombieWindows++;
                note("broker " + b.id + " loses heartbeats until " + b.heartbeatLossUntilMs);
            }
        }
        else if (roll < 3 * f)
        {
            note("elect preferred leader");
            commit(controller.handle(new Command.ElectLeaders("admin", ++adminSequence, List.of(new TopicPartition(TOPIC, 0))), nowMs));
        }
        else if (roll < 4 * f)
        {
            final Broker b = brokers[random.nextInt(BROKERS)];
            if (b.up && faultAllowed(b.id))
            {
                b.shutDownCleanly(50 + random.nextInt(500));
            }
        }
        else if (roll < 4 * f + 30)
        {
            final Broker b = brokers[random.nextInt(BROKERS)];
            b.metadataLagMs = random.nextInt(10) == 0 ? 100 + random.nextInt(700) : random.nextInt(30);
        }
    }

    /**
     * The fault budget, Kafka's with {@code min.insync.replicas=2}: one failure at a time. No
     * other broker is down or cut off from the controller, and another broker is up,
     * heartbeating and in the controller's ISR.
     */
    private boolean faultAllowed(final int victim)
    {
        final PartitionInfo p = partition();
        boolean healthyInSyncPeer = false;
        for (final Broker b : brokers)
        {
            if (b.id == victim)
            {
                continue;
            }
            if (!b.up || b.heartbeatsLost())
            {
                return false;
            }
            healthyInSyncPeer |= p.isr().contains(b.id);
        }
        return healthyInSyncPeer;
    }

    private void heal()
    {
        note("heal");
        faults = false;
        for (final Broker b : brokers)
        {
            b.heartbeatLossUntilMs = 0;
            b.metadataLagMs = 0;
            b.restartAtMs = Math.min(b.restartAtMs, nowMs);
        }
    }

    private void produce()
    {
        final List<Broker> leaders = new ArrayList<>();
        for (final Broker b : brokers)
        {
            if (b.up && b.leader != null)
            {
                leaders.add(b);
            }
        }
        if (!leaders.isEmpty())
        {
            leaders.get(random.nextInt(leaders.size())).produce(random.nextInt(5) != 0);
        }
    }

    // ---------------------------------------------------------------- invariants

    private void checkInvariants()
    {
        final PartitionInfo p = partition();
        check(p.leader() == PartitionInfo.NO_LEADER || p.isr().contains(p.leader()), "controller leader not in ISR: " + p);
        check(!p.isr().isEmpty(), "empty ISR: " + p);
        for (final Broker b : brokers)
        {
            if (b.up && b.leader != null)
            {
                b.observeHighWatermark();
            }
        }
        for (final Broker b : brokers)
        {
            if (!b.up)
            {
                continue;
            }
            b.extendVerifiedPrefix();
            final long hw = b.highWatermark();
            check(hw <= b.log.logEndOffset(), "broker " + b.id + " high watermark " + hw + " above its log end " + b.log.logEndOffset());
            check(hw <= b.verifiedPrefix, "broker " + b.id + " disagrees with the committed log below its high watermark "
                + hw + ": matches only up to " + b.verifiedPrefix);
            if (p.isr().contains(b.id) || p.leader() == b.id)
            {
                checkHoldsCommitted(b, "in the controller's ISR " + p.isr() + " / leader " + p.leader());
            }
        }
    }

    private void extendCommitted(final Broker leader, final long hw)
    {
        for (long o = committed.size(); o < hw; o++)
        {
            committed.add(leader.log.get(o));
            committedInEpoch.add(leader.leader.leaderEpoch());
        }
    }

    private void checkHoldsCommitted(final Broker b, final String why)
    {
        b.extendVerifiedPrefix();
        check(b.verifiedPrefix == committed.size(), "broker " + b.id + " (" + why + ") lost or changed committed offset "
            + b.verifiedPrefix + " (committed end " + committed.size() + ", log end " + b.log.logEndOffset() + ")");
    }

    /** Why the healed cluster has not converged yet, or null when it has. */
    private String convergenceProblem()
    {
        final PartitionInfo p = partition();
        if (p.leader() == PartitionInfo.NO_LEADER)
        {
            return "no leader after healing: " + p;
        }
        if (p.isr().size() != BROKERS)
        {
            return "ISR not full after healing: " + p;
        }
        final Broker leader = brokers[p.leader()];
        if (leader.leader == null || leader.leader.leaderEpoch() != p.leaderEpoch())
        {
            return "leader " + p.leader() + " not leading: " + p;
        }
        if (leader.leader.highWatermark() != leader.log.logEndOffset())
        {
            return "high watermark below log end after healing";
        }
        for (final Broker b : brokers)
        {
            if (!b.log.entries().equals(leader.log.entries()))
            {
                return "broker " + b.id + " log differs from the leader's after healing";
            }
            if (b.highWatermark() != b.log.logEndOffset())
            {
                return "broker " + b.id + " high watermark not at its log end after healing";
            }
        }
        if (committed.size() != leader.log.logEndOffset())
        {
            return "committed end " + committed.size() + " != log end";
        }
        return null;
    }

    /**
     * A broker applying "you lead epoch E" late, after later epochs committed more, need not
     * hold those: it leads a superseded epoch that can commit nothing. It must hold everything
     * committed by leaders of epochs up to E.
     */
    private void checkHoldsCommittedUpToEpoch(final Broker b, final int leaderEpoch)
    {
        long required = 0;
        for (int o = 0; o < committedInEpoch.size(); o++)
        {
            if (committedInEpoch.get(o) <= leaderEpoch)
            {
                required = o + 1;
            }
        }
        b.extendVerifiedPrefix();
        check(b.verifiedPrefix >= required, "broker " + b.id + " becoming leader in epoch " + leaderEpoch
            + " lost or changed committed offset " + b.verifiedPrefix + " (committed by epoch <= " + leaderEpoch + " up to "
            + required + ", log end " + b.log.logEndOffset() + ")");
    }

    private void checkConverged()
    {
        final String problem = convergenceProblem();
        check(problem == null, problem + " (30 s after the faults stopped)");
        final Broker leader = brokers[partition().leader()];
        final long before = stats.acked;
        leader.produce(true);
        runUntil(nowMs + 1_000);
        check(stats.acked == before + 1, "acks=all not acknowledged after healing");
    }

    /** Log matching over every pair: the same (epoch, offset) means the same prefix. */
    private void checkLogMatching()
    {
        for (final Broker a : brokers)
        {
            for (final Broker b : brokers)
            {
                final long n = Math.min(a.log.logEndOffset(), b.log.logEndOffset());
                long lastSameEpoch = -1;
                for (long o = 0; o < n; o++)
                {
                    if (a.log.get(o).epoch() == b.log.get(o).epoch())
                    {
                        lastSameEpoch = o;
                    }
                }
                for (long o = 0; o <= lastSameEpoch; o++)
                {
                    check(a.log.get(o).equals(b.log.get(o)), "brokers " + a.id + " and " + b.id + " break log matching at " + o);
                }
            }
        }
    }

    private static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalStateException(message);
        }
    }

    private String describeFailure(final Throwable e)
    {
        final StringBuilder b = new StringBuilder();
        b.append("replication simulation failed: seed=").append(seed).append(" (replay with OSPREY_SIM_SEED=").append(seed)
            .append(") at ").append(nowMs).append("ms: ").append(e.getMessage()).append('\n');
        b.append("controller: ").append(partition()).append('\n');
        b.append("committed end: ").append(committed.size()).append('\n');
        for (final Broker br : brokers)
        {
            b.append(br).append('\n');
        }
        b.append("last events:\n");
        for (final String t : trace)
        {
            b.append("  ").append(t).append('\n');
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- brokers

    /** One broker's replica of the partition and the shell a real broker would put around the pure classes. */
    private final class Broker
    {
        final int id;
        final SimLog log = new SimLog();
        final Set<Integer> fencedView = new HashSet<>();
        final List<PendingAck> pendingAcks = new ArrayList<>();
        boolean up = true;
        int incarnation;
        long restartAtMs = Long.MAX_VALUE;
        long heartbeatLossUntilMs;
        long nextHeartbeatMs;
        long controllerSequence;
        long metadataLagMs;
        int metadataCursor;
        /** The partition state last applied, and the role it gave. */
        PartitionInfo applied;
        LeaderReplicaState leader;
        FollowerState follower;
        long highWatermarkCheckpoint;
        long lastLeaderHighWatermark;
        long verifiedPrefix;
        long nextFetchAtMs;
        long inflightFetchId = -1;
        long inflightFetchSentMs;
        long nextRequestId;
        IsrProposal sentProposal;
        long sentProposalMs;
        long alterSequence;

        Broker(final int id)
        {
            this.id = id;
        }

        String clientId()
        {
            return "broker-" + id + "-" + incarnation;
        }

        UUID incarnationId()
        {
            return new UUID(id, incarnation);
        }

        boolean heartbeatsLost()
        {
            return nowMs < heartbeatLossUntilMs;
        }

        long highWatermark()
        {
            if (leader != null)
            {
                return leader.highWatermark();
            }
            if (follower != null)
            {
                return follower.highWatermark();
            }
            return Math.min(highWatermarkCheckpoint, log.logEndOffset());
        }

        /** Grows the prefix known to equal the committed log; a truncation shrinks it. */
        void extendVerifiedPrefix()
        {
            final long limit = Math.min(log.logEndOffset(), committed.size());
            verifiedPrefix = Math.min(verifiedPrefix, limit);
            while (verifiedPrefix < limit && log.get(verifiedPrefix).equals(committed.get((int)verifiedPrefix)))
            {
                verifiedPrefix++;
            }
        }

        void onTruncated()
        {
            verifiedPrefix = Math.min(verifiedPrefix, log.logEndOffset());
        }

        // ------------------------------------------------------------ metadata

        void loadImage()
        {
            metadataCursor = metadataLog.size();
            fencedView.clear();
            controller.image().brokers().values().forEach(info ->
            {
                if (info.fenced())
                {
                    fencedView.add(info.id());
                }
            });
            applyPartition(partition());
        }

        void applyMetadata()
        {
            while (metadataCursor < metadataLog.size() && metadataLog.get(metadataCursor).commitTimeMs() + metadataLagMs <= nowMs)
            {
                final MetadataRecord r = metadataLog.get(metadataCursor++).record();
                if (r instanceof MetadataRecord.PartitionChanged pc)
                {
                    applyPartition(pc.state());
                }
                else if (r instanceof MetadataRecord.BrokerFenced f)
                {
                    fencedView.add(f.brokerId());
                }
                else if (r instanceof MetadataRecord.BrokerUnfenced u)
                {
                    fencedView.remove(u.brokerId());
                }
                else if (r instanceof MetadataRecord.BrokerRegistered reg)
                {
                    fencedView.remove(reg.brokerId());
                }
            }
        }

        void applyPartition(final PartitionInfo p)
        {
            if (applied != null && p.leaderEpoch() < applied.leaderEpoch())
            {
                throw new IllegalStateException("broker " + id + " got leader epoch " + p.leaderEpoch() + " after " + applied);
            }
            final boolean newEpoch = applied == null || p.leaderEpoch() > applied.leaderEpoch();
            applied = p;
            if (p.leader() == id)
            {
                if (!newEpoch && leader != null)
                {
                    leader.onPartitionState(p.partitionEpoch(), p.replicas(), p.isr(), nowMs);
                    observeHighWatermark();
                    completeAcks();
                    return;
                }
                becomeLeader(p);
            }
            else if (newEpoch || (follower == null && leader != null))
            {
                becomeFollower(p);
            }
        }

        void becomeLeader(final PartitionInfo p)
        {
            failAcks("became leader again");
            final long hw = highWatermark();
            follower = null;
            leader = new LeaderReplicaState(id, p.leaderEpoch(), p.partitionEpoch(), p.replicas(), p.isr(), log.logEndOffset(), hw, nowMs);
            lastLeaderHighWatermark = leader.highWatermark();
            observeHighWatermark();
            sentProposal = null;
            stats.leaderChanges++;
            note("broker " + id + " leads epoch " + p.leaderEpoch() + ": " + leader);
            checkHoldsCommittedUpToEpoch(this, p.leaderEpoch());
        }

        void becomeFollower(final PartitionInfo p)
        {
            failAcks("lost leadership");
            final long hw = highWatermark();
            leader = null;
            follower = new FollowerState(p.leader(), p.leaderEpoch(), hw, log.logEndOffset());
            inflightFetchId = -1;
            nextFetchAtMs = nowMs;
        }

        // ------------------------------------------------------------ duty cycle

        void tick()
        {
            applyMetadata();
            if (nowMs >= nextHeartbeatMs && !heartbeatsLost())
            {
                nextHeartbeatMs = nowMs + HEARTBEAT_INTERVAL_MS;
                commit(controller.handle(new Command.BrokerHeartbeat(clientId(), ++controllerSequence, id, incarnationId()), nowMs));
            }
            if (random.nextInt(50) == 0)
            {
                log.flush();
                highWatermarkCheckpoint = highWatermark();
            }
            if (leader != null)
            {
                leader.maybeProposeShrink(nowMs, REPLICA_LAG_TIME_MAX_MS);
                maybeSendProposal();
                expireAcks();
            }
            else if (follower != null && follower.leaderId() != PartitionInfo.NO_LEADER && follower.leaderId() != id)
            {
                maybeFetch();
            }
        }

        void maybeSendProposal()
        {
            final IsrProposal proposal = leader.pendingProposal();
            if (proposal == null || (proposal == sentProposal && nowMs - sentProposalMs < ALTER_PARTITION_TIMEOUT_MS))
            {
                return;
            }
            if (proposal != sentProposal)
            {
                alterSequence++;
            }
            sentProposal = proposal;
            sentProposalMs = nowMs;
            final long sequence = alterSequence;
            final int inc = incarnation;
            send(id, inc, CONTROLLER, -1, "alter-partition " + proposal,
                () -> onAlterPartitionRequest(id, inc, proposal, sequence));
        }

        void onAlterPartitionResponse(final IsrProposal proposal, final ErrorCode error)
        {
            if (leader != null && leader.onAlterPartitionResponse(proposal, error))
            {
                observeHighWatermark();
                completeAcks();
            }
            if (proposal == sentProposal && error != ErrorCode.NONE)
            {
                sentProposal = null;
            }
        }

        // ------------------------------------------------------------ follower

        void maybeFetch()
        {
            if (nowMs < nextFetchAtMs || (inflightFetchId >= 0 && nowMs - inflightFetchSentMs < FETCH_TIMEOUT_MS))
            {
                return;
            }
            final FetchRequest request = new FetchRequest(id, incarnation, ++nextRequestId, follower.leaderEpoch(),
                log.epochCache().latestEpoch(), log.logEndOffset());
            inflightFetchId = request.requestId();
            inflightFetchSentMs = nowMs;
            final Broker target = brokers[follower.leaderId()];
            send(id, incarnation, target.id, target.incarnation, "fetch " + request, () -> target.onFetch(request, incarnation));
        }

        void onFetchResponse(final FetchResponse response)
        {
            if (follower == null || follower.leaderEpoch() != response.requestLeaderEpoch() || inflightFetchId != response.requestId())
            {
                return;
            }
            inflightFetchId = -1;
            switch (response.status())
            {
                case ACCEPTED ->
                {
                    check(response.fetchOffset() == log.logEndOffset(), "broker " + id + " fetched from " + response.fetchOffset()
                        + " but its log ends at " + log.logEndOffset());
                    for (final SimLog.Entry e : response.records())
                    {
                        checkSingleWriter(e, log.logEndOffset());
                        log.append(e);
                    }
                    follower.onFetchResponse(response.highWatermark(), log.logEndOffset());
                    nextFetchAtMs = response.records().isEmpty() ? nowMs + FETCH_BACKOFF_MS : nowMs;
                }
                case DIVERGING -> truncate(response);
                default -> nextFetchAtMs = nowMs + FETCH_BACKOFF_MS;
            }
        }

        void truncate(final FetchResponse response)
        {
            final FollowerState.Truncation t =
                FollowerState.truncationFor(log.epochCache(), log.logEndOffset(), response.divergingEpoch());
            check(t.offset() <= log.logEndOffset(), "truncation above log end: " + t);
            final Broker source = brokers[follower.leaderId()];
            final boolean sourceUnchanged = source.up && source.incarnation == response.leaderIncarnation()
                && source.leader != null && source.leader.leaderEpoch() == follower.leaderEpoch();
            final long divergence = SimLog.firstDivergence(log, source.log);
            note("broker " + id + " truncates to " + t + " from " + log.logEndOffset() + " (answer " + response.divergingEpoch()
                + ", first divergence " + divergence + ")");
            if (sourceUnchanged)
            {
                // The leader's log only grew since it answered, so its answer must not keep a record it lacks.
                check(t.offset() <= divergence, "broker " + id + " truncates to " + t + " past the first divergence " + divergence
                    + " from leader " + source.id);
                check(!t.complete() || t.offset() == divergence,
                    "complete truncation to " + t + " is not the first divergence " + divergence);
            }
            if (t.offset() < log.logEndOffset())
            {
                stats.truncations++;
                log.truncateTo(t.offset());
                onTruncated();
                follower.onTruncated(log.logEndOffset());
            }
            nextFetchAtMs = nowMs;
        }

        // ------------------------------------------------------------ leader

        void onFetch(final FetchRequest request, final int followerIncarnation)
        {
            final Broker from = brokers[request.replicaId()];
            if (leader == null)
            {
                final int known = applied == null ? -1 : applied.leaderEpoch();
                final FollowerFetchStatus status = request.currentLeaderEpoch() < known ? FollowerFetchStatus.FENCED_LEADER_EPOCH
                    : request.currentLeaderEpoch() > known ? FollowerFetchStatus.UNKNOWN_LEADER_EPOCH : FollowerFetchStatus.NOT_LEADER_OR_FOLLOWER;
                respond(from, followerIncarnation, request, status, null, List.of(), -1);
                return;
            }
            final FollowerFetchStatus status = leader.onFollowerFetch(request.replicaId(), request.brokerEpoch(), request.currentLeaderEpoch(),
                request.lastFetchedEpoch(), request.fetchOffset(), log.epochCache(), nowMs);
            observeHighWatermark();
            switch (status)
            {
                case ACCEPTED ->
                {
                    final List<SimLog.Entry> records = log.read(request.fetchOffset(), fetchMaxRecords);
                    final ReplicaProgress progress = leader.follower(request.replicaId());
                    if (!progress.inIsr())
                    {
                        leader.maybeProposeExpand(b -> !fencedView.contains(b));
                        maybeSendProposal();
                    }
                    completeAcks();
                    respond(from, followerIncarnation, request, status, null, records, leader.highWatermark());
                }
                case DIVERGING -> respond(from, followerIncarnation, request, status,
                    leader.divergingEpoch(request.lastFetchedEpoch(), log.epochCache()), List.of(), leader.highWatermark());
                default -> respond(from, followerIncarnation, request, status, null, List.of(), -1);
            }
        }

        void respond(final Broker to, final int toIncarnation, final FetchRequest request, final FollowerFetchStatus status,
            final LeaderEpochCache.EpochEnd diverging, final List<SimLog.Entry> records, final long hw)
        {
            final FetchResponse response = new FetchResponse(request.requestId(), request.currentLeaderEpoch(), request.fetchOffset(),
                status, diverging, records, hw, incarnation);
            send(id, incarnation, to.id, toIncarnation, "fetch-response " + status + " " + records.size() + " records hw=" + hw
                + (diverging == null ? "" : " diverging=" + diverging), () -> to.onFetchResponse(response));
        }

        void produce(final boolean acksAll)
        {
            if (acksAll && leader.checkEnoughReplicasBeforeAppend(MIN_ISR) != ErrorCode.NONE)
            {
                stats.ackFailed++;
                return;
            }
            final SimLog.Entry e = new SimLog.Entry(leader.leaderEpoch(), nextPayload++);
            final long offset = log.logEndOffset();
            checkSingleWriter(e, offset);
            log.append(e);
            leader.onLeaderAppend(log.logEndOffset());
            observeHighWatermark();
            if (acksAll)
            {
                pendingAcks.add(new PendingAck(offset, e, nowMs + PRODUCE_TIMEOUT_MS));
                completeAcks();
            }
            else
            {
                stats.acks1++;
            }
        }

        /**
         * Every high watermark a leader reaches is committed at once (a consumer may read it), so
         * it is recorded right after each call that can move it, not only between events: one
         * event may apply several metadata records.
         */
        void observeHighWatermark()
        {
            final long hw = leader.highWatermark();
            check(hw >= lastLeaderHighWatermark, "leader " + id + " high watermark went back from " + lastLeaderHighWatermark
                + " to " + hw);
            lastLeaderHighWatermark = hw;
            extendCommitted(this, hw);
        }

        void completeAcks()
        {
            if (leader == null)
            {
                return;
            }
            for (final Iterator<PendingAck> it = pendingAcks.iterator(); it.hasNext(); )
            {
                final PendingAck a = it.next();
                if (!leader.isCommitted(a.offset()))
                {
                    continue;
                }
                it.remove();
                if (leader.checkEnoughReplicasAfterAppend(MIN_ISR) != ErrorCode.NONE)
                {
                    stats.ackFailed++;
                    continue;
                }
                extendCommitted(this, leader.highWatermark());
                check(committed.get((int)a.offset()).equals(a.entry()), "acknowledged " + a + " but committed "
                    + committed.get((int)a.offset()));
                stats.acked++;
            }
        }

        void expireAcks()
        {
            pendingAcks.removeIf(a ->
            {
                if (nowMs >= a.deadlineMs())
                {
                    stats.ackFailed++;
                    return true;
                }
                return false;
            });
        }

        void failAcks(final String why)
        {
            stats.ackFailed += pendingAcks.size();
            pendingAcks.clear();
        }

        void checkSingleWriter(final SimLog.Entry e, final long offset)
        {
            final Long previous = payloadByEpochOffset.putIfAbsent(((long)e.epoch() << 32) | offset, e.payload());
            check(previous == null || previous == e.payload(), "two records at epoch " + e.epoch() + " offset " + offset
                + ": payloads " + previous + " and " + e.payload());
        }

        // ------------------------------------------------------------ crashes

        void crash(final long downMs)
        {
            final long lost = log.logEndOffset() - log.flushedOffset();
            note("broker " + id + " crashes, losing " + lost + " unflushed records, down for " + downMs + "ms");
            stats.crashes++;
            stats.lostUnflushed += lost;
            up = false;
            incarnation++;
            failAcks("crash");
            log.crash();
            onTruncated();
            leader = null;
            follower = null;
            applied = null;
            sentProposal = null;
            inflightFetchId = -1;
            restartAtMs = nowMs + downMs;
        }

        /**
         * Controlled shutdown: flush, unregister (the controller moves leadership and ISR
         * membership away first), stop. It loses nothing but still takes a copy out of the
         * ISR, so it counts against the fault budget like a crash.
         */
        void shutDownCleanly(final long downMs)
        {
            log.flush();
            highWatermarkCheckpoint = highWatermark();
            note("broker " + id + " shuts down cleanly for " + downMs + "ms");
            commit(controller.handle(new Command.UnregisterBroker(clientId(), ++controllerSequence, id), nowMs));
            crash(downMs);
        }

        void restart()
        {
            note("broker " + id + " restarts as incarnation " + incarnation + " with " + log);
            up = true;
            restartAtMs = Long.MAX_VALUE;
            controllerSequence = 0;
            alterSequence = 0;
            register(this);
            nextHeartbeatMs = nowMs + HEARTBEAT_INTERVAL_MS;
            loadImage();
        }

        @Override
        public String toString()
        {
            return "broker " + id + (up ? "" : " DOWN") + (heartbeatsLost() ? " (no heartbeats)" : "") + " inc=" + incarnation
                + " " + log + " hw=" + highWatermark() + " verified=" + verifiedPrefix + " role="
                + (leader != null ? leader : follower) + " applied=" + applied;
        }
    }
}
