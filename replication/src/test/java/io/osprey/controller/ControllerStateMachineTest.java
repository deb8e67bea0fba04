package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerStateMachineTest
{
    private final ControllerTestContext ctx = new ControllerTestContext();

    private void withBrokers(final int count)
    {
        for (int id = 0; id < count; id++)
        {
            ctx.withRegisteredBroker(id, "rack" + (id % 2));
        }
    }

    @Test
    void shouldRegisterBrokerWithLease()
    {
        final Response response = ctx.withRegisteredBroker(1, "a");

        assertThat(response.error()).isEqualTo(ErrorCode.NONE);
        final BrokerInfo broker = ctx.image().broker(1);
        assertThat(broker.fenced()).isFalse();
        assertThat(broker.leaseExpiryMs()).isEqualTo(ControllerTestContext.SESSION_TIMEOUT_MS);
        assertThat(broker.endpoints()).containsExactly("host1:9092");
    }

    @Test
    void shouldNotMutateStateInHandle()
    {
        final MetadataImage before = ctx.image();

        final ControllerResult result = ctx.controller.handle(new Command.RegisterBroker("b", 1, 1,
            ControllerTestContext.incarnation(1), List.of("h:1"), null), 0);

        assertThat(result.records()).isNotEmpty();
        assertThat(ctx.image()).isSameAs(before);
    }

    @Test
    void shouldRenewLeaseOnHeartbeat()
    {
        withBrokers(1);
        ctx.advanceTimeMs(900);

        ctx.heartbeat(0);
        final List<MetadataRecord> fenced = ctx.advanceTimeMs(900);

        assertThat(fenced).isEmpty();
        assertThat(ctx.image().broker(0).leaseExpiryMs()).isEqualTo(1_900);
    }

    @Test
    void shouldRejectHeartbeatFromUnknownIncarnation()
    {
        withBrokers(1);

        final Response response = ctx.deliver(new Command.BrokerHeartbeat("broker-0", ctx.nextSequence(), 0,
            new UUID(9, 9))).response();

        assertThat(response.error()).isEqualTo(ErrorCode.BROKER_NOT_AVAILABLE);
    }

    @Test
    void shouldFenceBrokerAndMoveLeadershipOnLeaseExpiry()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 3);
        final PartitionInfo before = ctx.partition("t", 0);
        final int oldLeader = before.leader();
        ctx.nowMs += 500;
        for (int id = 0; id < 3; id++)
        {
            if (id != oldLeader)
            {
                ctx.heartbeat(id);
            }
        }

        ctx.advanceTimeMs(600);

        final PartitionInfo after = ctx.partition("t", 0);
        assertThat(ctx.image().broker(oldLeader).fenced()).isTrue();
        assertThat(after.leader()).isNotEqualTo(oldLeader).isNotEqualTo(PartitionInfo.NO_LEADER);
        assertThat(after.isr()).doesNotContain(oldLeader).contains(after.leader());
        assertThat(after.leaderEpoch()).isEqualTo(before.leaderEpoch() + 1);
    }

    @Test
    void shouldRenewEveryLiveLeaseWhenANewLeadershipTermStarts()
    {
        withBrokers(3);
        ctx.createTopic("t", 3, 1);
        ctx.nowMs += 600;
        ctx.heartbeat(0);
        ctx.heartbeat(1);
        ctx.advanceTimeMs(400);
        assertThat(ctx.image().broker(2).fenced()).isTrue();
        final MetadataImage before = ctx.image();
        // The leader dies with brokers 0 and 1 at lease expiry 1600; the new one takes over at 2500,
        // past those leases, without any timer having fired in between.
        ctx.nowMs = 2_500;

        final List<MetadataRecord> renewals = ctx.controller.onNewLeadershipTerm(ctx.nowMs);

        assertThat(ctx.image()).isSameAs(before);
        assertThat(renewals).containsExactly(new MetadataRecord.BrokerLeaseRenewed(0, 3_500),
            new MetadataRecord.BrokerLeaseRenewed(1, 3_500));
        ctx.commit(renewals);
        assertThat(ctx.controller.onTimer(ctx.nowMs)).isEmpty();
        assertThat(ctx.controller.nextDeadlineMs()).isEqualTo(3_500);
        assertThat(ctx.image().broker(2).fenced()).isTrue();
        assertThat(ctx.advanceTimeMs(999)).isEmpty();
        ctx.heartbeat(0);
        final List<MetadataRecord> fenced = ctx.advanceTimeMs(1);
        assertThat(fenced).contains(new MetadataRecord.BrokerFenced(1)).doesNotContain(new MetadataRecord.BrokerFenced(0));
    }

    @Test
    void shouldNeverShortenALeaseWhenANewLeadershipTermStarts()
    {
        withBrokers(2);
        ctx.nowMs = 500;
        ctx.heartbeat(1);

        // A term timestamp behind the last heartbeat (the new leader's clock lags): only broker 0 gains.
        final List<MetadataRecord> renewals = ctx.controller.onNewLeadershipTerm(300);

        assertThat(renewals).containsExactly(new MetadataRecord.BrokerLeaseRenewed(0, 1_300));
        assertThat(ctx.controller.onNewLeadershipTerm(0)).isEmpty();
    }

    @Test
    void shouldTakePartitionOfflineWhenLastIsrMemberDies()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final int leader = ctx.partition("t", 0).leader();
        ctx.alterIsr("t", 0, List.of(leader));

        ctx.advanceTimeMs(1_000);

        final PartitionInfo p = ctx.partition("t", 0);
        assertThat(p.leader()).isEqualTo(PartitionInfo.NO_LEADER);
        assertThat(p.isr()).containsExactly(leader);
    }

    @Test
    void shouldElectOutOfSyncReplicaOnlyWhenUncleanElectionEnabled()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2, Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "true"));
        final int leader = ctx.partition("t", 0).leader();
        final int follower = 1 - leader;
        ctx.alterIsr("t", 0, List.of(leader));
        ctx.nowMs += 500;
        ctx.heartbeat(follower);

        ctx.advanceTimeMs(500);

        final PartitionInfo p = ctx.partition("t", 0);
        assertThat(p.leader()).isEqualTo(follower);
        assertThat(p.isr()).containsExactly(follower);
    }

    @Test
    void shouldReturnLeadershipWhenOfflineIsrMemberComesBack()
    {
        withBrokers(1);
        ctx.createTopic("t", 1, 1);
        ctx.advanceTimeMs(1_000);
        assertThat(ctx.partition("t", 0).leader()).isEqualTo(PartitionInfo.NO_LEADER);

        ctx.heartbeat(0);

        assertThat(ctx.partition("t", 0).leader()).isEqualTo(0);
        assertThat(ctx.partition("t", 0).leaderEpoch()).isEqualTo(2);
    }

    @Test
    void shouldMoveLeadershipAwayOnControlledShutdown()
    {
        withBrokers(3);
        ctx.createTopic("t", 3, 2);

        final Response response = ctx.deliver(new Command.UnregisterBroker("broker-0", ctx.nextSequence(), 0)).response();

        assertThat(response.error()).isEqualTo(ErrorCode.NONE);
        assertThat(ctx.image().broker(0)).isNull();
        for (final PartitionInfo p : ctx.image().topic("t").partitions().values())
        {
            assertThat(p.leader()).isNotEqualTo(0);
            assertThat(p.isr()).doesNotContain(0);
        }
        final int fenceIndex = indexOf(MetadataRecord.BrokerFenced.class);
        assertThat(ctx.log.subList(0, fenceIndex)).anyMatch(r -> r instanceof MetadataRecord.PartitionChanged);
    }

    private int indexOf(final Class<?> type)
    {
        for (int i = 0; i < ctx.log.size(); i++)
        {
            if (type.isInstance(ctx.log.get(i)))
            {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldSpreadReplicasAndLeadersEvenlyOverBrokersAndRacks()
    {
        withBrokers(4);

        ctx.createTopic("t", 8, 2);

        final int[] replicas = new int[4];
        final int[] leaders = new int[4];
        for (final PartitionInfo p : ctx.image().topic("t").partitions().values())
        {
            assertThat(new HashSet<>(p.replicas())).hasSize(2);
            assertThat(p.replicas()).extracting(r -> r % 2).containsExactlyInAnyOrder(0, 1);
            p.replicas().forEach(r -> replicas[r]++);
            leaders[p.leader()]++;
        }
        assertThat(replicas).containsOnly(4);
        assertThat(leaders).containsOnly(2);
    }

    @Test
    void shouldValidateCreateTopics()
    {
        withBrokers(2);
        ctx.createTopic("exists", 1, 1);
        ctx.createTopic("orders.eu", 1, 1);

        final Response response = ctx.deliver(new Command.CreateTopics("admin", ctx.nextSequence(), List.of(
            new Command.NewTopic("bad/name", 1, 1, new TreeMap<>()),
            new Command.NewTopic("orders_eu", 1, 1, new TreeMap<>()),
            new Command.NewTopic("orders-eu", 1, 1, new TreeMap<>()),
            new Command.NewTopic("exists", 1, 1, new TreeMap<>()),
            new Command.NewTopic("zero", 0, 1, new TreeMap<>()),
            new Command.NewTopic("toowide", 1, 3, new TreeMap<>()),
            new Command.NewTopic("good", 2, 2, new TreeMap<>(Map.of("retention.ms", "1000")))))).response();

        final Map<String, Response.Simple> results = ((Response.PerItem)response).results();
        assertThat(results.get("bad/name").error()).isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);
        assertThat(results.get("exists").error()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
        assertThat(results.get("orders_eu").error()).as("'.' and '_' collide, as in Kafka").isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);
        assertThat(results.get("orders_eu").message()).isEqualTo("Topic 'orders_eu' collides with existing topic: orders.eu");
        assertThat(results.get("orders-eu").error()).isEqualTo(ErrorCode.NONE);
        assertThat(results.get("zero").error()).isEqualTo(ErrorCode.INVALID_PARTITIONS);
        assertThat(results.get("toowide").error()).isEqualTo(ErrorCode.INVALID_REPLICATION_FACTOR);
        assertThat(results.get("good").error()).isEqualTo(ErrorCode.NONE);
        assertThat(ctx.image().topic("good").configs()).containsEntry("retention.ms", "1000");
        assertThat(ctx.image().topic("good").id()).isNotEqualTo(ctx.image().topic("exists").id());
    }

    @Test
    void shouldDeleteTopics()
    {
        withBrokers(1);
        ctx.createTopic("t", 1, 1);

        final Response response = ctx.deliver(new Command.DeleteTopics("admin", ctx.nextSequence(), List.of("t", "nope")))
            .response();

        assertThat(ctx.image().topic("t")).isNull();
        assertThat(((Response.PerItem)response).results().get("nope").error()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void shouldCreatePartitionsWithTheTopicsReplicationFactor()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 2);

        final Response grown = ctx.deliver(new Command.CreatePartitions("admin", ctx.nextSequence(), "t", 3)).response();
        final Response shrunk = ctx.deliver(new Command.CreatePartitions("admin", ctx.nextSequence(), "t", 2)).response();

        assertThat(grown.error()).isEqualTo(ErrorCode.NONE);
        assertThat(shrunk.error()).isEqualTo(ErrorCode.INVALID_PARTITIONS);
        assertThat(ctx.image().topic("t").partitions()).hasSize(3);
        assertThat(ctx.partition("t", 2).replicas()).hasSize(2);
    }

    @Test
    void shouldShrinkIsrWhenLeaderProposes()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 3);
        final PartitionInfo before = ctx.partition("t", 0);

        final Response response = ctx.alterIsr("t", 0, List.of(before.leader()));

        assertThat(response.error()).isEqualTo(ErrorCode.NONE);
        final PartitionInfo after = ctx.partition("t", 0);
        assertThat(after.isr()).containsExactly(before.leader());
        assertThat(after.partitionEpoch()).isEqualTo(before.partitionEpoch() + 1);
        assertThat(after.leaderEpoch()).isEqualTo(before.leaderEpoch());
    }

    @Test
    void shouldRejectStaleOrForeignIsrChanges()
    {
        withBrokers(3);
        ctx.createTopic("t", 1, 3);
        final PartitionInfo p = ctx.partition("t", 0);
        final int follower = p.replicas().stream().filter(r -> r != p.leader()).findFirst().orElseThrow();
        ctx.alterIsr("t", 0, List.of(p.leader(), follower));

        final Response stalePartitionEpoch = alter(p.leader(), p.leaderEpoch(), p.partitionEpoch(), List.of(p.leader()));
        final Response staleLeaderEpoch = alter(p.leader(), p.leaderEpoch() - 1, p.partitionEpoch() + 1, List.of(p.leader()));
        final Response notLeader = alter(follower, p.leaderEpoch(), p.partitionEpoch() + 1, List.of(follower));
        final Response withoutLeader = alter(p.leader(), p.leaderEpoch(), p.partitionEpoch() + 1, List.of(follower));

        assertThat(stalePartitionEpoch.error()).isEqualTo(PartitionCommands.STALE_PARTITION_EPOCH);
        assertThat(staleLeaderEpoch.error()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
        assertThat(notLeader.error()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertThat(withoutLeader.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(ctx.partition("t", 0).partitionEpoch()).isEqualTo(p.partitionEpoch() + 1);
    }

    private Response alter(final int broker, final int leaderEpoch, final int partitionEpoch, final List<Integer> isr)
    {
        return ctx.deliver(new Command.AlterPartition("broker-" + broker, ctx.nextSequence(), broker, "t", 0, leaderEpoch,
            partitionEpoch, isr, ctx.brokerEpochs(isr))).response();
    }

    /** Two brokers, one partition with both as replicas, the follower shrunk out of the ISR. */
    private int[] leaderAndFollowerOutOfIsr()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final int leader = ctx.partition("t", 0).leader();
        assertThat(ctx.alterIsr("t", 0, List.of(leader)).error()).isEqualTo(ErrorCode.NONE);
        return new int[] {leader, 1 - leader};
    }

    private void restart(final int broker, final UUID newIncarnation)
    {
        final Response r = ctx.deliver(new Command.RegisterBroker("broker-" + broker + "-" + newIncarnation, 1, broker,
            newIncarnation, List.of("host" + broker + ":9092"), "rack" + broker)).response();
        assertThat(r.error()).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void shouldRefuseAddingAMemberWhoseBrokerEpochIsStale()
    {
        final int[] lf = leaderAndFollowerOutOfIsr();
        final long seenEpoch = ctx.image().broker(lf[1]).brokerEpoch();
        restart(lf[1], new UUID(lf[1], 2));
        final PartitionInfo before = ctx.partition("t", 0);

        final Response response = ctx.alterIsr("t", 0, List.of(lf[0], lf[1]),
            List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, seenEpoch));

        assertThat(response.error()).isEqualTo(ErrorCode.INELIGIBLE_REPLICA);
        assertThat(((Response.PartitionState)response).message()).contains("broker epoch " + seenEpoch);
        assertThat(ctx.partition("t", 0)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAddingAFencedMember()
    {
        final int[] lf = leaderAndFollowerOutOfIsr();
        final long epoch = ctx.image().broker(lf[1]).brokerEpoch();
        ctx.nowMs += 500;
        ctx.heartbeat(lf[0]);
        ctx.advanceTimeMs(600);
        assertThat(ctx.image().broker(lf[1]).fenced()).isTrue();

        final Response response = ctx.alterIsr("t", 0, List.of(lf[0], lf[1]), List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, epoch));

        assertThat(response.error()).isEqualTo(ErrorCode.INELIGIBLE_REPLICA);
        assertThat(ctx.partition("t", 0).isr()).containsExactly(lf[0]);
    }

    @Test
    void shouldRefuseAddingAMemberThatIsNotRegistered()
    {
        final int[] lf = leaderAndFollowerOutOfIsr();
        ctx.deliver(new Command.UnregisterBroker("admin", ctx.nextSequence(), lf[1]));
        assertThat(ctx.image().broker(lf[1])).isNull();
        assertThat(ctx.partition("t", 0).replicas()).contains(lf[1]);

        final Response unknownEpoch = ctx.alterIsr("t", 0, List.of(lf[0], lf[1]),
            List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, Command.AlterPartition.UNKNOWN_BROKER_EPOCH));

        assertThat(unknownEpoch.error()).isEqualTo(ErrorCode.INELIGIBLE_REPLICA);
        assertThat(((Response.PartitionState)unknownEpoch).message()).contains("not registered");
        assertThat(ctx.partition("t", 0).isr()).containsExactly(lf[0]);
    }

    @Test
    void shouldAddMembersAtTheirCurrentBrokerEpochs()
    {
        final int[] lf = leaderAndFollowerOutOfIsr();
        final UUID restarted = new UUID(lf[1], 2);
        restart(lf[1], restarted);

        final Response response = ctx.alterIsr("t", 0, List.of(lf[0], lf[1]),
            List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, BrokerInfo.brokerEpochOf(restarted)));

        assertThat(response.error()).isEqualTo(ErrorCode.NONE);
        assertThat(ctx.partition("t", 0).isr()).containsExactly(lf[0], lf[1]);
    }

    @Test
    void shouldCheckBrokerEpochsOnlyOfMembersItAdds()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo p = ctx.partition("t", 0);

        // Both already in the ISR: a wrong epoch for the follower is not looked at (a restart would have removed it).
        final Response response = ctx.alterIsr("t", 0, p.isr(), List.of(12345L, 67890L));

        assertThat(response.error()).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void shouldAnswerAResendOfAnAcceptedAdditionWithItsAcceptance()
    {
        final int[] lf = leaderAndFollowerOutOfIsr();
        final long epoch = ctx.image().broker(lf[1]).brokerEpoch();
        final PartitionInfo p = ctx.partition("t", 0);
        final Command.AlterPartition expand = new Command.AlterPartition("alter-" + lf[0], 7, lf[0], "t", 0, p.leaderEpoch(),
            p.partitionEpoch(), List.of(lf[0], lf[1]), List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, epoch));
        final ControllerResult accepted = ctx.deliver(expand);
        assertThat(accepted.response().error()).isEqualTo(ErrorCode.NONE);
        // The new member restarts before the leader hears the answer: the proposal's epoch is now stale.
        restart(lf[1], new UUID(lf[1], 2));

        final ControllerResult resend = ctx.deliver(expand);
        final ControllerResult fresh = ctx.deliver(new Command.AlterPartition("alter-" + lf[0], 8, lf[0], "t", 0,
            ctx.partition("t", 0).leaderEpoch(), ctx.partition("t", 0).partitionEpoch(), List.of(lf[0], lf[1]),
            List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, epoch)));

        assertThat(resend.records()).isEmpty();
        assertThat(resend.response()).isEqualTo(accepted.response());
        assertThat(resend.response().error()).isEqualTo(ErrorCode.NONE);
        assertThat(fresh.response().error()).isEqualTo(ErrorCode.INELIGIBLE_REPLICA);
    }

    @Test
    void shouldRefuseBrokerEpochsThatDoNotMatchTheIsr()
    {
        final int[] lf = leaderAndFollowerOutOfIsr();

        final Response response = ctx.alterIsr("t", 0, List.of(lf[0], lf[1]), List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH));

        assertThat(response.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void shouldRejectIsrChangeFromFencedLeader()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo p = ctx.partition("t", 0);
        ctx.nowMs += 500;
        ctx.heartbeat(1 - p.leader());
        ctx.advanceTimeMs(600);

        final Response response = alter(p.leader(), p.leaderEpoch(), p.partitionEpoch(), List.of(p.leader()));

        assertThat(response.error()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
    }

    @Test
    void shouldElectPreferredLeader()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final PartitionInfo p = ctx.partition("t", 0);
        final int preferred = p.replicas().get(0);
        ctx.nowMs += 500;
        ctx.heartbeat(1 - preferred);
        ctx.advanceTimeMs(600);
        ctx.heartbeat(preferred);
        ctx.alterIsr("t", 0, List.of(1 - preferred, preferred));
        assertThat(ctx.partition("t", 0).leader()).isEqualTo(1 - preferred);

        final Response response = ctx.electPreferred(new TopicPartition("t", 0));
        final Response again = ctx.electPreferred(new TopicPartition("t", 0));

        assertThat(((Response.PerItem)response).results().get("t-0").error()).isEqualTo(ErrorCode.NONE);
        assertThat(((Response.PerItem)again).results().get("t-0").error()).isEqualTo(ErrorCode.ELECTION_NOT_NEEDED);
        assertThat(ctx.partition("t", 0).leader()).isEqualTo(preferred);
    }

    @Test
    void shouldAllocateConsecutiveProducerIdBlocks()
    {
        withBrokers(1);

        final Response first = ctx.deliver(new Command.AllocateProducerIds("broker-0", ctx.nextSequence(), 0)).response();
        final Response second = ctx.deliver(new Command.AllocateProducerIds("broker-0", ctx.nextSequence(), 0)).response();

        assertThat(((Response.ProducerIds)first).firstProducerId()).isZero();
        assertThat(((Response.ProducerIds)second).firstProducerId()).isEqualTo(ControllerLimits.PRODUCER_ID_BLOCK_SIZE);
        assertThat(ctx.image().nextProducerId()).isEqualTo(2L * ControllerLimits.PRODUCER_ID_BLOCK_SIZE);
    }

    @Test
    void shouldAlterConfigsAndElectUncleanlyWhenEnabled()
    {
        withBrokers(2);
        ctx.createTopic("t", 1, 2);
        final int leader = ctx.partition("t", 0).leader();
        ctx.alterIsr("t", 0, List.of(leader));
        ctx.nowMs += 500;
        ctx.heartbeat(1 - leader);
        ctx.advanceTimeMs(600);
        assertThat(ctx.partition("t", 0).leader()).isEqualTo(PartitionInfo.NO_LEADER);

        ctx.deliver(new Command.AlterConfigs("admin", ctx.nextSequence(), "t",
            new TreeMap<>(Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "true")), List.of()));

        assertThat(ctx.image().topic("t").configs()).containsEntry(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "true");
        assertThat(ctx.partition("t", 0).leader()).isEqualTo(1 - leader);
    }

    @Test
    void shouldAnswerResendFromDedupTableWithoutRecords()
    {
        withBrokers(1);
        final Command cmd = new Command.AllocateProducerIds("broker-0", 100, 0);
        final ControllerResult first = ctx.deliver(cmd);

        final ControllerResult resend = ctx.deliver(cmd);
        final ControllerResult older = ctx.deliver(new Command.AllocateProducerIds("broker-0", 99, 0));

        assertThat(resend.records()).isEmpty();
        assertThat(resend.response()).isEqualTo(first.response());
        assertThat(older.response().error()).isEqualTo(ErrorCode.DUPLICATE_SEQUENCE_NUMBER);
        assertThat(ctx.image().nextProducerId()).isEqualTo(ControllerLimits.PRODUCER_ID_BLOCK_SIZE);
    }

    @Test
    void shouldRebuildDedupTableOnStandbyReplay()
    {
        withBrokers(1);
        final Command cmd = new Command.AllocateProducerIds("broker-0", 100, 0);
        final ControllerResult first = ctx.deliver(cmd);
        final ControllerStateMachine standby = new ControllerStateMachine(new ControllerConfig(1_000, false));
        for (int i = 0; i < ctx.log.size(); i++)
        {
            standby.replay(ctx.log.get(i), i);
        }

        final ControllerResult resend = standby.handle(cmd, ctx.nowMs);

        assertThat(standby.image()).isEqualTo(ctx.image());
        assertThat(resend.records()).isEmpty();
        assertThat(resend.response()).isEqualTo(first.response());
    }

    @Test
    void shouldMoveReplicasOnRebalanceAndDropOldOnlyAfterCatchUp()
    {
        withBrokers(2);
        ctx.createTopic("t", 4, 2);
        ctx.withRegisteredBroker(2, "rack0");
        ctx.withRegisteredBroker(3, "rack1");

        final Response response = ctx.deliver(new Command.Rebalance("admin", ctx.nextSequence())).response();

        assertThat(((Response.Reassignment)response).replicaMoves()).isEqualTo(4);
        final Response again = ctx.deliver(new Command.Rebalance("admin", ctx.nextSequence())).response();
        assertThat(again.error()).isEqualTo(ErrorCode.REASSIGNMENT_IN_PROGRESS);
        for (int p = 0; p < 4; p++)
        {
            final PartitionInfo moving = ctx.partition("t", p);
            if (!moving.isReassigning())
            {
                continue;
            }
            assertThat(moving.replicas()).containsAll(moving.removing()).containsAll(moving.adding());
            ctx.alterIsr("t", p, moving.replicas());
            final PartitionInfo done = ctx.partition("t", p);
            assertThat(done.isReassigning()).isFalse();
            assertThat(done.replicas()).hasSize(2).doesNotContainAnyElementsOf(moving.removing());
            assertThat(done.isr()).contains(done.leader());
        }
        final int[] load = new int[4];
        ctx.image().topic("t").partitions().values().forEach(p -> p.replicas().forEach(r -> load[r]++));
        assertThat(load).containsOnly(2);
    }
}
