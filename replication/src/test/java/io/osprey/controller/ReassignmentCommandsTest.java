package io.osprey.controller;

import io.osprey.common.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** AlterPartitionReassignments in the state machine: explicit moves, their completion, changes and cancellation. */
class ReassignmentCommandsTest
{
    private final ControllerTestContext ctx = new ControllerTestContext();

    private void withBrokers(final int count)
    {
        for (int id = 0; id < count; id++)
        {
            ctx.withRegisteredBroker(id, "rack" + (id % 2));
        }
    }

    private Response.Simple move(final String topic, final int partition, final List<Integer> target)
    {
        return move(topic, partition, target, true);
    }

    private Response.Simple move(final String topic, final int partition, final List<Integer> target, final boolean allowRfChange)
    {
        final Response response = ctx.deliver(new Command.AlterPartitionReassignments("admin", ctx.nextSequence(),
            List.of(new Command.PartitionTarget(topic, partition, target)), allowRfChange)).response();
        return ((Response.PerItem)response).results().get(topic + "-" + partition);
    }

    /** The brokers of 0..count-1 that are not replicas of the partition, in id order. */
    private List<Integer> others(final PartitionInfo p, final int count)
    {
        final List<Integer> out = new ArrayList<>();
        for (int id = 0; id < count; id++)
        {
            if (!p.replicas().contains(id))
            {
                out.add(id);
            }
        }
        return out;
    }

    @Test
    void shouldAddTargetReplicasFirstAndDropTheOldOnesOnceTheTargetIsInSync()
    {
        withBrokers(4);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo before = ctx.partition("t", 0);
        final List<Integer> target = others(before, 4);

        assertThat(move("t", 0, target).error()).isEqualTo(ErrorCode.NONE);

        final PartitionInfo moving = ctx.partition("t", 0);
        final List<Integer> expected = new ArrayList<>(target);
        expected.addAll(before.replicas());
        assertThat(moving.replicas()).isEqualTo(expected);
        assertThat(moving.adding()).isEqualTo(target);
        assertThat(moving.removing()).isEqualTo(before.replicas());
        assertThat(moving.leader()).isEqualTo(before.leader());
        assertThat(moving.isr()).isEqualTo(before.isr());

        final List<Integer> halfway = new ArrayList<>(before.isr());
        halfway.add(target.get(1));
        ctx.alterIsr("t", 0, halfway);
        assertThat(ctx.partition("t", 0).isReassigning()).as("one target replica still behind").isTrue();

        ctx.alterIsr("t", 0, ctx.partition("t", 0).replicas());

        final PartitionInfo done = ctx.partition("t", 0);
        assertThat(done.isReassigning()).isFalse();
        assertThat(done.replicas()).isEqualTo(target);
        assertThat(done.isr()).containsExactlyInAnyOrderElementsOf(target);
        assertThat(done.leader()).as("the first target replica in sync leads").isEqualTo(target.get(0));
        assertThat(done.leaderEpoch()).isEqualTo(before.leaderEpoch() + 1);
    }

