package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ConsumerProtocol;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.FindCoordinatorResponse;
import io.osprey.protocol.message.HeartbeatResponse;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.LeaveGroupResponse;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;
import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;
import io.osprey.serialization.Serdes;
import io.osprey.testing.FakeBroker;

/**
 * The consumer's group client against a scripted broker that plays a one-member group
 * coordinator: the join handshake (MEMBER_ID_REQUIRED, leader assignment, SyncGroup), positions
 * from committed offsets, heartbeats and coordinator failover, commits and their error mapping,
 * static membership, max.poll.interval.ms, and the listener's order.
 */
class ConsumerGroupTest
{
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;

    private final FakeBroker broker = newBroker();
    private final AtomicInteger generation = new AtomicInteger();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<List<TopicPartition>> forcedAssignment = new AtomicReference<>();
    private OspreyConsumer<String, String> consumer;

    private static FakeBroker newBroker()
    {
        try
        {
            return new FakeBroker();
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    ConsumerGroupTest()
    {
        broker.on(ApiKey.METADATA, r -> broker.metadata(List.of(topic())))
            .on(ApiKey.FIND_COORDINATOR, r -> coordinatorIsThisBroker((FindCoordinatorRequest)r.request(), r.version()))
            .on(ApiKey.JOIN_GROUP, r -> join((JoinGroupRequest)r.request()))
            .on(ApiKey.SYNC_GROUP, r -> sync((SyncGroupRequest)r.request()))
            .on(ApiKey.HEARTBEAT, r -> new HeartbeatResponse(0, (short)0))
            .on(ApiKey.LEAVE_GROUP, r -> new LeaveGroupResponse(0, (short)0, List.of()))
            .on(ApiKey.OFFSET_FETCH, r -> offsets((OffsetFetchRequest)r.request(), r.version()))
            .on(ApiKey.OFFSET_COMMIT, r -> commit((OffsetCommitRequest)r.request(), ErrorCode.NONE))
            .on(ApiKey.FETCH, r -> null);
    }

    @AfterEach
    void tearDown() throws Exception
    {
        if (consumer != null)
        {
            consumer.close(Duration.ofSeconds(5));
        }
        broker.close();
    }

    // ---- The scripted coordinator -------------------------------------------------------------------

    private static MetadataResponse.Topic topic()
    {
        final List<MetadataResponse.Partition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            partitions.add(new MetadataResponse.Partition((short)0, p, FakeBroker.NODE_ID, 3, List.of(FakeBroker.NODE_ID),
                List.of(FakeBroker.NODE_ID), List.of()));
        }
        return new MetadataResponse.Topic((short)0, TOPIC, UUID.randomUUID(), false, partitions, 0);
    }

    private FindCoordinatorResponse coordinatorIsThisBroker(final FindCoordinatorRequest request, final short version)
    {
        if (version >= 4)
        {
            return new FindCoordinatorResponse(0, (short)0, null, 0, "", 0, List.of(new FindCoordinatorResponse.Coordinator(
                request.coordinatorKeys().get(0), FakeBroker.NODE_ID, "127.0.0.1", broker.port(), (short)0, null)));
        }
        return new FindCoordinatorResponse(0, (short)0, null, FakeBroker.NODE_ID, "127.0.0.1", broker.port(), List.of());
    }

    private JoinGroupResponse join(final JoinGroupRequest request)
    {
        if (request.memberId().isEmpty() && request.groupInstanceId() == null)
        {
            return new JoinGroupResponse(0, ErrorCode.MEMBER_ID_REQUIRED.code, -1, null, "", "", false, "member-1", List.of());
        }
        final String memberId = request.memberId().isEmpty() ? "static-member-1" : request.memberId();
        final JoinGroupRequest.Protocol chosen = request.protocols().get(0);
        return new JoinGroupResponse(0, (short)0, generation.incrementAndGet(), ConsumerProtocol.PROTOCOL_TYPE, chosen.name(), memberId,
            false, memberId, List.of(new JoinGroupResponse.Member(memberId, request.groupInstanceId(), chosen.metadata())));
    }

    private SyncGroupResponse sync(final SyncGroupRequest request)
    {
        byte[] mine = new byte[0];
        for (final SyncGroupRequest.Assignment a : request.assignments())
        {
            if (a.memberId().equals(request.memberId()))
            {
                mine = a.assignment();
            }
        }
        final List<TopicPartition> forced = forcedAssignment.get();
        if (forced != null)
        {
            final ByteBuffer b = ConsumerProtocol.serializeAssignment(new ConsumerProtocol.Assignment(forced));
            mine = new byte[b.remaining()];
            b.get(mine);
        }
        return new SyncGroupResponse(0, (short)0, ConsumerProtocol.PROTOCOL_TYPE, request.protocolName(), mine);
    }

    private OffsetFetchResponse offsets(final OffsetFetchRequest request, final short version)
    {
        final List<OffsetFetchRequest.Topic> topics = version >= 8 ? request.groups().get(0).topics() : request.topics();
        final List<OffsetFetchResponse.Topic> out = new ArrayList<>();
        for (final OffsetFetchRequest.Topic t : topics)
        {
            final List<OffsetFetchResponse.Partition> partitions = new ArrayList<>();
            for (final int p : t.partitionIndexes())
            {
                final Long offset = committed.get(new TopicPartition(t.name(), p));
                partitions.add(new OffsetFetchResponse.Partition(p, offset == null ? -1 : offset, -1, "", (short)0));
            }
            out.add(new OffsetFetchResponse.Topic(t.name(), partitions));
        }
        if (version >= 8)
        {
            return new OffsetFetchResponse(0, List.of(), (short)0, List.of(new OffsetFetchResponse.Group(request.groups().get(0).groupId(),
                out, (short)0)));
        }
        return new OffsetFetchResponse(0, out, (short)0, List.of());
    }

    private OffsetCommitResponse commit(final OffsetCommitRequest request, final ErrorCode error)
    {
        final List<OffsetCommitResponse.Topic> out = new ArrayList<>();
        for (final OffsetCommitRequest.Topic t : request.topics())
        {
            final List<OffsetCommitResponse.Partition> partitions = new ArrayList<>();
            for (final OffsetCommitRequest.Partition p : t.partitions())
            {
                if (error == ErrorCode.NONE)
                {
                    committed.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                }
                partitions.add(new OffsetCommitResponse.Partition(p.partitionIndex(), error.code));
            }
            out.add(new OffsetCommitResponse.Topic(t.name(), partitions));
        }
        return new OffsetCommitResponse(0, out);
    }

    // ---- Fixtures -----------------------------------------------------------------------------------

    private OspreyConsumer<String, String> newConsumer(final Object... keyValues)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", broker.bootstrap());
        props.put("group.id", "g1");
        props.put("enable.auto.commit", "false");
        props.put("heartbeat.interval.ms", 50);
        props.put("session.timeout.ms", 6000);
        props.put("retry.backoff.ms", 10);
        props.put("reconnect.backoff.ms", 10);
        for (int i = 0; i < keyValues.length; i += 2)
        {
            props.put((String)keyValues[i], keyValues[i + 1]);
        }
        consumer = new OspreyConsumer<>(props, new Serdes.StringDeserializer(), new Serdes.StringDeserializer());
        return consumer;
    }

