package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.osprey.client.Node;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ConsumerProtocol;
import io.osprey.protocol.message.DeleteGroupsRequest;
import io.osprey.protocol.message.DeleteGroupsResponse;
import io.osprey.protocol.message.DescribeClusterResponse;
import io.osprey.protocol.message.DescribeGroupsResponse;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.FindCoordinatorResponse;
import io.osprey.protocol.message.ListGroupsRequest;
import io.osprey.protocol.message.ListGroupsResponse;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;
import io.osprey.testing.FakeBroker;

/** The admin client's consumer-group and offset calls against scripted brokers: coordinator lookup, retries, error mapping. */
class OspreyAdminGroupsTest
{
    private static final long WAIT_S = 10;
    private static final String GROUP = "g";

    private final List<FakeBroker> brokers = new ArrayList<>();
    private FakeBroker broker;
    private Admin admin;

    @BeforeEach
    void startBroker() throws IOException
    {
        broker = startBroker(FakeBroker.NODE_ID);
        broker.on(ApiKey.FIND_COORDINATOR, r -> coordinatorIs(r, FakeBroker.NODE_ID, broker));
    }

    @AfterEach
    void stop() throws IOException
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        for (final FakeBroker b : brokers)
        {
            b.close();
        }
    }

    private FakeBroker startBroker(final int nodeId) throws IOException
    {
        final FakeBroker b = new FakeBroker(nodeId);
        brokers.add(b);
        return b;
    }

    private Admin admin()
    {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrap());
        config.put("retry.backoff.ms", 10);
        config.put("retry.backoff.max.ms", 50);
        admin = Admin.create(config);
        return admin;
    }

    private static <T> T get(final CompletableFuture<T> future) throws Exception
    {
        return future.get(WAIT_S, TimeUnit.SECONDS);
    }

    private static OspreyException ospreyFailure(final CompletableFuture<?> future)
    {
        final Throwable thrown = catchThrowable(() -> future.get(WAIT_S, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OspreyException.class);
        return (OspreyException)thrown.getCause();
    }

    /** A FindCoordinator answer naming {@code coordinator}, shaped for the version asked. */
    private static FindCoordinatorResponse coordinatorIs(final FakeBroker.Received r, final int nodeId, final FakeBroker coordinator)
    {
        return found(r, nodeId, coordinator.port(), ErrorCode.NONE);
    }

    private static FindCoordinatorResponse found(final FakeBroker.Received r, final int nodeId, final int port, final ErrorCode error)
    {
        final FindCoordinatorRequest request = (FindCoordinatorRequest)r.request();
        if (r.version() >= 4)
        {
            final List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
            for (final String key : request.coordinatorKeys())
            {
                coordinators.add(new FindCoordinatorResponse.Coordinator(key, nodeId, "127.0.0.1", port, error.code, null));
            }
            return new FindCoordinatorResponse(0, (short)0, null, -1, "", -1, coordinators);
        }
        return new FindCoordinatorResponse(0, error.code, null, nodeId, "127.0.0.1", port, List.of());
    }

    private static DescribeGroupsResponse described(final String state, final String protocolType, final String protocolData,
        final List<DescribeGroupsResponse.Member> members, final ErrorCode error)
    {
        return new DescribeGroupsResponse(0, List.of(new DescribeGroupsResponse.DescribedGroup(error.code, GROUP, state, protocolType,
            protocolData, members, DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED)));
    }

    private static DescribeGroupsResponse stableGroup(final DescribeGroupsResponse.Member... members)
    {
        return described("Stable", "consumer", "range", List.of(members), ErrorCode.NONE);
    }

    private static DescribeGroupsResponse.Member member(final String id, final TopicPartition... partitions)
    {
        final ByteBuffer assignment = ConsumerProtocol.serializeAssignment(new ConsumerProtocol.Assignment(List.of(partitions)));
        final byte[] bytes = new byte[assignment.remaining()];
        assignment.get(bytes);
        return new DescribeGroupsResponse.Member(id, null, "client-" + id, "/127.0.0.1", new byte[0], bytes);
    }

    private static MetadataResponse.Topic topic(final String name, final int partitions, final int leader)
    {
        final List<MetadataResponse.Partition> list = new ArrayList<>();
        for (int p = 0; p < partitions; p++)
        {
            list.add(new MetadataResponse.Partition((short)0, p, leader, 7, List.of(leader), List.of(leader), List.of()));
        }
        return new MetadataResponse.Topic((short)0, name, UUID.randomUUID(), false, list, 0);
    }

    /** Metadata naming this broker, and the topics when asked for some. */
    private void withTopics(final MetadataResponse.Topic... topics)
    {
        broker.on(ApiKey.METADATA, r ->
        {
            final List<MetadataRequest.Topic> asked = ((MetadataRequest)r.request()).topics();
            return asked == null || asked.isEmpty() ? broker.metadata(List.of()) : broker.metadata(List.of(topics));
        });
    }

    private static ListOffsetsResponse offsetsAnswer(final FakeBroker.Received r, final long offset, final ErrorCode error)
    {
        final List<ListOffsetsResponse.Topic> topics = new ArrayList<>();
        for (final ListOffsetsRequest.Topic t : ((ListOffsetsRequest)r.request()).topics())
        {
            final List<ListOffsetsResponse.Partition> partitions = new ArrayList<>();
            for (final ListOffsetsRequest.Partition p : t.partitions())
            {
                partitions.add(new ListOffsetsResponse.Partition(p.partitionIndex(), error.code, -1L, offset, 7));
            }
            topics.add(new ListOffsetsResponse.Topic(t.name(), partitions));
        }
        return new ListOffsetsResponse(0, topics);
    }

    private static OffsetFetchResponse fetched(final ErrorCode groupError, final OffsetFetchResponse.Topic... topics)
    {
        return new OffsetFetchResponse(0, List.of(), (short)0, List.of(new OffsetFetchResponse.Group(GROUP, List.of(topics), groupError.code)));
    }

    private static OffsetCommitResponse committed(final FakeBroker.Received r, final ErrorCode error)
    {
        final List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (final OffsetCommitRequest.Topic t : ((OffsetCommitRequest)r.request()).topics())
        {
            topics.add(new OffsetCommitResponse.Topic(t.name(),
                t.partitions().stream().map(p -> new OffsetCommitResponse.Partition(p.partitionIndex(), error.code)).toList()));
        }
        return new OffsetCommitResponse(0, topics);
    }

    // ---- listConsumerGroups ----------------------------------------------------------------------

    @Test
    void shouldListTheConsumerGroupsOfEveryBrokerMergedRetryingABrokerStillLoading() throws Exception
    {
        final FakeBroker second = startBroker(2);
        final List<MetadataResponse.Broker> both = List.of(new MetadataResponse.Broker(1, "127.0.0.1", broker.port(), null),
            new MetadataResponse.Broker(2, "127.0.0.1", second.port(), null));
        for (final FakeBroker b : brokers)
        {
            b.on(ApiKey.METADATA, r -> new MetadataResponse(0, both, FakeBroker.CLUSTER_ID, 1, List.of(),
                MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
            b.on(ApiKey.DESCRIBE_CLUSTER, r -> new DescribeClusterResponse(0, (short)0, null, (byte)1, FakeBroker.CLUSTER_ID, 1,
                both.stream().map(n -> new DescribeClusterResponse.DescribeClusterBroker(n.nodeId(), n.host(), n.port(), null)).toList(),
                DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED));
        }
        broker.on(ApiKey.LIST_GROUPS, r -> new ListGroupsResponse(0, (short)0, List.of(
            new ListGroupsResponse.ListedGroup("orders", "consumer", "Stable", "classic"),
            new ListGroupsResponse.ListedGroup("connect-cluster", "connect", "Stable", "classic"))));
        second.on(ApiKey.LIST_GROUPS, FakeBroker.inTurn(
            r -> new ListGroupsResponse(0, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code, List.of()),
            r -> new ListGroupsResponse(0, (short)0, List.of(new ListGroupsResponse.ListedGroup("billing", "", "Empty", "classic")))));

        final ListConsumerGroupsResult result = admin().listConsumerGroups();

        assertThat(get(result.all())).containsExactly(
            new ConsumerGroupListing("billing", Optional.of(GroupState.EMPTY), ""),
            new ConsumerGroupListing("orders", Optional.of(GroupState.STABLE), "consumer"));
        assertThat(get(result.all())).filteredOn(ConsumerGroupListing::isSimpleConsumerGroup).extracting(ConsumerGroupListing::groupId)
            .containsExactly("billing");
        assertThat(get(result.errors())).isEmpty();
        assertThat(second.received(ApiKey.LIST_GROUPS)).hasSize(2);
        assertThat(broker.received(ApiKey.LIST_GROUPS)).hasSize(1);
    }

    @Test
    void shouldSendTheStatesFilterAndApplyItToTheAnswer() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_CLUSTER, r -> new DescribeClusterResponse(0, (short)0, null, (byte)1, FakeBroker.CLUSTER_ID, 1,
            List.of(new DescribeClusterResponse.DescribeClusterBroker(1, "127.0.0.1", broker.port(), null)),
            DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED));
        broker.on(ApiKey.LIST_GROUPS, r -> new ListGroupsResponse(0, (short)0, List.of(
            new ListGroupsResponse.ListedGroup("a", "consumer", "Stable", "classic"),
            new ListGroupsResponse.ListedGroup("b", "consumer", "Empty", "classic"))));

        final ListConsumerGroupsResult result = admin().listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(Set.of(GroupState.EMPTY)));

        assertThat(get(result.all())).extracting(ConsumerGroupListing::groupId).containsExactly("b");
        assertThat(((ListGroupsRequest)broker.received(ApiKey.LIST_GROUPS).get(0).request()).statesFilter()).containsExactly("Empty");
    }

    @Test
    void shouldReportABrokerThatCannotListItsGroupsInErrorsButKeepTheOthersInValid() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_CLUSTER, r -> new DescribeClusterResponse(0, (short)0, null, (byte)1, FakeBroker.CLUSTER_ID, 1,
            List.of(new DescribeClusterResponse.DescribeClusterBroker(1, "127.0.0.1", broker.port(), null)),
            DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED));
        broker.on(ApiKey.LIST_GROUPS, r -> new ListGroupsResponse(0, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code, List.of()));

        final ListConsumerGroupsResult result = admin().listConsumerGroups();

        assertThat(ospreyFailure(result.all()).errorCode()).isEqualTo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
        assertThat(get(result.valid())).isEmpty();
        assertThat(get(result.errors())).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("Broker 1"));
    }

    // ---- describeConsumerGroups ------------------------------------------------------------------

    @Test
    void shouldDescribeAGroupDecodingEachMembersAssignment() throws Exception
    {
        final TopicPartition t0 = new TopicPartition("t", 0);
        final TopicPartition t1 = new TopicPartition("t", 1);
        broker.on(ApiKey.DESCRIBE_GROUPS, r -> stableGroup(member("m1", t0, t1), member("m2")));

        final ConsumerGroupDescription d = get(admin().describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP));

        assertThat(d.groupId()).isEqualTo(GROUP);
        assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(d.partitionAssignor()).isEqualTo("range");
        assertThat(d.isSimpleConsumerGroup()).isFalse();
        assertThat(d.coordinator()).isEqualTo(new Node(FakeBroker.NODE_ID, "127.0.0.1", broker.port(), null));
        assertThat(d.members()).extracting(MemberDescription::consumerId).containsExactly("m1", "m2");
        final MemberDescription m1 = d.members().iterator().next();
        assertThat(m1.clientId()).isEqualTo("client-m1");
        assertThat(m1.host()).isEqualTo("/127.0.0.1");
        assertThat(m1.groupInstanceId()).isEmpty();
        assertThat(m1.assignment().topicPartitions()).containsExactly(t0, t1);
        assertThat(new ArrayList<>(d.members()).get(1).assignment().topicPartitions()).isEmpty();
        final FindCoordinatorRequest find = (FindCoordinatorRequest)broker.received(ApiKey.FIND_COORDINATOR).get(0).request();
        assertThat(find.keyType()).isEqualTo(CoordinatorCall.GROUP_KEY_TYPE);
        assertThat(find.coordinatorKeys()).containsExactly(GROUP);
    }

    @Test
    void shouldFindTheCoordinatorAgainAfterNotCoordinatorAndAskAgainWhileItLoads() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_GROUPS, FakeBroker.inTurn(
            r -> described("", "", "", List.of(), ErrorCode.NOT_COORDINATOR),
            r -> described("", "", "", List.of(), ErrorCode.COORDINATOR_LOAD_IN_PROGRESS),
            r -> stableGroup()));

        final ConsumerGroupDescription d = get(admin().describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP));

        assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(broker.received(ApiKey.DESCRIBE_GROUPS)).hasSize(3);
        // Once at first, once after NOT_COORDINATOR; loading keeps the coordinator.
        assertThat(broker.received(ApiKey.FIND_COORDINATOR)).hasSize(2);
    }

    @Test
    void shouldRetryFindCoordinatorWhileNoCoordinatorIsAvailable() throws Exception
    {
        broker.on(ApiKey.FIND_COORDINATOR, FakeBroker.inTurn(
            r -> found(r, -1, -1, ErrorCode.COORDINATOR_NOT_AVAILABLE),
            r -> coordinatorIs(r, FakeBroker.NODE_ID, broker)));
        broker.on(ApiKey.DESCRIBE_GROUPS, r -> stableGroup());

        get(admin().describeConsumerGroups(List.of(GROUP)).all());

        assertThat(broker.received(ApiKey.FIND_COORDINATOR)).hasSize(2);
    }

    @Test
    void shouldFindTheCoordinatorAgainAfterTheConnectionToItDropped() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_GROUPS, FakeBroker.inTurn(FakeBroker.drop(), r -> stableGroup()));

        get(admin().describeConsumerGroups(List.of(GROUP)).all());

        assertThat(broker.received(ApiKey.FIND_COORDINATOR)).hasSize(2);
    }

    @Test
    void shouldDescribeAMissingGroupAsDeadAsKafkaDoesAndFailAGroupOfAnotherProtocol() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_GROUPS, FakeBroker.inTurn(
            r -> described("Dead", "", "", List.of(), ErrorCode.NONE),
            r -> described("Stable", "connect", "", List.of(), ErrorCode.NONE),
            r -> described("", "", "", List.of(), ErrorCode.GROUP_AUTHORIZATION_FAILED)));

        final Admin a = admin();
        final ConsumerGroupDescription dead = get(a.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP));
        final OspreyException connect = ospreyFailure(a.describeConsumerGroups(List.of(GROUP)).all());
        final OspreyException denied = ospreyFailure(a.describeConsumerGroups(List.of(GROUP)).all());

        assertThat(dead.groupState()).isEqualTo(GroupState.DEAD);
        assertThat(dead.members()).isEmpty();
        assertThat(dead.isSimpleConsumerGroup()).isTrue();
        assertThat(denied.errorCode()).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        assertThat(denied).hasMessage("Not authorized to access group 'g'");
        assertThat(connect.errorCode()).isEqualTo(ErrorCode.INVALID_GROUP_ID);
        assertThat(connect).hasMessageContaining("not a consumer group");
    }

    @Test
    void shouldFailAnEmptyGroupIdWithoutAskingTheBroker()
    {
        final OspreyException invalid = ospreyFailure(admin().describeConsumerGroups(List.of("")).describedGroups().get(""));

        assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_GROUP_ID);
        assertThat(broker.received(ApiKey.FIND_COORDINATOR)).isEmpty();
    }

    // ---- deleteConsumerGroups --------------------------------------------------------------------

    @Test
    void shouldDeleteGroupsEachAtItsCoordinatorAndSayWhichOneIsNotEmpty() throws Exception
    {
        broker.on(ApiKey.DELETE_GROUPS, r ->
        {
            final String group = ((DeleteGroupsRequest)r.request()).groupsNames().get(0);
            final ErrorCode error = "busy".equals(group) ? ErrorCode.NON_EMPTY_GROUP : "ghost".equals(group) ? ErrorCode.GROUP_ID_NOT_FOUND
                : ErrorCode.NONE;
            return new DeleteGroupsResponse(0, List.of(new DeleteGroupsResponse.DeletableGroupResult(group, error.code)));
        });

        final DeleteConsumerGroupsResult result = admin().deleteConsumerGroups(List.of("idle", "busy", "ghost"));

        get(result.deletedGroups().get("idle"));
        final OspreyException busy = ospreyFailure(result.deletedGroups().get("busy"));
        assertThat(busy.errorCode()).isEqualTo(ErrorCode.NON_EMPTY_GROUP);
        assertThat(busy).hasMessage("Group 'busy' is not empty: stop its consumers first");
        assertThat(ospreyFailure(result.deletedGroups().get("ghost")).errorCode()).isEqualTo(ErrorCode.GROUP_ID_NOT_FOUND);
        assertThat(ospreyFailure(result.all()).errorCode()).isIn(ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND);
    }

    // ---- listConsumerGroupOffsets ----------------------------------------------------------------

    @Test
    void shouldListCommittedOffsetsWithEpochAndMetadataAndMapPartitionsWithoutOneToNull() throws Exception
    {
        broker.on(ApiKey.OFFSET_FETCH, r -> fetched(ErrorCode.NONE, new OffsetFetchResponse.Topic("t", List.of(
            new OffsetFetchResponse.Partition(0, 42, 3, "note", (short)0),
            new OffsetFetchResponse.Partition(1, -1, -1, null, (short)0)))));

        final TopicPartition t0 = new TopicPartition("t", 0);
        final TopicPartition t1 = new TopicPartition("t", 1);
        final Map<TopicPartition, OffsetAndMetadata> offsets = get(admin().listConsumerGroupOffsets(GROUP,
            new ListConsumerGroupOffsetsOptions().topicPartitions(List.of(t0, t1))).partitionsToOffsetAndMetadata());

        assertThat(offsets).containsEntry(t0, new OffsetAndMetadata(42, Optional.of(3), "note")).containsEntry(t1, null).hasSize(2);
        final OffsetFetchRequest request = (OffsetFetchRequest)broker.received(ApiKey.OFFSET_FETCH).get(0).request();
        assertThat(request.groups()).singleElement().satisfies(g ->
        {
            assertThat(g.groupId()).isEqualTo(GROUP);
            assertThat(g.topics()).singleElement().satisfies(t -> assertThat(t.partitionIndexes()).containsExactly(0, 1));
        });
    }

    @Test
    void shouldAskForEveryPartitionWhenNoneAreNamedAndRetryOnACoordinatorError() throws Exception
    {
        broker.on(ApiKey.OFFSET_FETCH, FakeBroker.inTurn(
            r -> fetched(ErrorCode.COORDINATOR_NOT_AVAILABLE),
            r -> fetched(ErrorCode.NONE, new OffsetFetchResponse.Topic("t", List.of(new OffsetFetchResponse.Partition(0, 5, -1, "", (short)0))))));

        final Map<TopicPartition, OffsetAndMetadata> offsets = get(admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata());

        assertThat(offsets).containsExactly(Map.entry(new TopicPartition("t", 0), new OffsetAndMetadata(5)));
        assertThat(broker.received(ApiKey.OFFSET_FETCH)).allSatisfy(r ->
            assertThat(((OffsetFetchRequest)r.request()).groups().get(0).topics()).isNull());
        assertThat(broker.received(ApiKey.FIND_COORDINATOR)).hasSize(2);
    }

    @Test
    void shouldFailListingOffsetsWithTheGroupError()
    {
        broker.on(ApiKey.OFFSET_FETCH, r -> fetched(ErrorCode.GROUP_AUTHORIZATION_FAILED));

        final OspreyException denied = ospreyFailure(admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata());

        assertThat(denied.errorCode()).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        assertThat(denied).hasMessageContaining("'g'");
    }

    // ---- alterConsumerGroupOffsets ---------------------------------------------------------------

    @Test
    void shouldCommitAsNoMemberAndRetryAfterNotCoordinator() throws Exception
    {
        broker.on(ApiKey.OFFSET_COMMIT, FakeBroker.inTurn(r -> committed(r, ErrorCode.NOT_COORDINATOR), r -> committed(r, ErrorCode.NONE)));
        final TopicPartition t0 = new TopicPartition("t", 0);

        get(admin().alterConsumerGroupOffsets(GROUP, Map.of(t0, new OffsetAndMetadata(9, Optional.of(2), "reset"))).all());

        final List<FakeBroker.Received> sent = broker.received(ApiKey.OFFSET_COMMIT);
        assertThat(sent).hasSize(2);
        final OffsetCommitRequest request = (OffsetCommitRequest)sent.get(1).request();
        assertThat(request.groupId()).isEqualTo(GROUP);
        assertThat(request.generationIdOrMemberEpoch()).isEqualTo(-1);
        assertThat(request.memberId()).isEmpty();
        assertThat(request.groupInstanceId()).isNull();
        assertThat(request.topics()).singleElement().satisfies(t -> assertThat(t.partitions())
            .containsExactly(new OffsetCommitRequest.Partition(0, 9, 2, "reset")));
    }

    @Test
    void shouldSayTheGroupIsNotEmptyWhenTheCoordinatorRefusesACommitByNoMember()
    {
        broker.on(ApiKey.OFFSET_COMMIT, r -> committed(r, ErrorCode.UNKNOWN_MEMBER_ID));
        final TopicPartition t0 = new TopicPartition("t", 0);

        final AlterConsumerGroupOffsetsResult result = admin().alterConsumerGroupOffsets(GROUP, Map.of(t0, new OffsetAndMetadata(1)));

        final OspreyException refused = ospreyFailure(result.partitionResult(t0));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(refused).hasMessageContaining("Group 'g' is not empty: stop its consumers first");
        assertThat(broker.received(ApiKey.OFFSET_COMMIT)).hasSize(1);
    }

    // ---- listOffsets -----------------------------------------------------------------------------

    @Test
    void shouldListOffsetsAtTheLeaderWithItsEpochAndFailPartitionsThatDoNotExist() throws Exception
    {
        withTopics(topic("t", 2, FakeBroker.NODE_ID));
        broker.on(ApiKey.LIST_OFFSETS, r -> offsetsAnswer(r, 100, ErrorCode.NONE));
        final TopicPartition t0 = new TopicPartition("t", 0);
        final TopicPartition t1 = new TopicPartition("t", 1);
        final TopicPartition t9 = new TopicPartition("t", 9);
        final TopicPartition missing = new TopicPartition("missing", 0);
        final Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
        specs.put(t0, OffsetSpec.latest());
        specs.put(t1, OffsetSpec.forTimestamp(1234));
        specs.put(t9, OffsetSpec.earliest());
        specs.put(missing, OffsetSpec.earliest());

        final ListOffsetsResult result = admin().listOffsets(specs);

        assertThat(get(result.partitionResult(t0))).isEqualTo(new ListOffsetsResult.ListOffsetsResultInfo(100, -1, Optional.of(7)));
        assertThat(get(result.partitionResult(t1)).offset()).isEqualTo(100);
        assertThat(ospreyFailure(result.partitionResult(t9))).hasMessageContaining("Partition t-9 does not exist");
        assertThat(ospreyFailure(result.partitionResult(missing)).errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        final ListOffsetsRequest request = (ListOffsetsRequest)broker.received(ApiKey.LIST_OFFSETS).get(0).request();
        assertThat(request.replicaId()).isEqualTo(-1);
        assertThat(request.topics()).singleElement().satisfies(t -> assertThat(t.partitions())
            .containsExactly(new ListOffsetsRequest.Partition(0, 7, -1L), new ListOffsetsRequest.Partition(1, 7, 1234L)));
        assertThat(broker.received(ApiKey.METADATA)).map(r -> (MetadataRequest)r.request())
            .filteredOn(m -> m.topics() != null && !m.topics().isEmpty()).allSatisfy(m -> assertThat(m.allowAutoTopicCreation()).isFalse());
    }

    @Test
    void shouldLookTheLeaderUpAgainWhenItMoved() throws Exception
    {
        withTopics(topic("t", 1, FakeBroker.NODE_ID));
        broker.on(ApiKey.LIST_OFFSETS, FakeBroker.inTurn(r -> offsetsAnswer(r, -1, ErrorCode.NOT_LEADER_OR_FOLLOWER),
            r -> offsetsAnswer(r, 55, ErrorCode.NONE)));
        final TopicPartition t0 = new TopicPartition("t", 0);

        assertThat(get(admin().listOffsets(Map.of(t0, OffsetSpec.earliest())).partitionResult(t0)).offset()).isEqualTo(55);

        assertThat(broker.received(ApiKey.LIST_OFFSETS)).hasSize(2);
        assertThat(broker.received(ApiKey.METADATA)).map(r -> (MetadataRequest)r.request())
            .filteredOn(m -> m.topics() != null && !m.topics().isEmpty()).hasSizeGreaterThanOrEqualTo(2);
    }

    // ---- Lag -------------------------------------------------------------------------------------

    @Test
    void shouldComputeLagPerPartitionWithTheOwnerAndTotal() throws Exception
    {
        final TopicPartition t0 = new TopicPartition("t", 0);
        final TopicPartition t1 = new TopicPartition("t", 1);
        broker.on(ApiKey.DESCRIBE_GROUPS, r -> stableGroup(member("m1", t0, t1), member("idle")));
        broker.on(ApiKey.OFFSET_FETCH, r -> fetched(ErrorCode.NONE, new OffsetFetchResponse.Topic("t", List.of(
            new OffsetFetchResponse.Partition(0, 60, -1, "", (short)0)))));
        withTopics(topic("t", 2, FakeBroker.NODE_ID));
        broker.on(ApiKey.LIST_OFFSETS, r -> offsetsAnswer(r, 100, ErrorCode.NONE));

        final ConsumerGroupLag lag = get(ConsumerGroupLag.compute(admin(), GROUP));

        assertThat(lag.partitions()).hasSize(2);
        final ConsumerGroupLag.PartitionLag p0 = lag.partitions().get(0);
        assertThat(p0.partition()).isEqualTo(t0);
        assertThat(p0.committedOffset()).isEqualTo(OptionalLong.of(60));
        assertThat(p0.logEndOffset()).isEqualTo(OptionalLong.of(100));
        assertThat(p0.lag()).isEqualTo(OptionalLong.of(40));
        assertThat(p0.owner()).map(MemberDescription::consumerId).contains("m1");
        final ConsumerGroupLag.PartitionLag p1 = lag.partitions().get(1);
        assertThat(p1.committedOffset()).isEmpty();
        assertThat(p1.lag()).isEmpty();
        assertThat(lag.totalLag()).isEqualTo(40);
        assertThat(lag.membersWithoutPartitions()).extracting(MemberDescription::consumerId).containsExactly("idle");
    }
}