    @Test
    void shouldRefuseBadTargetsPartitionByPartition()
    {
        withBrokers(3);
        ctx.createTopic("t", 2, 2);
        final PartitionInfo before = ctx.partition("t", 0);

        final Response response = ctx.deliver(new Command.AlterPartitionReassignments("admin", ctx.nextSequence(), List.of(
            new Command.PartitionTarget("t", 0, List.of()),
            new Command.PartitionTarget("t", 1, List.of(0, 0)),
            new Command.PartitionTarget("t", 5, List.of(0, 1)),
            new Command.PartitionTarget("nope", 0, List.of(0, 1))), true)).response();

        final var results = ((Response.PerItem)response).results();
        assertThat(results.get("t-0").error()).isEqualTo(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
        assertThat(results.get("t-1").error()).isEqualTo(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
        assertThat(results.get("t-1").message()).contains("twice");
        assertThat(results.get("t-5").error()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(results.get("nope-0").error()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(move("t", 0, List.of(0, 7)).message()).contains("broker 7, which is not registered");
        assertThat(move("t", 0, List.of(0, 1, 2), false).error()).isEqualTo(ErrorCode.INVALID_REPLICATION_FACTOR);
        assertThat(move("t", 0, null).error()).isEqualTo(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
        assertThat(ctx.partition("t", 0)).isEqualTo(before);
    }

    @Test
    void shouldCancelAMoveAndRestoreTheOriginalReplicas()
    {
        withBrokers(4);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo before = ctx.partition("t", 0);
        final List<Integer> target = others(before, 4);
        move("t", 0, target);
        final List<Integer> withOneAdded = new ArrayList<>(before.isr());
        withOneAdded.add(target.get(0));
        ctx.alterIsr("t", 0, withOneAdded);

        assertThat(move("t", 0, null).error()).isEqualTo(ErrorCode.NONE);

        final PartitionInfo cancelled = ctx.partition("t", 0);
        assertThat(cancelled.isReassigning()).isFalse();
        assertThat(cancelled.replicas()).isEqualTo(before.replicas());
        assertThat(cancelled.isr()).as("the added replica leaves the ISR").containsExactlyInAnyOrderElementsOf(before.isr());
        assertThat(cancelled.leader()).isEqualTo(before.leader());
        assertThat(move("t", 0, null).error()).isEqualTo(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
    }

    @Test
    void shouldReorderReplicasAtOnceSoThatPreferredElectionMovesTheLeader()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 3);
        final PartitionInfo before = ctx.partition("t", 0);
        final List<Integer> reversed = new ArrayList<>(before.replicas());
        java.util.Collections.reverse(reversed);

        assertThat(move("t", 0, reversed).error()).isEqualTo(ErrorCode.NONE);

        final PartitionInfo reordered = ctx.partition("t", 0);
        assertThat(reordered.isReassigning()).isFalse();
        assertThat(reordered.replicas()).isEqualTo(reversed);
        assertThat(reordered.leader()).isEqualTo(before.leader());
        ctx.electPreferred(new io.osprey.common.TopicPartition("t", 0));
        assertThat(ctx.partition("t", 0).leader()).isEqualTo(reversed.get(0));
    }

    @Test
    void shouldAnswerATargetEqualToTheCurrentReplicasWithoutARecord()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo before = ctx.partition("t", 0);

        final ControllerResult result = ctx.deliver(new Command.AlterPartitionReassignments("admin", ctx.nextSequence(),
            List.of(new Command.PartitionTarget("t", 0, before.replicas())), true));

        assertThat(((Response.PerItem)result.response()).results().get("t-0").error()).isEqualTo(ErrorCode.NONE);
        assertThat(result.records()).hasSize(1).allMatch(r -> r instanceof MetadataRecord.ClientSequenceRecorded);
    }

    @Test
    void shouldFinishAShrinkAtOnceWhenTheRemainingReplicaIsInSync()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 3);
        final PartitionInfo before = ctx.partition("t", 0);
        final int keep = before.replicas().get(2);

        move("t", 0, List.of(keep));

        final PartitionInfo done = ctx.partition("t", 0);
        assertThat(done.isReassigning()).isFalse();
        assertThat(done.replicas()).containsExactly(keep);
        assertThat(done.isr()).containsExactly(keep);
        assertThat(done.leader()).isEqualTo(keep);
    }

    @Test
    void shouldHandLeadershipToAnInSyncTargetReplicaWhenTheLeaderIsRemoved()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo before = ctx.partition("t", 0);
        final int newcomer = others(before, 3).get(0);
        final int follower = before.replicas().stream().filter(r -> r != before.leader()).findFirst().orElseThrow();
        // The follower falls out of the ISR; the move keeps only it and the newcomer.
        ctx.alterIsr("t", 0, List.of(before.leader()));

        move("t", 0, Arrays.asList(follower, newcomer));
        ctx.alterIsr("t", 0, List.of(before.leader(), newcomer));

        final PartitionInfo waiting = ctx.partition("t", 0);
        assertThat(waiting.isReassigning()).as("the follower is behind, but the newcomer is in sync and can lead").isFalse();
        assertThat(waiting.leader()).isEqualTo(newcomer);
        assertThat(waiting.replicas()).containsExactly(follower, newcomer);
    }

    @Test
    void shouldNotDropTheLeaderWhenNoTargetReplicaIsInSync()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo before = ctx.partition("t", 0);
        final int follower = before.replicas().stream().filter(r -> r != before.leader()).findFirst().orElseThrow();
        ctx.alterIsr("t", 0, List.of(before.leader()));

        move("t", 0, List.of(follower));

        final PartitionInfo waiting = ctx.partition("t", 0);
        assertThat(waiting.isReassigning()).isTrue();
        assertThat(waiting.leader()).isEqualTo(before.leader());
        ctx.alterIsr("t", 0, List.of(before.leader(), follower));
        final PartitionInfo done = ctx.partition("t", 0);
        assertThat(done.isReassigning()).isFalse();
        assertThat(done.replicas()).containsExactly(follower);
        assertThat(done.leader()).isEqualTo(follower);
    }

    @Test
    void shouldReplaceAMoveInProgressKeepingAddedReplicasThatStayInTheTarget()
    {
        withBrokers(4);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo before = ctx.partition("t", 0);
        final List<Integer> fresh = others(before, 4);
        move("t", 0, fresh);
        final List<Integer> withFirst = new ArrayList<>(before.isr());
        withFirst.add(fresh.get(0));
        ctx.alterIsr("t", 0, withFirst);

        // New target: the in-sync newcomer and one original replica. Nothing left to add: done at once.
        final List<Integer> target = List.of(fresh.get(0), before.replicas().get(0));
        assertThat(move("t", 0, target).error()).isEqualTo(ErrorCode.NONE);

        final PartitionInfo done = ctx.partition("t", 0);
        assertThat(done.isReassigning()).isFalse();
        assertThat(done.replicas()).isEqualTo(target);
        assertThat(done.isr()).containsExactlyInAnyOrderElementsOf(target);
    }

    @Test
    void shouldRefuseARebalanceWhileAnExplicitMoveIsInProgress()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 2);
        move("t", 0, others(ctx.partition("t", 0), 3));

        assertThat(ctx.deliver(new Command.Rebalance("admin", ctx.nextSequence())).response().error())
            .isEqualTo(ErrorCode.REASSIGNMENT_IN_PROGRESS);
    }
}
