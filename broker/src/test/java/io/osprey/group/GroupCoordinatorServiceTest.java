package io.osprey.group;

import static io.osprey.group.GroupFixture.GROUP;
import static io.osprey.group.GroupFixture.REBALANCE_MS;
import static io.osprey.group.GroupFixture.SESSION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.TopicInfo;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.server.MetadataCache;
import io.osprey.server.PartitionManager;

/**
 * The coordinator thread's duty cycle, driven by hand ({@link GroupCoordinatorService#doWork}
 * on a simulated clock, the agent thread never started): no partition manager is needed while
 * nothing is appended.
 */
class GroupCoordinatorServiceTest
{
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final GroupConfig config = new GroupConfig(1, 300_000, 0, 1000, 24L * 3600 * 1000, 600_000, 4096, 4, (short)1, 1 << 20, 5000);
    private final GroupCoordinatorService service = new GroupCoordinatorService(config, null, null, 1, clock::get);

    @AfterEach
    void tearDown()
    {
        service.close();
    }

    private JoinGroupResponse join(final String memberId)
    {
        final AtomicReference<JoinGroupResponse> answer = new AtomicReference<>();
        service.submit(now -> service.coordinator().joinGroup(new JoinGroupRequest(GROUP, SESSION_MS, REBALANCE_MS, memberId, null,
            "consumer", GroupFixture.protocols("range"), null), true, "client", "/127.0.0.1", now, answer::set));
        service.doWork();
        return answer.get();
    }

    @Test
    void shouldRunTheQueuedHeartbeatsBeforeExpiringSessions()
    {
        final GroupCoordinator coordinator = service.coordinator();
        coordinator.onTopicReady(4);
        coordinator.onPartitionLoaded(GroupCoordinator.partitionFor(GROUP, 4), new LoadedPartition(), clock.get());
        final JoinGroupResponse joined = join(join("").memberId());
        assertThat(joined.errorCode()).isEqualTo(ErrorCode.NONE.code);
        assertThat(coordinator.memberIds(GROUP)).containsExactly(joined.memberId());

        // A backlog: more requests than one cycle runs, the member's heartbeat at the end, and its session due meanwhile.
        clock.addAndGet(SESSION_MS - 1);
        for (int i = 0; i < 3_000; i++)
        {
            assertThat(service.submit(now -> { })).isTrue();
        }
        final List<ErrorCode> heartbeats = new ArrayList<>();
        service.submit(now -> heartbeats.add(coordinator.heartbeat(new HeartbeatRequest(GROUP, joined.generationId(),
            joined.memberId(), null), now)));
        clock.addAndGet(2);

        service.doWork();
        assertThat(coordinator.memberIds(GROUP)).as("the heartbeat is still queued").containsExactly(joined.memberId());
        service.doWork();

        assertThat(heartbeats).containsExactly(ErrorCode.NONE);
        assertThat(coordinator.memberIds(GROUP)).containsExactly(joined.memberId());
    }

    @Test
    void shouldTakeCommitsForPartitionsHostedOnOtherBrokers()
    {
        // Topic "t": both partitions on broker 2 (RF 1), none on this broker (1).
        final PartitionInfo onBroker2 = new PartitionInfo(List.of(2), List.of(2), 2, 0, 0, List.of(), List.of());
        final TreeMap<Integer, PartitionInfo> parts = new TreeMap<>();
        parts.put(0, onBroker2);
        parts.put(1, onBroker2);
        final TreeMap<String, TopicInfo> topics = new TreeMap<>();
        topics.put("t", new TopicInfo("t", UUID.randomUUID(), parts, new TreeMap<>()));
        final MetadataCache metadata = new MetadataCache();
        metadata.onImage(new MetadataImage(new TreeMap<>(), topics, 0L, 1L, new TreeMap<>()));
        final PartitionManager partitions = new PartitionManager(null, metadata, null, null, 1, null, null);
        final GroupCoordinatorService multiBroker = new GroupCoordinatorService(config, partitions, null, 1, clock::get);
        try
        {
            assertThat(partitions.partition(new TopicPartition("t", 0))).as("not hosted on this broker").isNull();
            assertThat(multiBroker.partitionExists(new TopicPartition("t", 0))).isTrue();
            assertThat(multiBroker.partitionExists(new TopicPartition("t", 1))).isTrue();
            assertThat(multiBroker.partitionExists(new TopicPartition("t", 2))).isFalse();
            assertThat(multiBroker.partitionExists(new TopicPartition("unknown", 0))).isFalse();
        }
        finally
        {
            multiBroker.close();
        }
    }
}
