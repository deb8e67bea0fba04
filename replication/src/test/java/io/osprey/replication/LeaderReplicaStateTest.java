package io.osprey.replication;

import io.osprey.common.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaderReplicaStateTest
{
    private static final long LAG_MS = 1_000;
    private static final int LEADER = 1;
    private static final int EPOCH = 5;

    private final LeaderEpochCache cache = new LeaderEpochCache();

    /** Leader 1 of replicas 1, 2, 3 at epoch 5, partition epoch 10, log end 100, high watermark 90. */
    private LeaderReplicaState leaderWithIsr(final List<Integer> isr)
    {
        cache.assign(3, 0);
        return new LeaderReplicaState(LEADER, EPOCH, 10, List.of(1, 2, 3), isr, 100, 90, 0);
    }

    private static FollowerFetchStatus fetch(final LeaderReplicaState s, final LeaderEpochCache cache, final int replica,
        final long offset, final long nowMs)
    {
        return s.onFollowerFetch(replica, 7, EPOCH, 3, offset, cache, nowMs);
    }

    @Test
    void shouldSetHighWatermarkToSmallestLogEndOverIsrAndNeverLowerIt()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2, 3));
        assertThat(s.highWatermark()).isEqualTo(90);

        assertThat(fetch(s, cache, 2, 100, 10)).isEqualTo(FollowerFetchStatus.ACCEPTED);
        assertThat(s.highWatermark()).as("follower 3 position unknown").isEqualTo(90);
        fetch(s, cache, 3, 95, 10);
        assertThat(s.highWatermark()).isEqualTo(95);
        fetch(s, cache, 3, 92, 20);
        assertThat(s.highWatermark()).as("never backwards").isEqualTo(95);
        fetch(s, cache, 3, 100, 30);
        assertThat(s.highWatermark()).isEqualTo(100);
        assertThat(s.isCommitted(99)).isTrue();
        assertThat(s.isCommitted(100)).isFalse();
    }

    @Test
    void shouldAdvanceOnAppendAloneWhenLeaderIsTheWholeIsr()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1));
        assertThat(s.highWatermark()).isEqualTo(100);
        assertThat(s.onLeaderAppend(105)).isTrue();
        assertThat(s.highWatermark()).isEqualTo(105);
        assertThatThrownBy(() -> s.onLeaderAppend(104)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFenceOlderAndDeferNewerLeaderEpochs()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2, 3));
        assertThat(s.onFollowerFetch(2, 7, EPOCH - 1, 3, 100, cache, 0)).isEqualTo(FollowerFetchStatus.FENCED_LEADER_EPOCH);
        assertThat(s.onFollowerFetch(2, 7, EPOCH + 1, 3, 100, cache, 0)).isEqualTo(FollowerFetchStatus.UNKNOWN_LEADER_EPOCH);
        assertThat(s.onFollowerFetch(9, 7, EPOCH, 3, 100, cache, 0)).isEqualTo(FollowerFetchStatus.UNKNOWN_LEADER_EPOCH);
        assertThat(s.onFollowerFetch(9, 7, -1, 3, 100, cache, 0)).isEqualTo(FollowerFetchStatus.NOT_LEADER_OR_FOLLOWER);
        assertThat(s.onFollowerFetch(2, 7, EPOCH, 3, 101, cache, 0)).as("past the end in a known epoch")
            .isEqualTo(FollowerFetchStatus.DIVERGING);
        assertThat(s.onFollowerFetch(2, 7, EPOCH, LeaderEpochCache.UNDEFINED_EPOCH, 101, cache, 0))
            .isEqualTo(FollowerFetchStatus.OFFSET_OUT_OF_RANGE);
        assertThat(s.follower(2).logEndOffset()).as("rejected fetches change nothing").isEqualTo(ReplicaProgress.UNKNOWN_OFFSET);
        assertThat(LeaderReplicaState.checkLeaderEpoch(-1, EPOCH)).isEqualTo(ErrorCode.NONE);
        assertThat(LeaderReplicaState.checkLeaderEpoch(4, EPOCH)).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
        assertThat(LeaderReplicaState.checkLeaderEpoch(6, EPOCH)).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);
    }

    @Test
    void shouldAnswerDivergingFetchWithTheLeadersEpochEndAndNotRecordIt()
    {
        cache.assign(3, 0);
        cache.assign(5, 80);
        final LeaderReplicaState s = new LeaderReplicaState(LEADER, EPOCH, 10, List.of(1, 2, 3), List.of(1, 2, 3), 100, 90, 0);
        // The follower wrote epoch 4 (a leader this one never followed) from offset 85.
        assertThat(s.onFollowerFetch(2, 7, EPOCH, 4, 88, cache, 0)).isEqualTo(FollowerFetchStatus.DIVERGING);
        assertThat(s.divergingEpoch(4, cache)).isEqualTo(new LeaderEpochCache.EpochEnd(3, 80));
        assertThat(s.follower(2).logEndOffset()).isEqualTo(ReplicaProgress.UNKNOWN_OFFSET);
    }

    @Test
    void shouldProposeLaggingFollowersOutAfterTheLagTime()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2, 3));
        fetch(s, cache, 2, 100, 100);
        fetch(s, cache, 3, 50, 100);
        assertThat(s.isrShrinkCandidates(LAG_MS, LAG_MS)).as("in sync as of the start of leadership").isEmpty();
        assertThat(s.isrShrinkCandidates(1 + LAG_MS, LAG_MS)).containsExactly(3);

        final IsrProposal shrink = s.maybeProposeShrink(1 + LAG_MS, LAG_MS);
        assertThat(shrink.newIsr()).containsExactly(1, 2);
        assertThat(shrink.partitionEpoch()).isEqualTo(10);
        assertThat(shrink.leaderEpoch()).isEqualTo(EPOCH);
        assertThat(s.maybeProposeShrink(2 + LAG_MS, LAG_MS)).as("one in flight").isNull();
        assertThat(s.highWatermark()).as("pending shrink still counts 3").isEqualTo(90);

        assertThat(s.onPartitionState(11, List.of(1, 2, 3), List.of(1, 2), 2 + LAG_MS)).isTrue();
        assertThat(s.highWatermark()).isEqualTo(100);
        assertThat(s.pendingProposal()).isNull();
    }

    @Test
    void shouldCountAFollowerCaughtUpWhenItReachesTheLeaderEndOfItsPreviousFetch()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2, 3));
        fetch(s, cache, 3, 100, 500);   // at the end: caught up at 500
        s.onLeaderAppend(110);
        fetch(s, cache, 3, 100, 900);   // behind the end (110), but at the end as of the previous fetch (100): caught up at 500
        s.onLeaderAppend(120);
        fetch(s, cache, 3, 110, 1_400); // reached 110, the end at the 900 fetch: caught up at 900
        assertThat(s.follower(3).lastCaughtUpTimeMs()).isEqualTo(900);
        assertThat(s.isrShrinkCandidates(1_900, LAG_MS)).as("2 never fetched").containsExactly(2);
        assertThat(s.isrShrinkCandidates(1_901, LAG_MS)).contains(3);
    }

    @Test
    void shouldProposeCaughtUpFollowersInAndHoldTheHighWatermarkForThemMeanwhile()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2));
        fetch(s, cache, 2, 100, 10);
        fetch(s, cache, 3, 100, 10);
        assertThat(s.highWatermark()).isEqualTo(100);
        assertThat(s.isrExpandCandidates()).containsExactly(3);
        assertThat(s.maybeProposeExpand(b -> b != 3)).as("ineligible broker").isNull();

        final IsrProposal expand = s.maybeProposeExpand(b -> true);
        assertThat(expand.newIsr()).containsExactly(1, 2, 3);
        assertThat(expand.newIsrBrokerEpochs()).containsExactly(ReplicaProgress.UNKNOWN_BROKER_EPOCH, 7L, 7L);
        assertThat(s.maximalIsrSize()).isEqualTo(3);

        s.onLeaderAppend(110);
        fetch(s, cache, 2, 110, 20);
        assertThat(s.highWatermark()).as("pending member 3 holds it").isEqualTo(100);

        s.onAlterPartitionResponse(expand, ErrorCode.INVALID_REQUEST);
        assertThat(s.pendingProposal()).isNull();
        assertThat(s.maximalIsrSize()).isEqualTo(2);
    }

    @Test
    void shouldKeepAProposalUntilItsCommittedStateArrivesAndIgnoreAnswersToOthers()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2));
        fetch(s, cache, 3, 100, 10);
        final IsrProposal expand = s.maybeProposeExpand(b -> true);
        s.onAlterPartitionResponse(expand, ErrorCode.NONE);
        assertThat(s.pendingProposal()).isSameAs(expand);
        final IsrProposal lookalike = new IsrProposal(expand.leaderEpoch(), expand.partitionEpoch(), expand.newIsr(),
            expand.newIsrBrokerEpochs());
        s.onAlterPartitionResponse(lookalike, ErrorCode.INVALID_REQUEST);
        assertThat(s.pendingProposal()).as("a refusal of another proposal").isSameAs(expand);

        assertThat(s.onPartitionState(10, List.of(1, 2, 3), List.of(1, 2, 3), 20)).as("not newer").isFalse();
        assertThat(s.pendingProposal()).isSameAs(expand);
        s.onPartitionState(11, List.of(1, 2, 3), List.of(1, 2, 3), 20);
        assertThat(s.pendingProposal()).isNull();
        assertThat(s.isr()).containsExactly(1, 2, 3);
        assertThat(s.follower(3).inIsr()).isTrue();
    }

    @Test
    void shouldNotAddAFollowerThatHasNotReachedTheStartOfThisLeaderEpoch()
    {
        // New leader at log end 100 inherits a high watermark of 90: a follower at 95 is past the
        // high watermark but may lack offsets 95..99 that the previous leader committed.
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2));
        fetch(s, cache, 3, 95, 10);
        assertThat(s.isrExpandCandidates()).isEmpty();
        fetch(s, cache, 3, 100, 20);
        assertThat(s.isrExpandCandidates()).containsExactly(3);
    }

    @Test
    void shouldRefuseAcksAllBelowMinIsrBeforeAndAfterAppend()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2));
        assertThat(s.checkEnoughReplicasBeforeAppend(2)).isEqualTo(ErrorCode.NONE);
        assertThat(s.checkEnoughReplicasBeforeAppend(3)).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
        fetch(s, cache, 2, 100, 0);
        s.onPartitionState(11, List.of(1, 2, 3), List.of(1), 10 + LAG_MS);
        assertThat(s.checkEnoughReplicasAfterAppend(2)).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        assertThat(s.checkEnoughReplicasBeforeAppend(2)).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
    }

    /** As Kafka's effectiveMinIsr: min.insync.replicas above the replication factor counts as the replication factor. */
    @Test
    void shouldCapMinIsrAtTheAssignedReplicas()
    {
        final LeaderReplicaState single = new LeaderReplicaState(LEADER, EPOCH, 1, List.of(LEADER), List.of(LEADER), 0, 0, 0);
        assertThat(single.effectiveMinIsr(2)).isEqualTo(1);
        assertThat(single.checkEnoughReplicasBeforeAppend(2)).isEqualTo(ErrorCode.NONE);
        assertThat(single.checkEnoughReplicasAfterAppend(3)).isEqualTo(ErrorCode.NONE);

        final LeaderReplicaState two = new LeaderReplicaState(LEADER, EPOCH, 1, List.of(LEADER, 2), List.of(LEADER), 0, 0, 0);
        assertThat(two.effectiveMinIsr(3)).isEqualTo(2);
        assertThat(two.checkEnoughReplicasBeforeAppend(3)).as("one of two in sync").isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
        assertThat(two.checkEnoughReplicasBeforeAppend(1)).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void shouldRefuseAStateThatLeavesOutTheLeader()
    {
        final LeaderReplicaState s = leaderWithIsr(List.of(1, 2));
        assertThatThrownBy(() -> s.onPartitionState(11, List.of(1, 2, 3), List.of(2), 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new LeaderReplicaState(LEADER, EPOCH, 1, List.of(1, 2), List.of(2), 0, 0, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
