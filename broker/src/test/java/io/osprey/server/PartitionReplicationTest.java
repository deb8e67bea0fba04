package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.util.HashedWheelTimer;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.controller.PartitionInfo;
import io.osprey.log.LogAppendInfo;
import io.osprey.log.LogConfig;
import io.osprey.log.PartitionLog;
import io.osprey.metrics.Histogram;
import io.osprey.metrics.TopicMetrics;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatchBuilder;
import io.osprey.replication.IsrProposal;
import io.osprey.replication.LeaderEpochCache;
import io.osprey.replication.LeaderReplicaState;
import io.osprey.replication.ReplicaProgress;

/**
 * The replication wiring of {@link Partition}: roles applied through the log agent, acks=all
 * waits settled by follower fetches, ISR changes, timeouts and leadership moves, the leader's
 * checks of follower fetches, ISR expansion proposals, and the follower's append and truncation
 * paths. A real {@link PartitionLog} in a temp dir; the {@link LogAgent} is driven by hand from
 * the test thread (so role changes happen exactly when a test calls {@link LogAgent#doWork()});
 * the controller is a stub that records AlterPartition proposals.
 */
class PartitionReplicationTest
{
    private static final int LOCAL = 1;
    private static final List<Integer> REPLICAS = List.of(1, 2, 3);

    @TempDir
    Path tmp;

    private PartitionLog log;
    private LogAgent agent;
    private HashedWheelTimer timer;
    private RecordingControl control;
    private Partition partition;

    /** The controller side: records proposals, says who may join an ISR. */
    private static final class RecordingControl implements Partition.ReplicaControl
    {
        final List<IsrProposal> proposals = new CopyOnWriteArrayList<>();
        final List<LeaderReplicaState> states = new CopyOnWriteArrayList<>();
        final Set<Integer> ineligible = new HashSet<>();

        @Override
        public void alterPartition(final Partition partition, final LeaderReplicaState state, final IsrProposal proposal)
        {
            states.add(state);
            proposals.add(proposal);
        }

        @Override
        public boolean isEligibleForIsr(final int brokerId)
        {
            return !ineligible.contains(brokerId);
        }
    }

    /** An acks=all wait's outcomes; a list, not a single value, so a double completion shows. */
    private static final class Outcome
    {
        final List<ErrorCode> results = new CopyOnWriteArrayList<>();

        void accept(final ErrorCode error)
        {
            results.add(error);
        }

        boolean done()
        {
            return !results.isEmpty();
        }
    }

    @BeforeEach
    void setUp() throws IOException
    {
        log = PartitionLog.open(tmp.resolve("t-0"), LogConfig.defaults(), 0, 0, now());
        agent = new LogAgent("test-agent", 1000, new Histogram());
        // The test thread is the agent's thread: every task runs in the doWork() a test calls.
        agent.onStart();
        timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
        control = new RecordingControl();
    }

    @AfterEach
    void tearDown() throws IOException
    {
        timer.stop();
        if (log != null)
        {
            log.close();
        }
    }

    // ---------------------------------------------------------------- leader: acks=all waits