    private ConsumerRebalanceListener recordingListener()
    {
        return new ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
            {
                events.add("revoked " + sorted(partitions));
            }

            @Override
            public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
            {
                events.add("assigned " + sorted(partitions));
            }

            @Override
            public void onPartitionsLost(final Collection<TopicPartition> partitions)
            {
                events.add("lost " + sorted(partitions));
            }
        };
    }

    private static List<String> sorted(final Collection<TopicPartition> partitions)
    {
        return partitions.stream().map(TopicPartition::toString).sorted().toList();
    }

    private static Set<TopicPartition> all()
    {
        return Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
    }

    private void pollUntil(final java.util.function.BooleanSupplier condition)
    {
        Awaitility.await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(1)).until(() ->
        {
            consumer.poll(Duration.ofMillis(20));
            return condition.getAsBoolean();
        });
    }

    // ---- Tests --------------------------------------------------------------------------------------

    @Test
    void shouldJoinAsLeaderAndStartFromCommittedOffsets()
    {
        committed.put(new TopicPartition(TOPIC, 0), 5L);
        committed.put(new TopicPartition(TOPIC, 1), 6L);
        committed.put(new TopicPartition(TOPIC, 2), 7L);
        newConsumer().subscribe(List.of(TOPIC), recordingListener());
        assertThat(consumer.subscription()).containsExactly(TOPIC);

        pollUntil(() -> consumer.assignment().size() == PARTITIONS);

        assertThat(consumer.position(new TopicPartition(TOPIC, 0))).isEqualTo(5);
        assertThat(consumer.position(new TopicPartition(TOPIC, 2))).isEqualTo(7);
        assertThat(events).containsExactly("assigned [orders-0, orders-1, orders-2]");
        final List<FakeBroker.Received> joins = broker.received(ApiKey.JOIN_GROUP);
        assertThat(joins).hasSize(2);
        assertThat(((JoinGroupRequest)joins.get(1).request()).memberId()).isEqualTo("member-1");
        final JoinGroupRequest join = (JoinGroupRequest)joins.get(1).request();
        assertThat(join.protocols()).extracting(JoinGroupRequest.Protocol::name).containsExactly("range", "cooperative-sticky");
        final org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription kafkaView =
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeSubscription(
                ByteBuffer.wrap(join.protocols().get(0).metadata()));
        assertThat(kafkaView.topics()).containsExactly(TOPIC);
        assertThat(join.rebalanceTimeoutMs()).isEqualTo(300000);
        assertThat(join.sessionTimeoutMs()).isEqualTo(6000);
    }

    @Test
    void shouldHeartbeatFromTheNetworkThreadAndRediscoverTheCoordinator()
    {
        final AtomicInteger heartbeats = new AtomicInteger();
        broker.on(ApiKey.HEARTBEAT, r -> new HeartbeatResponse(0, heartbeats.incrementAndGet() == 2
            ? ErrorCode.NOT_COORDINATOR.code : (short)0));
        newConsumer().subscribe(List.of(TOPIC));
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);

        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> heartbeats.get() >= 4);

        assertThat(broker.received(ApiKey.FIND_COORDINATOR)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(consumer.assignment()).hasSize(PARTITIONS);
    }

    @Test
    void shouldRejoinWhenAHeartbeatSaysTheGroupIsRebalancing()
    {
        final AtomicInteger heartbeats = new AtomicInteger();
        broker.on(ApiKey.HEARTBEAT, r -> new HeartbeatResponse(0, heartbeats.incrementAndGet() == 1
            ? ErrorCode.REBALANCE_IN_PROGRESS.code : (short)0));
        newConsumer().subscribe(List.of(TOPIC), recordingListener());
        pollUntil(() -> generation.get() >= 2 && events.size() >= 3);

        assertThat(events).containsExactly("assigned [orders-0, orders-1, orders-2]", "revoked [orders-0, orders-1, orders-2]",
            "assigned [orders-0, orders-1, orders-2]");
    }

    @Test
    void shouldLeaveOnCloseAsADynamicMember()
    {
        newConsumer().subscribe(List.of(TOPIC), recordingListener());
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);

        consumer.close(Duration.ofSeconds(5));
        consumer = null;

        assertThat(broker.received(ApiKey.LEAVE_GROUP)).hasSize(1);
        final LeaveGroupRequest leave = (LeaveGroupRequest)broker.received(ApiKey.LEAVE_GROUP).get(0).request();
        assertThat(leave.members()).extracting(LeaveGroupRequest.MemberIdentity::memberId).containsExactly("member-1");
        assertThat(events).containsExactly("assigned [orders-0, orders-1, orders-2]", "revoked [orders-0, orders-1, orders-2]");
    }

    @Test
    void shouldNotLeaveOnCloseAsAStaticMember()
    {
        newConsumer("group.instance.id", "instance-7").subscribe(List.of(TOPIC));
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);

        consumer.close(Duration.ofSeconds(5));
        consumer = null;

        assertThat(broker.received(ApiKey.LEAVE_GROUP)).isEmpty();
        assertThat(broker.received(ApiKey.JOIN_GROUP)).hasSize(1);
        assertThat(((JoinGroupRequest)broker.received(ApiKey.JOIN_GROUP).get(0).request()).groupInstanceId()).isEqualTo("instance-7");
    }

    @Test
    void shouldLeaveWhenPollIsNotCalledWithinMaxPollIntervalAndRejoinOnTheNextPoll()
    {
        newConsumer("max.poll.interval.ms", 300).subscribe(List.of(TOPIC), recordingListener());
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);

        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> broker.received(ApiKey.LEAVE_GROUP).size() == 1);
        pollUntil(() -> events.size() >= 3);

        assertThat(events).containsExactly("assigned [orders-0, orders-1, orders-2]", "lost [orders-0, orders-1, orders-2]",
            "assigned [orders-0, orders-1, orders-2]");
        assertThat(consumer.assignment()).hasSize(PARTITIONS);
    }

    @Test
    void shouldCommitWithTheGenerationAndMapGroupErrors()
    {
        newConsumer().subscribe(List.of(TOPIC));
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);
        final TopicPartition tp = new TopicPartition(TOPIC, 1);

        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(42, "meta")));
        final OffsetCommitRequest sent = (OffsetCommitRequest)broker.received(ApiKey.OFFSET_COMMIT).get(0).request();
        assertThat(sent.memberId()).isEqualTo("member-1");
        assertThat(sent.generationIdOrMemberEpoch()).isEqualTo(generation.get());
        assertThat(consumer.committed(Set.of(tp)).get(tp).offset()).isEqualTo(42);

        broker.on(ApiKey.OFFSET_COMMIT, r -> commit((OffsetCommitRequest)r.request(), ErrorCode.REBALANCE_IN_PROGRESS));
        assertThatThrownBy(() -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(43))))
            .isInstanceOf(RebalanceInProgressException.class).hasMessageContaining("orders-1");

        final AtomicReference<Exception> asyncFailure = new AtomicReference<>();
        broker.on(ApiKey.OFFSET_COMMIT, r -> commit((OffsetCommitRequest)r.request(), ErrorCode.ILLEGAL_GENERATION));
        consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(44)), (offsets, e) -> asyncFailure.set(e));
        pollUntil(() -> asyncFailure.get() != null);
        assertThat(asyncFailure.get()).isInstanceOf(CommitFailedException.class);
    }

    @Test
    void shouldRevokeCooperativelyAndRejoin()
    {
        forcedAssignment.set(List.copyOf(all()));
        newConsumer("partition.assignment.strategy", "cooperative-sticky").subscribe(List.of(TOPIC), recordingListener());
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);
        final int joinsBefore = broker.received(ApiKey.JOIN_GROUP).size();

        forcedAssignment.set(List.of(new TopicPartition(TOPIC, 0)));
        broker.on(ApiKey.HEARTBEAT, r -> new HeartbeatResponse(0, ErrorCode.REBALANCE_IN_PROGRESS.code));
        pollUntil(() -> consumer.assignment().size() == 1);
        broker.on(ApiKey.HEARTBEAT, r -> new HeartbeatResponse(0, (short)0));
        pollUntil(() -> broker.received(ApiKey.JOIN_GROUP).size() >= joinsBefore + 2);

        assertThat(events.subList(0, 3)).containsExactly("assigned [orders-0, orders-1, orders-2]", "revoked [orders-1, orders-2]",
            "assigned []");
        final JoinGroupRequest rejoin = (JoinGroupRequest)broker.received(ApiKey.JOIN_GROUP).get(joinsBefore).request();
        final ConsumerProtocol.Subscription declared =
            ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(rejoin.protocols().get(0).metadata()));
        assertThat(declared.ownedPartitions()).containsExactlyInAnyOrderElementsOf(all());
        assertThat(declared.generationId()).isEqualTo(1);
    }

    @Test
    void shouldRefuseGroupCallsWithoutAGroupIdAndMixingAssignWithSubscribe()
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", broker.bootstrap());
        try (OspreyConsumer<String, String> noGroup = new OspreyConsumer<>(props, new Serdes.StringDeserializer(),
            new Serdes.StringDeserializer()))
        {
            assertThatThrownBy(() -> noGroup.subscribe(List.of(TOPIC))).isInstanceOfSatisfying(OspreyException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_GROUP_ID));
            assertThatThrownBy(noGroup::commitSync).isInstanceOf(OspreyException.class).hasMessageContaining("group.id");
        }
        newConsumer().subscribe(Pattern.compile("ord.*"));
        assertThatThrownBy(() -> consumer.assign(List.of(new TopicPartition(TOPIC, 0)))).isInstanceOf(IllegalStateException.class);
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);
        assertThat(consumer.subscription()).containsExactly(TOPIC);
        consumer.unsubscribe();
        assertThat(consumer.assignment()).isEmpty();
        consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
        assertThat(consumer.assignment()).containsExactly(new TopicPartition(TOPIC, 0));
    }

    @Test
    void shouldNotRetryAnAsyncCommitButRetryASyncOne()
    {
        newConsumer().subscribe(List.of(TOPIC));
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);
        final TopicPartition tp = new TopicPartition(TOPIC, 1);
        broker.on(ApiKey.OFFSET_COMMIT, FakeBroker.inTurn(
            r -> commit((OffsetCommitRequest)r.request(), ErrorCode.COORDINATOR_NOT_AVAILABLE),
            r -> commit((OffsetCommitRequest)r.request(), ErrorCode.NONE)));
        final AtomicReference<Exception> asyncFailure = new AtomicReference<>();
        final AtomicBoolean asyncDone = new AtomicBoolean();

        consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(44)), (offsets, e) ->
        {
            asyncFailure.set(e);
            asyncDone.set(true);
        });
        pollUntil(asyncDone::get);

        assertThat(asyncFailure.get()).isInstanceOf(RetriableCommitFailedException.class).hasMessageContaining("orders-1");
        assertThat(broker.received(ApiKey.OFFSET_COMMIT)).as("sent once, never retried").hasSize(1);
        assertThat(committed).doesNotContainKey(tp);

        broker.on(ApiKey.OFFSET_COMMIT, FakeBroker.inTurn(
            r -> commit((OffsetCommitRequest)r.request(), ErrorCode.NOT_COORDINATOR),
            r -> commit((OffsetCommitRequest)r.request(), ErrorCode.NONE)));
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(45)));
        assertThat(broker.received(ApiKey.OFFSET_COMMIT)).as("commitSync retries").hasSize(3);
        assertThat(committed.get(tp)).isEqualTo(45);
    }

    @Test
    void shouldStopForGoodOnceFencedAsAStaticMember()
    {
        final AtomicInteger heartbeats = new AtomicInteger();
        broker.on(ApiKey.HEARTBEAT, r -> new HeartbeatResponse(0, heartbeats.incrementAndGet() >= 2
            ? ErrorCode.FENCED_INSTANCE_ID.code : (short)0));
        newConsumer("group.instance.id", "instance-7").subscribe(List.of(TOPIC), recordingListener());
        pollUntil(() -> consumer.assignment().size() == PARTITIONS);
        final TopicPartition tp = new TopicPartition(TOPIC, 0);

        Awaitility.await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(20)))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FENCED_INSTANCE_ID)));
        final int joins = broker.received(ApiKey.JOIN_GROUP).size();
        final int heartbeatsWhenFenced = heartbeats.get();
        for (int i = 0; i < 5; i++)
        {
            assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(50))).isInstanceOfSatisfying(OspreyException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FENCED_INSTANCE_ID));
        }
        assertThatThrownBy(() -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(1)))).isInstanceOfSatisfying(OspreyException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FENCED_INSTANCE_ID));
        assertThatThrownBy(() -> consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(1)), null)).isInstanceOfSatisfying(
            OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FENCED_INSTANCE_ID));

        assertThat(broker.received(ApiKey.JOIN_GROUP)).as("no rejoin").hasSize(joins);
        assertThat(heartbeats.get()).as("no more heartbeats").isEqualTo(heartbeatsWhenFenced);
        assertThat(broker.received(ApiKey.OFFSET_COMMIT)).isEmpty();
        consumer.close(Duration.ofSeconds(5));
        consumer = null;
        assertThat(events).containsExactly("assigned [orders-0, orders-1, orders-2]", "lost [orders-0, orders-1, orders-2]");
        assertThat(broker.received(ApiKey.LEAVE_GROUP)).isEmpty();
    }

    @Test
    void shouldMapKafkaStrategyNamesAndRefuseUnknownOnes()
    {
        assertThat(Assignors.fromConfig(List.of("org.apache.kafka.clients.consumer.RoundRobinAssignor", "range", "cooperative-sticky")))
            .extracting(ConsumerPartitionAssignor::name).containsExactly("roundrobin", "range", "cooperative-sticky");
        assertThatThrownBy(() -> Assignors.fromConfig(List.of("sticky"))).hasMessageContaining("partition.assignment.strategy");
        assertThat(Assignors.protocol(Assignors.fromConfig(List.of("range", "cooperative-sticky"))))
            .isEqualTo(ConsumerPartitionAssignor.RebalanceProtocol.EAGER);
        assertThat(Assignors.protocol(Assignors.fromConfig(List.of("cooperative-sticky"))))
            .isEqualTo(ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE);
    }
}
