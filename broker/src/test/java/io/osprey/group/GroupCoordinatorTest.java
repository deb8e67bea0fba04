package io.osprey.group;

import static io.osprey.group.GroupFixture.GROUP;
import static io.osprey.group.GroupFixture.REBALANCE_MS;
import static io.osprey.group.GroupFixture.SESSION_MS;
import static io.osprey.group.GroupFixture.commitError;
import static io.osprey.group.GroupFixture.protocols;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.DescribeGroupsResponse;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.ListGroupsResponse;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;
import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;

/** The classic group state machine, driven by hand on a simulated clock. */
class GroupCoordinatorTest
{
    private final GroupFixture f = new GroupFixture();

    /** One member through MEMBER_ID_REQUIRED, join and sync: generation 1, Stable. */
    private JoinGroupResponse stableSingleMember()
    {
        final JoinGroupResponse joined = f.joinNew().get();
        f.syncAll(joined);
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.STABLE);
        return joined;
    }

    @Test
    void shouldRequireAMemberIdAndThenMakeTheOnlyMemberLeaderOfGenerationOne()
    {
        final GroupFixture.Pending<JoinGroupResponse> first = f.join("");
        assertThat(first.get().errorCode()).isEqualTo(ErrorCode.MEMBER_ID_REQUIRED.code);
        assertThat(first.get().memberId()).startsWith("client-");

        final JoinGroupResponse joined = f.join(first.get().memberId()).get();

        assertThat(joined.errorCode()).isEqualTo(ErrorCode.NONE.code);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(joined.memberId());
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).extracting(JoinGroupResponse.Member::memberId).containsExactly(joined.memberId());
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
    }

    @Test
    void shouldHandTheLeadersAssignmentToEveryMemberOnlyAfterItIsStored()
    {
        final JoinGroupResponse a = f.joinNew().get();
        final GroupFixture.Pending<JoinGroupResponse> bJoin = f.joinNew();
        final JoinGroupResponse aAgain = f.join(a.memberId()).get();
        final JoinGroupResponse b = bJoin.get();
        assertThat(aAgain.generationId()).isEqualTo(2).isEqualTo(b.generationId());
        f.autoFlush = false;

        final GroupFixture.Pending<SyncGroupResponse> follower = f.sync(b.memberId(), 2);
        final String leaderId = aAgain.leader();
        final GroupFixture.Pending<SyncGroupResponse> leader = f.sync(leaderId, 2, List.of(
            new io.osprey.protocol.message.SyncGroupRequest.Assignment(a.memberId(), bytes("for-a")),
            new io.osprey.protocol.message.SyncGroupRequest.Assignment(b.memberId(), bytes("for-b"))));

        assertThat(follower.done()).isFalse();
        assertThat(leader.done()).isFalse();
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
        f.flushLog();
        assertThat(new String(follower.get().assignment(), StandardCharsets.UTF_8)).isEqualTo("for-b");
        assertThat(new String(leader.get().assignment(), StandardCharsets.UTF_8)).isEqualTo("for-a");
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void shouldSignalARebalanceByHeartbeatAndFenceTheOldGeneration()
    {
        final JoinGroupResponse a = stableSingleMember();
        final GroupFixture.Pending<JoinGroupResponse> b = f.joinNew();
        assertThat(b.done()).isFalse();
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(f.heartbeat(a.memberId(), 1)).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);

        final JoinGroupResponse a2 = f.join(a.memberId()).get();

        assertThat(b.get().generationId()).isEqualTo(2);
        assertThat(a2.generationId()).isEqualTo(2);
        assertThat(f.heartbeat(a.memberId(), 1)).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(commitError(f.commit(a.memberId(), 1, "t", 0, 5))).isEqualTo(ErrorCode.ILLEGAL_GENERATION.code);
        assertThat(f.sync(a.memberId(), 1).get().errorCode()).isEqualTo(ErrorCode.ILLEGAL_GENERATION.code);
        assertThat(f.heartbeat("nobody", 2)).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldRemoveAMemberWhoseSessionExpiresAndRebalanceTheRest()
    {
        final JoinGroupResponse a = f.joinNew().get();
        final GroupFixture.Pending<JoinGroupResponse> bJoin = f.joinNew();
        final JoinGroupResponse a2 = f.join(a.memberId()).get();
        f.syncAll(a2, bJoin.get());
        assertThat(f.coordinator.memberIds(GROUP)).hasSize(2);

        for (int i = 0; i < 4; i++)
        {
            f.advance(SESSION_MS / 3);
            assertThat(f.heartbeat(a.memberId(), 2)).isIn(ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS);
        }

        assertThat(f.coordinator.memberIds(GROUP)).containsExactly(a.memberId());
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        final JoinGroupResponse a3 = f.join(a.memberId()).get();
        assertThat(a3.generationId()).isEqualTo(3);
        assertThat(a3.members()).hasSize(1);
    }

    @Test
    void shouldDropAMemberThatDoesNotRejoinWithinTheRebalanceTimeout()
    {
        final JoinGroupResponse a = f.joinNew().get();
        final GroupFixture.Pending<JoinGroupResponse> bJoin = f.joinNew();
        final JoinGroupResponse a2 = f.join(a.memberId()).get();
        final JoinGroupResponse b = bJoin.get();
        f.syncAll(a2, b);

        // The leader rejoins (as after a metadata change); b keeps heartbeating but never rejoins.
        final GroupFixture.Pending<JoinGroupResponse> a3 = f.join(a.memberId());
        assertThat(a3.done()).isFalse();
        for (int t = 0; t < REBALANCE_MS - SESSION_MS / 2; t += SESSION_MS / 2)
        {
            f.advance(SESSION_MS / 2);
            assertThat(f.heartbeat(b.memberId(), 2)).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        }
        assertThat(a3.done()).isFalse();
        f.advance(SESSION_MS / 2);

        assertThat(a3.get().generationId()).isEqualTo(3);
        assertThat(a3.get().members()).extracting(JoinGroupResponse.Member::memberId).containsExactly(a.memberId());
        assertThat(f.heartbeat(b.memberId(), 2)).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldLetAStaticMemberRejoinWithoutARebalanceAndFenceItsOldId()
    {
        final JoinGroupResponse leader = f.joinNew().get();
        final GroupFixture.Pending<JoinGroupResponse> staticJoin = f.join("", "instance-1", protocols("range"));
        final JoinGroupResponse leader2 = f.join(leader.memberId()).get();
        final JoinGroupResponse s = staticJoin.get();
        assertThat(s.errorCode()).isEqualTo(ErrorCode.NONE.code);
        f.syncAll(leader2, s);
        final int generation = f.coordinator.generation(GROUP);

        // Restarted static member: same instance id, no member id.
        final JoinGroupResponse again = f.join("", "instance-1", protocols("range")).get();

        assertThat(again.errorCode()).isEqualTo(ErrorCode.NONE.code);
        assertThat(again.memberId()).isNotEqualTo(s.memberId());
        assertThat(again.generationId()).isEqualTo(generation);
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(new String(f.sync(again.memberId(), generation).get().assignment(), StandardCharsets.UTF_8))
            .isEqualTo("a-" + s.memberId());
        assertThat(f.heartbeat(s.memberId(), "instance-1", generation)).isEqualTo(ErrorCode.FENCED_INSTANCE_ID);
        assertThat(f.heartbeat(again.memberId(), "instance-1", generation)).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void shouldKeepAStaticMemberThatMissesARebalance()
    {
        final GroupFixture.Pending<JoinGroupResponse> s = f.join("", "instance-1", protocols("range"));
        final JoinGroupResponse s1 = s.get();
        f.syncAll(s1);
        final GroupFixture.Pending<JoinGroupResponse> d = f.joinNew();
        assertThat(d.done()).as("waits for the static member to rejoin").isFalse();
        for (int t = 0; t < REBALANCE_MS; t += SESSION_MS / 2)
        {
            // Alive (heartbeating) but not rejoining, like a static member stuck in processing.
            f.heartbeat(s1.memberId(), "instance-1", 1);
            f.advance(SESSION_MS / 2);
        }
        assertThat(d.get().generationId()).isEqualTo(2);
        assertThat(d.get().members()).hasSize(2);
        assertThat(f.coordinator.memberIds(GROUP)).contains(s1.memberId());
    }

    @Test
    void shouldEmptyTheGroupWhenTheLastMemberLeaves()
    {
        final JoinGroupResponse a = stableSingleMember();
        final int appendsBefore = f.appended.size();

        assertThat(f.leave(a.memberId())).isEqualTo(ErrorCode.NONE.code);

        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.EMPTY);
        assertThat(f.coordinator.generation(GROUP)).isEqualTo(2);
        assertThat(f.appended).hasSize(appendsBefore + 1);
        assertThat(f.leave(a.memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID.code);
    }

    @Test
    void shouldAnswerACommitOnlyAfterItsRecordsAreAppended()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.autoFlush = false;

        final GroupFixture.Pending<OffsetCommitResponse> commit = f.commit(a.memberId(), 1, "t", 0, 42);

        assertThat(commit.done()).isFalse();
        assertThat(f.committed("t", 0)).isEqualTo(-1);
        f.flushLog();
        assertThat(commitError(commit)).isEqualTo(ErrorCode.NONE.code);
        assertThat(f.committed("t", 0)).isEqualTo(42);
    }

    @Test
    void shouldMapAFailedAppendToACoordinatorError()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.nextAppendError = ErrorCode.KAFKA_STORAGE_ERROR;

        assertThat(commitError(f.commit(a.memberId(), 1, "t", 0, 42))).isEqualTo(ErrorCode.NOT_COORDINATOR.code);
        assertThat(f.committed("t", 0)).isEqualTo(-1);
    }

    @Test
    void shouldAcceptSimpleCommitsOnlyWhileTheGroupIsEmpty()
    {
        assertThat(commitError(f.commit("", -1, "t", 0, 7))).isEqualTo(ErrorCode.NONE.code);
        assertThat(f.committed("t", 0)).isEqualTo(7);
        final JoinGroupResponse a = f.joinNew().get();

        assertThat(commitError(f.commit("", -1, "t", 0, 8))).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID.code);
        assertThat(commitError(f.commit(a.memberId(), 1, "t", 0, 8))).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS.code);
        assertThat(commitError(f.commit(a.memberId(), 1, "missing-topic", 0, 8))).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS.code);
        f.syncAll(a);
        assertThat(commitError(f.commit(a.memberId(), 1, "missing-topic", 0, 8))).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
        assertThat(commitError(f.commit(a.memberId(), 1, "t", 0, 9))).isEqualTo(ErrorCode.NONE.code);
        assertThat(f.committed("t", 0)).isEqualTo(9);
        assertThat(commitError(f.commit("", 5, "t", 0, 9))).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID.code);
    }

    @Test
    void shouldRefuseACommitWithAGenerationToAnUnknownGroup()
    {
        assertThat(commitError(f.commit("someone", 3, "t", 0, 1))).isEqualTo(ErrorCode.ILLEGAL_GENERATION.code);
        assertThat(f.coordinator.groupState(GROUP)).isNull();
    }

    @Test
    void shouldFetchMinusOneForUncommittedPartitionsAndEverythingForNullTopics()
    {
        f.commit("", -1, "t", 1, 11);
        f.commit("", -1, "u", 0, 12);

        final OffsetFetchResponse.Group some = f.coordinator.fetchOffsets(GROUP,
            List.of(new OffsetFetchRequest.Topic("t", List.of(0, 1))));
        assertThat(some.topics().get(0).partitions()).extracting(OffsetFetchResponse.Partition::committedOffset)
            .containsExactly(-1L, 11L);
        final OffsetFetchResponse.Group all = f.coordinator.fetchOffsets(GROUP, null);
        assertThat(all.topics()).extracting(OffsetFetchResponse.Topic::name).containsExactly("t", "u");
        assertThat(f.coordinator.fetchOffsets("other", null).topics()).isEmpty();
    }

    @Test
    void shouldDeleteOnlyEmptyGroups()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.commit(a.memberId(), 1, "t", 0, 3);

        assertThat(f.delete(GROUP).get().results().get(0).errorCode()).isEqualTo(ErrorCode.NON_EMPTY_GROUP.code);
        f.leave(a.memberId());
        final int before = f.appended.size();
        assertThat(f.delete(GROUP, "unknown").get().results()).extracting(r -> r.errorCode())
            .containsExactly(ErrorCode.NONE.code, ErrorCode.GROUP_ID_NOT_FOUND.code);

        assertThat(f.coordinator.groupState(GROUP)).isNull();
        final List<OffsetsRecord> tombstones = f.appended.get(before).records();
        assertThat(tombstones).allMatch(OffsetsRecord::isTombstone).hasSize(2);
        assertThat(f.restarted().groupState(GROUP)).isNull();
    }

    @Test
    void shouldRefuseSessionTimeoutsOutsideTheConfiguredRange()
    {
        final GroupFixture.Pending<JoinGroupResponse> p = new GroupFixture.Pending<>();
        f.coordinator.joinGroup(new JoinGroupRequest(GROUP, 400_000, 1000, "", null, "consumer", protocols("range"), null),
            true, "c", "/h", f.nowMs, p::accept);
        assertThat(p.get().errorCode()).isEqualTo(ErrorCode.INVALID_SESSION_TIMEOUT.code);
    }

    @Test
    void shouldRefuseAMemberWithoutACommonProtocol()
    {
        stableSingleMember();
        final GroupFixture.Pending<JoinGroupResponse> p = f.join("", null, protocols("roundrobin"));
        assertThat(p.get().errorCode()).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL.code);
    }

    @Test
    void shouldChooseTheProtocolMostMembersPrefer()
    {
        final JoinGroupResponse a = f.join("", "i1", protocols("range", "sticky")).get();
        f.syncAll(a);
        final GroupFixture.Pending<JoinGroupResponse> b = f.join("", "i2", protocols("sticky", "range"));
        final GroupFixture.Pending<JoinGroupResponse> c = f.join("", "i3", protocols("sticky", "range"));
        f.join(a.memberId(), "i1", protocols("range", "sticky"));
        assertThat(b.get().protocolName()).isEqualTo("sticky");
        assertThat(c.get().protocolName()).isEqualTo("sticky");
    }

    @Test
    void shouldWaitTheInitialRebalanceDelayWhileMembersKeepArriving()
    {
        final GroupFixture g = new GroupFixture(3_000);
        final GroupFixture.Pending<JoinGroupResponse> a = g.joinNew();
        g.advance(2_000);
        final GroupFixture.Pending<JoinGroupResponse> b = g.joinNew();
        g.advance(1_000);
        assertThat(a.done()).isFalse();
        assertThat(b.done()).isFalse();
        g.advance(3_000);
        assertThat(a.get().generationId()).isEqualTo(1);
        assertThat(b.get().generationId()).isEqualTo(1);
        assertThat(a.get().leader()).isEqualTo(b.get().leader());
    }

    @Test
    void shouldAnswerNotCoordinatorForPartitionsItDoesNotLeadAndLoadInProgressWhileLoading()
    {
        final GroupCoordinator loading = new GroupCoordinator(f.config, (p, r, n, d) -> d.accept(ErrorCode.NONE), tp -> true);
        final HeartbeatRequest heartbeat = new HeartbeatRequest(GROUP, 1, "m", null);
        final int p = GroupCoordinator.partitionFor(GROUP, 4);
        assertThat(loading.heartbeat(heartbeat, 0)).isEqualTo(ErrorCode.COORDINATOR_NOT_AVAILABLE);

        loading.onTopicReady(4);
        assertThat(loading.heartbeat(heartbeat, 0)).as("not led here").isEqualTo(ErrorCode.NOT_COORDINATOR);
        assertThat(loading.listGroups(List.of(), List.of()).errorCode()).isEqualTo(ErrorCode.NONE.code);

        loading.onPartitionLoading(p);
        assertThat(loading.heartbeat(heartbeat, 0)).as("answered blindly while loading, as Kafka").isEqualTo(ErrorCode.NONE);
        assertThat(loading.listGroups(List.of(), List.of()).errorCode()).isEqualTo(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code);
        loading.onPartitionLoaded(p, new LoadedPartition(), 0);
        assertThat(loading.heartbeat(heartbeat, 0)).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(loading.listGroups(List.of(), List.of()).errorCode()).isEqualTo(ErrorCode.NONE.code);

        loading.onPartitionUnloaded(p, 0);
        loading.onPartitionLoading(p);
        loading.onPartitionLoadFailed(p);
        assertThat(loading.heartbeat(heartbeat, 0)).as("a partition that failed to load").isEqualTo(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        assertThat(loading.listGroups(List.of(), List.of()).errorCode()).isEqualTo(ErrorCode.NONE.code);
    }

    @Test
    void shouldDropTheGroupsOfAPartitionItNoLongerLeadsAndServeThemAgainOnceReloaded()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.commit(a.memberId(), 1, "t", 0, 9);
        final GroupFixture.Pending<JoinGroupResponse> b = f.joinNew();
        assertThat(b.done()).isFalse();
        final int p = GroupCoordinator.partitionFor(GROUP, 4);
        final int appends = f.appended.size();

        assertThat(f.coordinator.onPartitionUnloaded(p, f.nowMs)).isEqualTo(1);

        assertThat(b.get().errorCode()).isEqualTo(ErrorCode.NOT_COORDINATOR.code);
        assertThat(f.coordinator.groupState(GROUP)).isNull();
        assertThat(f.heartbeat(a.memberId(), 1)).isEqualTo(ErrorCode.NOT_COORDINATOR);
        assertThat(commitError(f.commit(a.memberId(), 1, "t", 0, 10))).isEqualTo(ErrorCode.NOT_COORDINATOR.code);
        f.advance(REBALANCE_MS * 2);
        assertThat(f.appended).as("the dropped group's timers are gone").hasSize(appends);

        f.coordinator.onPartitionLoading(p);
        assertThat(f.heartbeat(a.memberId(), 1)).as("answered blindly while loading, as Kafka").isEqualTo(ErrorCode.NONE);
        assertThat(commitError(f.commit(a.memberId(), 1, "t", 0, 10))).isEqualTo(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code);
        final LoadedPartition loaded = new LoadedPartition();
        for (final GroupFixture.Append append : f.appended)
        {
            if (append.partition() == p)
            {
                append.records().forEach(r -> loaded.replay(r.key(), r.value()));
            }
        }
        f.coordinator.onPartitionLoaded(p, loaded, f.nowMs);

        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(f.heartbeat(a.memberId(), 1)).isEqualTo(ErrorCode.NONE);
        assertThat(f.committed("t", 0)).isEqualTo(9);
    }

    @Test
    void shouldRestoreGroupsAndOffsetsFromTheRecordsItWrote()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.commit(a.memberId(), 1, "t", 0, 100);
        f.commit(a.memberId(), 1, "t", 0, 200);
        f.commit(a.memberId(), 1, "t", 3, 300);

        final GroupCoordinator restarted = f.restarted();

        assertThat(restarted.groupState(GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(restarted.generation(GROUP)).isEqualTo(1);
        assertThat(restarted.memberIds(GROUP)).containsExactly(a.memberId());
        assertThat(restarted.committed(GROUP, new TopicPartition("t", 0)).offset()).isEqualTo(200);
        assertThat(restarted.committed(GROUP, new TopicPartition("t", 3)).offset()).isEqualTo(300);
        assertThat(restarted.heartbeat(new io.osprey.protocol.message.HeartbeatRequest(GROUP, 1, a.memberId(), null), f.nowMs))
            .isEqualTo(ErrorCode.NONE);
        final DescribeGroupsResponse.DescribedGroup described = restarted.describeGroup(GROUP);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(new String(described.members().get(0).memberAssignment(), StandardCharsets.UTF_8)).isEqualTo("a-" + a.memberId());
    }

    @Test
    void shouldExpireOffsetsOfAnEmptyGroupAfterTheRetentionAndThenTheGroup()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.commit(a.memberId(), 1, "t", 0, 5);
        f.leave(a.memberId());

        assertThat(f.coordinator.expireOffsets(f.nowMs + f.config.offsetsRetentionMs() - 1)).isZero();
        assertThat(f.coordinator.expireOffsets(f.nowMs + f.config.offsetsRetentionMs())).isEqualTo(1);

        assertThat(f.coordinator.groupState(GROUP)).isNull();
        assertThat(f.restarted().groupState(GROUP)).isNull();
    }

    @Test
    void shouldListAndDescribeGroupsWithKafkasStateNames()
    {
        final JoinGroupResponse a = stableSingleMember();
        f.commit("", -1, "t", 0, 1);

        final ListGroupsResponse all = f.coordinator.listGroups(List.of(), List.of());
        assertThat(all.groups()).extracting(ListGroupsResponse.ListedGroup::groupState).containsExactly("Stable");
        assertThat(f.coordinator.listGroups(List.of("empty"), List.of()).groups()).isEmpty();
        assertThat(f.coordinator.listGroups(List.of("STABLE"), List.of("Classic")).groups()).hasSize(1);
        assertThat(f.coordinator.listGroups(List.of(), List.of("consumer")).groups()).isEmpty();
        final DescribeGroupsResponse.DescribedGroup d = f.coordinator.describeGroup(GROUP);
        assertThat(d.protocolType()).isEqualTo("consumer");
        assertThat(d.protocolData()).isEqualTo("range");
        assertThat(d.members().get(0).memberId()).isEqualTo(a.memberId());
        assertThat(d.members().get(0).clientHost()).isEqualTo("/127.0.0.1");
        assertThat(f.coordinator.describeGroup("nope").groupState()).isEqualTo("Dead");
    }

    @Test
    void shouldLeaveAPendingMemberAndLetTheJoinComplete()
    {
        final JoinGroupResponse a = stableSingleMember();
        final JoinGroupResponse required = f.join("").get();
        final GroupFixture.Pending<JoinGroupResponse> a2 = f.join(a.memberId());
        // The pending member never comes back: its session timeout releases the join phase.
        f.advance(SESSION_MS);
        assertThat(a2.get().generationId()).isEqualTo(2);
        assertThat(f.leave(required.memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID.code);
    }

    @Test
    void shouldKeepTheOldMemberIdWhenTheRejoinOfAStaticMemberCannotBeStored()
    {
        final JoinGroupResponse leader = f.joinNew().get();
        final GroupFixture.Pending<JoinGroupResponse> staticJoin = f.join("", "instance-1", protocols("range"));
        final JoinGroupResponse leader2 = f.join(leader.memberId()).get();
        final JoinGroupResponse s = staticJoin.get();
        f.syncAll(leader2, s);
        final int generation = f.coordinator.generation(GROUP);
        f.nextAppendError = ErrorCode.NOT_LEADER_OR_FOLLOWER;

        final JoinGroupResponse again = f.join("", "instance-1", protocols("range")).get();

        assertThat(again.errorCode()).isEqualTo(ErrorCode.NOT_COORDINATOR.code);
        f.nextAppendError = ErrorCode.NONE;
        assertThat(f.coordinator.memberIds(GROUP)).containsExactly(leader.memberId(), s.memberId());
        assertThat(f.heartbeat(s.memberId(), "instance-1", generation)).isEqualTo(ErrorCode.NONE);
        assertThat(f.coordinator.groupState(GROUP)).isEqualTo(GroupState.STABLE);
        // The old id's session is watched again: silent for a session timeout, it is removed.
        for (int i = 0; i < 3; i++)
        {
            f.advance(SESSION_MS / 2);
            f.heartbeat(leader.memberId(), generation);
        }
        assertThat(f.coordinator.memberIds(GROUP)).containsExactly(leader.memberId());
    }

    @Test
    void shouldNotExpireAnOffsetWhoseCommitIsInFlight()
    {
        assertThat(commitError(f.commit("", -1, "t", 0, 7))).isEqualTo(ErrorCode.NONE.code);
        f.nowMs += f.config.offsetsRetentionMs();
        f.autoFlush = false;
        final GroupFixture.Pending<OffsetCommitResponse> again = f.commit("", -1, "t", 0, 8);

        assertThat(f.coordinator.expireOffsets(f.nowMs)).isZero();

        f.flushLog();
        assertThat(commitError(again)).isEqualTo(ErrorCode.NONE.code);
        assertThat(f.committed("t", 0)).isEqualTo(8);
        assertThat(f.restarted().committed(GROUP, new TopicPartition("t", 0))).isNotNull()
            .extracting(CommittedOffset::offset).isEqualTo(8L);
    }

    @Test
    void shouldRefuseToDeleteAGroupWhileACommitIsInFlight()
    {
        f.autoFlush = false;
        final GroupFixture.Pending<OffsetCommitResponse> commit = f.commit("", -1, "t", 0, 7);

        assertThat(f.delete(GROUP).get().results().get(0).errorCode()).isEqualTo(ErrorCode.NON_EMPTY_GROUP.code);

        f.flushLog();
        assertThat(commitError(commit)).isEqualTo(ErrorCode.NONE.code);
        f.autoFlush = true;
        assertThat(f.delete(GROUP).get().results().get(0).errorCode()).isEqualTo(ErrorCode.NONE.code);
        assertThat(f.restarted().groupState(GROUP)).isNull();
    }

    @Test
    void shouldStoreAndFetchNullCommitMetadataAsEmpty()
    {
        final GroupFixture.Pending<OffsetCommitResponse> commit = new GroupFixture.Pending<>();
        f.coordinator.commitOffsets(new OffsetCommitRequest(GROUP, -1, "", null, -1, List.of(new OffsetCommitRequest.Topic("t",
            List.of(new OffsetCommitRequest.Partition(0, 5, -1, null))))), f.nowMs, commit::accept);

        assertThat(commitError(commit)).isEqualTo(ErrorCode.NONE.code);
        final byte[] value = f.appended.get(f.appended.size() - 1).records().get(0).value();
        // OffsetCommitValue v3: version int16, offset int64, leaderEpoch int32, then the metadata's int16 length.
        assertThat(ByteBuffer.wrap(value).getShort(14)).as("metadata length, -1 would be null").isZero();
        final OffsetFetchResponse.Partition fetched = f.coordinator.fetchOffsets(GROUP,
            List.of(new OffsetFetchRequest.Topic("t", List.of(0)))).topics().get(0).partitions().get(0);
        assertThat(fetched.metadata()).isEmpty();
        assertThat(f.restarted().committed(GROUP, new TopicPartition("t", 0)).metadata()).isEmpty();
    }

    @Test
    void shouldAnswerEveryWaitingRequestWhenAnAppendCompletionFails()
    {
        final JoinGroupResponse a = f.joinNew().get();
        final GroupFixture.Pending<JoinGroupResponse> bJoin = f.joinNew();
        final JoinGroupResponse a2 = f.join(a.memberId()).get();
        final JoinGroupResponse b = bJoin.get();
        assertThat(a2.leader()).isEqualTo(a.memberId());
        f.autoFlush = false;
        final GroupFixture.Pending<SyncGroupResponse> follower = f.sync(b.memberId(), 2);
        // Answering the leader fails (a bug, or a connection that throws): the follower must still get an answer.
        f.coordinator.syncGroup(new SyncGroupRequest(GROUP, 2, a.memberId(), null, "consumer", null, List.of(
            new SyncGroupRequest.Assignment(b.memberId(), bytes("for-b")))), f.nowMs, response ->
            {
                throw new IllegalStateException("the leader's connection is broken");
            });

        f.flushLog();

        assertThat(follower.get().errorCode()).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR.code);
    }

    @Test
    void shouldAnswerEveryWaitingRequestWhenATimerFails()
    {
        final GroupFixture g = new GroupFixture(3_000);
        final String aId = g.join("").get().memberId();
        g.coordinator.joinGroup(new JoinGroupRequest(GROUP, SESSION_MS, REBALANCE_MS, aId, null, "consumer", protocols("range"), null),
            true, "client", "/127.0.0.1", g.nowMs, response ->
            {
                throw new IllegalStateException("the first member's connection is broken");
            });
        final GroupFixture.Pending<JoinGroupResponse> b = g.joinNew();

        g.advance(3_000);
        g.advance(3_000);

        assertThat(b.get().errorCode()).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR.code);
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