    @Test
    void shouldCompleteAnAcksAllWaitOnlyOnceEveryIsrFollowerFetchedPastTheBatch()
    {
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        final LogAppendInfo first = partition.appendAsLeader(batch(3), now());
        final LogAppendInfo second = partition.appendAsLeader(batch(2), now());
        assertThat(second.lastOffset()).isEqualTo(4);
        final Outcome outcome = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), second.lastOffset(), 30_000, outcome::accept);

        // Nobody has fetched: nothing is committed, whatever the leader holds.
        assertThat(outcome.done()).isFalse();
        assertThat(partition.highWatermark()).isZero();
        assertThat(log.highWatermark()).isZero();

        // Follower 2 fetched everything, follower 3 nothing yet: the HW waits for 3.
        final Partition.FollowerFetch f2 = partition.onFollowerFetch(2, 102, 0, 0, 5, 0, now());
        assertThat(f2.error()).isEqualTo(ErrorCode.NONE);
        assertThat(f2.diverging()).isFalse();
        assertThat(f2.logEndOffset()).isEqualTo(5);
        assertThat(f2.highWatermark()).isZero();
        assertThat(outcome.done()).isFalse();
        assertThat(partition.highWatermark()).isZero();

        // Follower 3 holds the first batch only: the HW is its end, below the awaited batch.
        partition.onFollowerFetch(3, 103, 0, 0, first.lastOffset() + 1, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(log.highWatermark()).as("published to readers of the log").isEqualTo(3);
        assertThat(outcome.done()).isFalse();

        // Follower 2 fetching again changes nothing: the HW is the smallest ISR end, not the largest.
        partition.onFollowerFetch(2, 102, 0, 0, 5, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(outcome.done()).isFalse();

        // The last ISR member reaches the end: committed, completed exactly once with NONE.
        final Partition.FollowerFetch f3 = partition.onFollowerFetch(3, 103, 0, 0, 5, 0, now());
        assertThat(f3.highWatermark()).isEqualTo(5);
        assertThat(outcome.results).containsExactly(ErrorCode.NONE);
        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(log.highWatermark()).isEqualTo(5);

        // A wait for an offset already committed completes at once, on the caller's thread.
        final Outcome late = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), first.lastOffset(), 30_000, late::accept);
        assertThat(late.results).containsExactly(ErrorCode.NONE);
    }

    @Test
    void shouldWakeWaitingConsumerFetchesWhenFollowersMoveTheHighWatermarkWithNoAcksAllWriteWaiting()
    {
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        // An acks=1 append: nothing waits for the high watermark.
        partition.appendAsLeader(batch(3), now());
        // A consumer's long poll: it reads below the high watermark only, so it waits while that is 0.
        final List<Long> answeredAt = new CopyOnWriteArrayList<>();
        final DelayedFetch consumer = new DelayedFetch(List.of(partition), force ->
        {
            final long hw = partition.highWatermark();
            if (hw == 0 && !force)
            {
                return false;
            }
            answeredAt.add(hw);
            return true;
        }, () -> { });
        consumer.start(timer, 30_000);
        assertThat(answeredAt).isEmpty();

        partition.onFollowerFetch(2, 102, 0, 0, 3, 0, now());
        partition.onFollowerFetch(3, 103, 0, 0, 3, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(3);
        // The wakeup goes through the log agent (not inline on the fetching thread): run what it queued.
        agent.doWork();
        assertThat(answeredAt).as("answered at the advance, not after fetch.max.wait.ms").containsExactly(3L);
    }

    @Test
    void shouldRefuseAcksAllBeforeTheAppendWhenTheIsrIsSmallerThanMinInsyncReplicas()
    {
        leader(REPLICAS, List.of(1), 0, 0, 2);
        assertThat(partition.checkEnoughReplicas()).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);

        // The controller adds a follower back (same leader epoch): enough again.
        become(new PartitionInfo(REPLICAS, List.of(1, 2), LOCAL, 0, 1, List.of(), List.of()));
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.checkEnoughReplicas()).isEqualTo(ErrorCode.NONE);

        // Not leading at all is a different answer: the client must look for the leader.
        become(new PartitionInfo(REPLICAS, List.of(1, 2), 2, 1, 2, List.of(), List.of()));
        assertThat(partition.checkEnoughReplicas()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void shouldCompleteWithNotEnoughReplicasAfterAppendWhenTheIsrShrankBelowMinIsrWhileWaiting()
    {
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        final LogAppendInfo info = partition.appendAsLeader(batch(3), now());
        final Outcome outcome = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), info.lastOffset(), 30_000, outcome::accept);
        partition.onFollowerFetch(2, 102, 0, 0, 1, 0, now());
        assertThat(outcome.done()).isFalse();

        // The controller commits a shrink to the leader alone: same leader epoch, newer partition epoch.
        assertThat(partition.applyState(new PartitionInfo(REPLICAS, List.of(1), LOCAL, 0, 1, List.of(), List.of()))).isTrue();
        assertThat(outcome.done()).as("the shrink is applied on the agent, not on the metadata thread").isFalse();
        agent.doWork();

        // With the leader alone in the ISR the HW is its end: the batch is committed, but by too few replicas.
        assertThat(partition.isr()).containsExactly(1);
        assertThat(partition.highWatermark()).isEqualTo(log.logEndOffset());
        assertThat(outcome.results).containsExactly(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }

    @Test
    void shouldTimeOutAWaitThatNoFetchSettles()
    {
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        final LogAppendInfo info = partition.appendAsLeader(batch(3), now());
        final Outcome outcome = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), info.lastOffset(), 50, outcome::accept);
        assertThat(outcome.done()).isFalse();

        await().atMost(Duration.ofSeconds(5)).until(outcome::done);
        assertThat(outcome.results).containsExactly(ErrorCode.REQUEST_TIMED_OUT);

        // The timed-out wait is gone: the HW passing it later does not complete it a second time.
        partition.onFollowerFetch(2, 102, 0, 0, 3, 0, now());
        partition.onFollowerFetch(3, 103, 0, 0, 3, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(outcome.results).containsExactly(ErrorCode.REQUEST_TIMED_OUT);
    }

    @Test
    void shouldFailPendingWaitsWithNotLeaderWhenLeadershipMovesAway()
    {
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        final LogAppendInfo a = partition.appendAsLeader(batch(3), now());
        final LogAppendInfo b = partition.appendAsLeader(batch(2), now());
        final Outcome first = new Outcome();
        final Outcome second = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), a.lastOffset(), 30_000, first::accept);
        partition.awaitHighWatermark(partition.leaderEpoch(), b.lastOffset(), 30_000, second::accept);

        become(new PartitionInfo(REPLICAS, List.of(2, 3), 2, 1, 1, List.of(), List.of()));

        assertThat(first.results).containsExactly(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertThat(second.results).containsExactly(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.isLeader()).isFalse();
        assertThat(partition.leaderId()).isEqualTo(2);
        assertThat(partition.leaderEpoch()).isEqualTo(1);
        assertThat(partition.isr()).as("only a leader holds an ISR").isNull();
        assertThat(partition.followerEpoch()).isEqualTo(1);

        // The old role is gone for everything that arrives late, too.
        final Outcome late = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), a.lastOffset(), 30_000, late::accept);
        assertThat(late.results).containsExactly(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.onFollowerFetch(3, 103, 0, 0, 5, 0, now()).error()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }

    // ---------------------------------------------------------------- leader: follower fetch checks

    @Test
    void shouldCheckFollowerFetchesEpochMembershipAndDivergence()
    {
        // Epoch 0 wrote [0..4] (under an earlier leader); this node leads epoch 3 and writes [5..7].
        log.appendAsLeader(batch(5), 0, now());
        leader(REPLICAS, List.of(1, 2, 3), 3, 0, 1);
        partition.appendAsLeader(batch(3), now());
        assertThat(log.leaderEpochCache().entries())
            .containsExactly(new LeaderEpochCache.Entry(0, 0), new LeaderEpochCache.Entry(3, 5));
        final long hw = partition.highWatermark();

        // Leader epochs: older is fenced, newer is not known yet; neither records a position.
        assertThat(partition.onFollowerFetch(2, 102, 2, 3, 8, 0, now()).error()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
        assertThat(partition.onFollowerFetch(2, 102, 4, 3, 8, 0, now()).error()).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);
        partition.onFollowerFetch(3, 103, 3, 3, 8, 0, now());
        assertThat(partition.highWatermark()).as("follower 2's refused fetches must not count").isEqualTo(hw);

        // Not a replica: without an epoch it is the wrong broker; with the current epoch, "retry".
        assertThat(partition.onFollowerFetch(9, 109, -1, 3, 8, 0, now()).error()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.onFollowerFetch(9, 109, 3, 3, 8, 0, now()).error()).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);

        // Follower 2 kept epoch-0 records past where epoch 0 ends here (a deposed leader's unreplicated writes).
        final Partition.FollowerFetch longer = partition.onFollowerFetch(2, 102, 3, 0, 7, 0, now());
        assertThat(longer.error()).isEqualTo(ErrorCode.NONE);
        assertThat(longer.diverging()).isTrue();
        assertThat(longer.divergingEpoch()).isEqualTo(new LeaderEpochCache.EpochEnd(0, 5));
        assertThat(longer.logEndOffset()).isEqualTo(8);

        // Follower 2 ends in epoch 2, which this log never had: the answer is the largest epoch below it.
        final Partition.FollowerFetch unknownEpoch = partition.onFollowerFetch(2, 102, 3, 2, 6, 0, now());
        assertThat(unknownEpoch.diverging()).isTrue();
        assertThat(unknownEpoch.divergingEpoch()).isEqualTo(new LeaderEpochCache.EpochEnd(0, 5));
        assertThat(partition.highWatermark()).as("a diverging fetch says nothing true about the follower's log").isEqualTo(hw);

        // After truncating to 5 the follower agrees and is accepted; with 3 at the end too, everything is committed.
        final Partition.FollowerFetch agreed = partition.onFollowerFetch(2, 102, 3, 0, 5, 0, now());
        assertThat(agreed.diverging()).isFalse();
        assertThat(agreed.error()).isEqualTo(ErrorCode.NONE);
        partition.onFollowerFetch(2, 102, 3, 3, 8, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(8);

        // Without an epoch to compare, an offset past the leader's end is out of range.
        assertThat(partition.onFollowerFetch(2, 102, 3, LeaderEpochCache.UNDEFINED_EPOCH, 20, 0, now()).error())
            .isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(partition.highWatermark()).isEqualTo(8);
    }

    // ---------------------------------------------------------------- leader: ISR expansion

    @Test
    void shouldProposeACaughtUpFollowerIntoTheIsrOnceWithItsBrokerEpoch()
    {
        leader(REPLICAS, List.of(1, 2), 0, 0, 1);
        partition.appendAsLeader(batch(3), now());
        partition.onFollowerFetch(2, 102, 0, 0, 3, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(3);

        // Behind the HW: not in sync yet.
        partition.onFollowerFetch(3, 103, 0, LeaderEpochCache.UNDEFINED_EPOCH, 0, 0, now());
        assertThat(control.proposals).isEmpty();

        // Caught up, but the metadata does not let it in (fenced, shutting down): no proposal.
        control.ineligible.add(3);
        partition.onFollowerFetch(3, 103, 0, 0, 3, 0, now());
        assertThat(control.proposals).isEmpty();

        control.ineligible.clear();
        partition.onFollowerFetch(3, 103, 0, 0, 3, 0, now());
        assertThat(control.proposals).hasSize(1);
        final IsrProposal proposal = control.proposals.get(0);
        assertThat(proposal.newIsr()).containsExactly(1, 2, 3);
        assertThat(proposal.newIsrBrokerEpochs()).containsExactly(ReplicaProgress.UNKNOWN_BROKER_EPOCH, 102L, 103L);
        assertThat(proposal.leaderEpoch()).isZero();
        assertThat(proposal.partitionEpoch()).isZero();

        // One proposal in flight: more fetches from the candidate send nothing new.
        partition.onFollowerFetch(3, 103, 0, 0, 3, 0, now());
        partition.onFollowerFetch(2, 102, 0, 0, 3, 0, now());
        assertThat(control.proposals).hasSize(1);
        assertThat(partition.isr()).as("the committed ISR changes only when the controller says so").containsExactly(1, 2);

        // The controller commits it: the ISR is the controller's, and the pending proposal is settled.
        become(new PartitionInfo(REPLICAS, List.of(1, 2, 3), LOCAL, 0, 1, List.of(), List.of()));
        assertThat(partition.isr()).containsExactly(1, 2, 3);
        assertThat(control.states.get(0).pendingProposal()).isNull();
    }

    @Test
    void shouldLetAPendingIsrMemberHoldTheHighWatermarkUntilTheControllerRefusesIt()
    {
        leader(REPLICAS, List.of(1, 2), 0, 0, 1);
        partition.appendAsLeader(batch(3), now());
        partition.onFollowerFetch(2, 102, 0, 0, 3, 0, now());
        partition.onFollowerFetch(3, 103, 0, 0, 3, 0, now());
        assertThat(control.proposals).hasSize(1);

        final LogAppendInfo more = partition.appendAsLeader(batch(2), now());
        final Outcome outcome = new Outcome();
        partition.awaitHighWatermark(partition.leaderEpoch(), more.lastOffset(), 30_000, outcome::accept);
        partition.onFollowerFetch(2, 102, 0, 0, 5, 0, now());
        // Follower 3 may be in the controller's ISR already: the HW must not pass what it holds.
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(outcome.done()).isFalse();

        // A refusal (e.g. follower 3 restarted under a new broker epoch) drops it from the HW's count.
        partition.onAlterPartitionResult(control.states.get(0), control.proposals.get(0), ErrorCode.INELIGIBLE_REPLICA);
        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(outcome.results).containsExactly(ErrorCode.NONE);

        // Nothing pending any more: follower 3 catching up again is proposed again.
        partition.onFollowerFetch(3, 103, 0, 0, 5, 0, now());
        assertThat(control.proposals).hasSize(2);
        assertThat(control.proposals.get(1).newIsr()).containsExactly(1, 2, 3);
    }

    // ---------------------------------------------------------------- leader: DeleteRecords' low watermark

    @Test
    void shouldAnswerALowWatermarkWaitOnceEveryIsrFollowerReportsALogStartThatFar() throws Exception
    {
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        partition.appendAsLeader(batch(5), now());
        partition.onFollowerFetch(2, 102, 0, 0, 5, 0, now());
        partition.onFollowerFetch(3, 103, 0, 0, 5, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(5);

        assertThat(log.advanceLogStartOffset(3, now())).isEqualTo(3);
        final CompletableFuture<Long> low = partition.awaitLowWatermark(3);
        assertThat(low).as("the followers still report log start 0").isNotDone();
        partition.onFollowerFetch(2, 102, 0, 0, 5, 3, now());
        assertThat(low).as("follower 3 still reports 0").isNotDone();
        // A fetch without a log start (-1, as a client before Fetch v5 sends) changes nothing.
        partition.onFollowerFetch(3, 103, 0, 0, 5, -1, now());
        assertThat(low).isNotDone();
        partition.onFollowerFetch(3, 103, 0, 0, 5, 3, now());
        assertThat(low.get(1, TimeUnit.SECONDS)).isEqualTo(3);

        // Already there: answered at once.
        assertThat(partition.awaitLowWatermark(2).get(1, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void shouldNotWaitForAFollowerOutsideTheIsrAndFailTheWaitWhenLeadershipIsLost()
    {
        leader(REPLICAS, List.of(1, 2), 0, 0, 1);
        partition.appendAsLeader(batch(4), now());
        partition.onFollowerFetch(2, 102, 0, 0, 4, 0, now());
        log.advanceLogStartOffset(2, now());
        final CompletableFuture<Long> low = partition.awaitLowWatermark(2);
        partition.onFollowerFetch(2, 102, 0, 0, 4, 2, now());
        assertThat(low).isCompletedWithValue(2L);

        log.advanceLogStartOffset(4, now());
        final CompletableFuture<Long> lost = partition.awaitLowWatermark(4);
        become(new PartitionInfo(REPLICAS, List.of(2, 3), 2, 1, 1, List.of(), List.of()));
        assertThat(partition.isLeader()).isFalse();
        assertThat(lost).isCompletedExceptionally();
        assertThat(catchThrowable(lost::join).getCause()).isInstanceOf(OspreyException.class)
            .extracting(e -> ((OspreyException)e).errorCode()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }

    // ---------------------------------------------------------------- follower

    @Test
    void shouldAppendAsFollowerAndTakeTheLeadersHighWatermarkCappedAtItsEnd()
    {
        follower(List.of(1, 2), 2, 1);
        assertThat(partition.isLeader()).isFalse();
        assertThat(partition.followerEpoch()).isEqualTo(1);

        // The leader is ahead of this replica's end: its HW is taken only as far as this log holds.
        assertThat(partition.appendAsFollower(1, leaderBatch(0, 1, 3), 100, 0, now())).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(3);

        // The leader's HW below this log's end is taken as is.
        assertThat(partition.appendAsFollower(1, leaderBatch(3, 1, 2), 4, 0, now())).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(partition.highWatermark()).isEqualTo(4);
        assertThat(log.leaderEpochCache().entries()).containsExactly(new LeaderEpochCache.Entry(1, 0));

        // A response fetched in another epoch (an old leader's, or one not applied here yet) is dropped whole.
        assertThat(partition.appendAsFollower(0, leaderBatch(5, 0, 2), 7, 0, now())).isFalse();
        assertThat(partition.appendAsFollower(2, leaderBatch(5, 2, 2), 7, 0, now())).isFalse();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(partition.highWatermark()).isEqualTo(4);

        // An empty response still carries the leader's HW.
        assertThat(partition.appendAsFollower(1, ByteBuffer.allocate(0), 5, 0, now())).isTrue();
        assertThat(partition.highWatermark()).isEqualTo(5);
    }

    @Test
    void shouldTakeTheLeadersLogStartButNeverPastItsOwnEnd()
    {
        follower(List.of(1, 2), 2, 1);
        assertThat(partition.appendAsFollower(1, leaderBatch(0, 1, 5), 5, 0, now())).isTrue();
        assertThat(log.logStartOffset()).isZero();

        // The leader deleted records below 3 (DeleteRecords or retention): so does this replica.
        assertThat(partition.appendAsFollower(1, ByteBuffer.allocate(0), 5, 3, now())).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(3);
        assertThat(log.read(3, 1 << 20, 5, true).firstOffset()).isEqualTo(0); // the batch holding 3 starts at 0
        assertThat(catchThrowable(() -> log.read(2, 1 << 20, 5, true))).isInstanceOf(OspreyException.class);

        // A lower leader start (an older response) moves nothing back; one past this log's end stops at the end.
        assertThat(partition.appendAsFollower(1, ByteBuffer.allocate(0), 5, 1, now())).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(3);
        assertThat(partition.appendAsFollower(1, ByteBuffer.allocate(0), 5, 9, now())).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(5);
    }

    @Test
    void shouldTruncateAsFollowerToWhereItAgreesWithTheLeaderAndClampTheHighWatermark()
    {
        // This replica holds epoch 0 in [0..2] and [3..4], then epoch 1 in [5..9], and thought 8 committed.
        log.appendAsLeader(batch(3), 0, now());
        log.appendAsLeader(batch(2), 0, now());
        log.appendAsLeader(batch(5), 1, now());
        log.updateHighWatermark(8);
        follower(List.of(1, 2), 2, 2);
        assertThat(partition.highWatermark()).isEqualTo(8);

        // A stale epoch truncates nothing.
        assertThat(partition.truncateAsFollower(1, new LeaderEpochCache.EpochEnd(0, 3))).isEqualTo(-1);
        assertThat(log.logEndOffset()).isEqualTo(10);

        // The leader's epoch 0 ends at 3: everything here from 3 on came from leaders the new one never followed.
        assertThat(partition.truncateAsFollower(2, new LeaderEpochCache.EpochEnd(0, 3))).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.leaderEpochCache().entries()).containsExactly(new LeaderEpochCache.Entry(0, 0));
        assertThat(partition.highWatermark()).as("never above what this replica holds").isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(3);

        // Fetching on from the truncation point works: the next batch starts at the new end.
        assertThat(partition.appendAsFollower(2, leaderBatch(3, 2, 2), 3, 0, now())).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(partition.highWatermark()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- follower -> leader

    @Test
    void shouldStartLeadingWithTheHighWatermarkItHadAsFollower()
    {
        follower(REPLICAS, 2, 1);
        partition.appendAsFollower(1, leaderBatch(0, 1, 5), 3, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(3);

        // Elected with others in the ISR: what lies above 3 may not be on them, so it is not committed yet.
        become(new PartitionInfo(REPLICAS, List.of(1, 3), LOCAL, 2, 2, List.of(), List.of()));
        assertThat(partition.isLeader()).isTrue();
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(3);
        assertThat(log.leaderEpochCache().entries())
            .as("the new epoch starts at the log end before anything is written in it")
            .containsExactly(new LeaderEpochCache.Entry(1, 0), new LeaderEpochCache.Entry(2, 5));

        assertThat(partition.highWatermarkBehindEpochStart())
            .as("ListOffsets answers OFFSET_NOT_AVAILABLE until the high watermark reaches the epoch start").isTrue();

        // Follower 3 confirms it holds everything: now it is committed.
        partition.onFollowerFetch(3, 103, 2, 1, 5, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(partition.highWatermarkBehindEpochStart()).isFalse();
    }

    @Test
    void shouldStartLeadingAloneWithTheHighWatermarkAtItsEnd()
    {
        follower(REPLICAS, 2, 1);
        partition.appendAsFollower(1, leaderBatch(0, 1, 5), 3, 0, now());

        // The only ISR member holds everything by definition.
        become(new PartitionInfo(REPLICAS, List.of(1), LOCAL, 2, 2, List.of(), List.of()));
        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(partition.highWatermarkBehindEpochStart()).isFalse();
    }

    // ---------------------------------------------------------------- retention on a replicated log

    @Test
    void shouldNotDeleteSegmentsAboveTheHighWatermarkByRetention() throws IOException
    {
        log.close();
        log = PartitionLog.open(tmp.resolve("t-1"), LogConfig.defaults().withSegmentBytes(4096).withSegmentIndexBytes(1024)
            .withIndexIntervalBytes(256).withFileDeleteDelayMs(0).withRetention(-1, 1), 0, 0, now());
        leader(REPLICAS, List.of(1, 2, 3), 0, 0, 2);
        for (int i = 0; i < 20; i++)
        {
            partition.appendAsLeader(batch(40), now());
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        // Followers 2 and 3 hold the first 40 records: that much is committed, nothing above it.
        partition.onFollowerFetch(2, 102, 0, 0, 40, 0, now());
        partition.onFollowerFetch(3, 103, 0, 0, 40, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(40);

        log.deleteRetainedSegments(now());

        // Deleting above the HW drops records the ISR followers have not fetched: their next fetch (at 40)
        // is out of range, they start over at the new log start, and once they fetch from there the HW
        // jumps past the gap, so acks=all writes in it are acknowledged although no replica holds them.
        assertThat(log.logStartOffset()).isLessThanOrEqualTo(partition.highWatermark());

        // Once every ISR member holds everything, retention applies as usual.
        final long end = log.logEndOffset();
        partition.onFollowerFetch(2, 102, 0, 0, end, 0, now());
        partition.onFollowerFetch(3, 103, 0, 0, end, 0, now());
        assertThat(partition.highWatermark()).isEqualTo(end);
        log.deleteRetainedSegments(now());
        assertThat(log.logStartOffset()).isGreaterThan(40);
    }

    // ---------------------------------------------------------------- helpers

    private void leader(final List<Integer> replicas, final List<Integer> isr, final int leaderEpoch, final int partitionEpoch,
        final int minIsr)
    {
        partition = newPartition(leaderEpoch);
        partition.setMinInsyncReplicas(minIsr);
        become(new PartitionInfo(replicas, isr, LOCAL, leaderEpoch, partitionEpoch, List.of(), List.of()));
        assertThat(partition.isLeader()).isTrue();
        assertThat(partition.isr()).isEqualTo(isr);
    }

    private void follower(final List<Integer> replicas, final int leaderId, final int leaderEpoch)
    {
        partition = newPartition(leaderEpoch);
        become(new PartitionInfo(replicas, replicas, leaderId, leaderEpoch, 0, List.of(), List.of()));
    }

    private Partition newPartition(final int leaderEpoch)
    {
        return new Partition(new TopicPartition("t", 0), UUID.randomUUID(), log, agent, leaderEpoch, new TopicMetrics(), LOCAL,
            control, timer);
    }

    /** Applies a state as the metadata thread does, then runs the role change it queued on the agent. */
    private void become(final PartitionInfo state)
    {
        assertThat(partition.applyState(state)).isTrue();
        agent.doWork();
    }

    private static long now()
    {
        return System.currentTimeMillis();
    }

    /** A producer's batch: the leader assigns offsets and epoch. */
    private static ByteBuffer batch(final int records)
    {
        return leaderBatch(0, -1, records);
    }

    /** A batch as the leader's log holds it, for follower appends: offsets and epoch already set. */
    private static ByteBuffer leaderBatch(final long baseOffset, final int epoch, final int records)
    {
        final RecordBatchBuilder b = new RecordBatchBuilder(4096);
        b.reset(Compression.NONE, baseOffset, 1000).partitionLeaderEpoch(epoch);
        for (int i = 0; i < records; i++)
        {
            b.append(1000 + i, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        final ByteBuffer built = b.build();
        // The builder owns its buffer; the log may keep what it is given only for the append, but copy anyway.
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        b.close();
        return copy;
    }
}
