package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import io.osprey.common.errors.DisconnectException;
import io.osprey.common.errors.RequestTimeoutException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.CreatePartitionsResponse;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;
import io.osprey.protocol.message.DeleteTopicsResponse;
import io.osprey.protocol.message.DescribeClusterResponse;
import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeConfigsResponse;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.testing.FakeBroker;

/** The admin client's calls, retries and timeouts against a scripted broker. */
class OspreyAdminTest
{
    private static final long WAIT_S = 10;

    private FakeBroker broker;
    private Admin admin;

    @BeforeEach
    void startBroker() throws IOException
    {
        broker = new FakeBroker();
    }

    @AfterEach
    void stop() throws IOException
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        broker.close();
    }

    private Admin admin(final Object... keyValues)
    {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrap());
        config.put("retry.backoff.ms", 10);
        config.put("retry.backoff.max.ms", 50);
        for (int i = 0; i < keyValues.length; i += 2)
        {
            config.put((String)keyValues[i], keyValues[i + 1]);
        }
        admin = Admin.create(config);
        return admin;
    }

    private static <T> T get(final CompletableFuture<T> future) throws Exception
    {
        return future.get(WAIT_S, TimeUnit.SECONDS);
    }

    /** The exception a future failed with, unwrapped. */
    private static Throwable failure(final CompletableFuture<?> future)
    {
        final Throwable thrown = catchThrowable(() -> future.get(WAIT_S, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    private static OspreyException ospreyFailure(final CompletableFuture<?> future)
    {
        final Throwable cause = failure(future);
        assertThat(cause).isInstanceOf(OspreyException.class);
        return (OspreyException)cause;
    }

    private static CreateTopicsResponse.CreatableTopicResult created(final String name, final ErrorCode error, final String message)
    {
        return new CreateTopicsResponse.CreatableTopicResult(name, CreateTopicsResponse.NO_TOPIC_ID, error.code, message, (short)0, -1,
            (short)-1, null);
    }

    // ---- Per-topic outcomes ----------------------------------------------------------------------

    @Test
    void shouldFailATopicWithTheBrokersErrorCodeAndMessageAndCompleteTheOthers() throws Exception
    {
        final UUID id = UUID.randomUUID();
        broker.on(ApiKey.CREATE_TOPICS, r -> new CreateTopicsResponse(0, List.of(
            created("a", ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'a' already exists."),
            new CreateTopicsResponse.CreatableTopicResult("b", id, (short)0, null, (short)0, 3, (short)1,
                List.of(new CreateTopicsResponse.CreatableTopicConfigs("retention.ms", "1000", false, (byte)1, false))))));

        final CreateTopicsResult result = admin().createTopics(List.of(new NewTopic("a", 1, (short)1), new NewTopic("b", 3, (short)1)));

        final OspreyException exists = ospreyFailure(result.values().get("a"));
        assertThat(exists.errorCode()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
        assertThat(exists).hasMessage("Topic 'a' already exists.");
        assertThat(get(result.topicId("b"))).isEqualTo(id);
        assertThat(get(result.numPartitions("b"))).isEqualTo(3);
        assertThat(get(result.config("b")).get("retention.ms").value()).isEqualTo("1000");
        assertThat(failure(result.all())).isSameAs(exists);
    }

    @Test
    void shouldRetryOnlyTheTopicsAnsweredNotControllerAfterRefreshingMetadata() throws Exception
    {
        broker.on(ApiKey.CREATE_TOPICS, FakeBroker.inTurn(
            r -> new CreateTopicsResponse(0, List.of(created("a", ErrorCode.NOT_CONTROLLER, "Not the controller"),
                created("b", ErrorCode.NONE, null))),
            r -> new CreateTopicsResponse(0, List.of(created("a", ErrorCode.NONE, null)))));

        final CreateTopicsResult result = admin().createTopics(List.of(new NewTopic("a", 1, (short)1), new NewTopic("b", 1, (short)1)),
            new CreateTopicsOptions().validateOnly(true));

        get(result.all());
        final List<FakeBroker.Received> sent = broker.received(ApiKey.CREATE_TOPICS);
        assertThat(sent).hasSize(2);
        assertThat(((CreateTopicsRequest)sent.get(0).request()).validateOnly()).isTrue();
        assertThat(((CreateTopicsRequest)sent.get(1).request()).topics()).extracting(CreateTopicsRequest.CreatableTopic::name)
            .containsExactly("a");
        // One metadata request at start-up, one more because the controller moved.
        assertThat(broker.received(ApiKey.METADATA).size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldFailTopicsTheResponseDoesNotMention() throws Exception
    {
        broker.on(ApiKey.CREATE_PARTITIONS, r -> new CreatePartitionsResponse(0,
            List.of(new CreatePartitionsResponse.CreatePartitionsTopicResult("a", (short)0, null))));

        final CreatePartitionsResult result = admin().createPartitions(Map.of("a", 4, "b", 2));

        get(result.values().get("a"));
        final OspreyException missing = ospreyFailure(result.values().get("b"));
        assertThat(missing.errorCode()).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
        assertThat(missing).hasMessageContaining("did not mention topic 'b'");
    }

    @Test
    void shouldFailNamesNoRequestCanCarryWithoutAskingTheBroker() throws Exception
    {
        final DescribeTopicsResult result = admin().describeTopics(List.of(""));

        final OspreyException invalid = ospreyFailure(result.topicNameValues().get(""));
        assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);
        assertThat(broker.received(ApiKey.METADATA)).allSatisfy(r -> assertThat(((MetadataRequest)r.request()).topics()).isEmpty());
    }

    // ---- Retries and timeouts --------------------------------------------------------------------

    @Test
    void shouldRetryOnANewConnectionAfterTheOldOneDropped() throws Exception
    {
        broker.on(ApiKey.DELETE_TOPICS, FakeBroker.inTurn(FakeBroker.drop(),
            r -> new DeleteTopicsResponse(0, List.of(new DeleteTopicsResponse.DeletableTopicResult("a", UUID.randomUUID(), (short)0, null)))));

        get(admin().deleteTopics(List.of("a")).all());

        final List<FakeBroker.Received> sent = broker.received(ApiKey.DELETE_TOPICS);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).connection()).isNotEqualTo(sent.get(0).connection());
    }

    @Test
    void shouldGiveUpAfterTheConfiguredRetries()
    {
        broker.on(ApiKey.DELETE_TOPICS, FakeBroker.drop());

        final DeleteTopicsResult result = admin("retries", 0).deleteTopics(List.of("a"));

        assertThat(failure(result.all())).isInstanceOf(DisconnectException.class);
        assertThat(broker.received(ApiKey.DELETE_TOPICS)).hasSize(1);
    }

    @Test
    void shouldRetryUnansweredRequestsUntilTheApiTimeoutThenNameTheLastError()
    {
        broker.on(ApiKey.DESCRIBE_CONFIGS, r -> null);
        final long startNs = System.nanoTime();

        final DescribeConfigsResult result = admin("request.timeout.ms", 300, "default.api.timeout.ms", 1200)
            .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "t")));

        final Throwable timeout = failure(result.all());
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertThat(timeout).isInstanceOf(RequestTimeoutException.class)
            .hasMessageContaining("describeConfigs timed out after")
            .hasMessageContaining("the last attempt failed with REQUEST_TIMED_OUT");
        assertThat(timeout.getCause()).isInstanceOf(RequestTimeoutException.class);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(1100L);
        assertThat(broker.received(ApiKey.DESCRIBE_CONFIGS).size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldHonourACallsOwnTimeout()
    {
        broker.on(ApiKey.DESCRIBE_CONFIGS, r -> null);
        final long startNs = System.nanoTime();

        final DescribeConfigsResult result = admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "t")),
            new DescribeConfigsOptions().timeoutMs(300));

        assertThat(failure(result.all())).isInstanceOf(RequestTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(5000L);
    }

    @Test
    void shouldSayWhichNodeItWaitedForWhenItCouldNotSend()
    {
        final ConfigResource absent = new ConfigResource(ConfigResource.Type.BROKER, "2");

        final DescribeConfigsResult result = admin().describeConfigs(List.of(absent), new DescribeConfigsOptions().timeoutMs(500));

        assertThat(failure(result.all())).isInstanceOf(RequestTimeoutException.class)
            .hasMessageContaining("broker 2 is not among the brokers in the cluster metadata");
        assertThat(broker.received(ApiKey.DESCRIBE_CONFIGS)).isEmpty();
    }

    // ---- Cluster -----------------------------------------------------------------------------------

    @Test
    void shouldDescribeTheClusterWithDescribeClusterWhenTheBrokerServesIt() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_CLUSTER, r -> new DescribeClusterResponse(0, (short)0, null, (byte)1, "from-describe-cluster",
            FakeBroker.NODE_ID, List.of(new DescribeClusterResponse.DescribeClusterBroker(FakeBroker.NODE_ID, "127.0.0.1", broker.port(), "r1")),
            DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED));

        final DescribeClusterResult result = admin().describeCluster();

        assertThat(get(result.clusterId())).isEqualTo("from-describe-cluster");
        assertThat(get(result.controller())).isEqualTo(new Node(FakeBroker.NODE_ID, "127.0.0.1", broker.port(), "r1"));
        assertThat(get(result.nodes())).containsExactly(new Node(FakeBroker.NODE_ID, "127.0.0.1", broker.port(), "r1"));
    }

    @Test
    void shouldDescribeTheClusterFromMetadataWhenTheBrokerLacksDescribeCluster() throws Exception
    {
        broker.withhold(ApiKey.DESCRIBE_CLUSTER);

        final DescribeClusterResult result = admin().describeCluster();

        assertThat(get(result.clusterId())).isEqualTo(FakeBroker.CLUSTER_ID);
        assertThat(get(result.controller()).id()).isEqualTo(FakeBroker.NODE_ID);
        assertThat(get(result.nodes())).extracting(Node::port).containsExactly(broker.port());
        assertThat(broker.received(ApiKey.DESCRIBE_CLUSTER)).isEmpty();
    }

    // ---- Topics from metadata ----------------------------------------------------------------------

    @Test
    void shouldDescribeTopicsWithLeaderReplicasAndIsrWithoutCreatingThem() throws Exception
    {
        final UUID id = UUID.randomUUID();
        broker.on(ApiKey.METADATA, r -> ((MetadataRequest)r.request()).topics().isEmpty() ? broker.metadata(List.of()) : broker.metadata(List.of(
            new MetadataResponse.Topic((short)0, "t", id, false, List.of(
                new MetadataResponse.Partition((short)0, 1, FakeBroker.NODE_ID, 0, List.of(1, 2), List.of(1), List.of()),
                new MetadataResponse.Partition((short)5, 0, -1, 0, List.of(1), List.of(), List.of())), 0),
            new MetadataResponse.Topic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, "missing", MetadataRequest.ZERO_UUID, false, List.of(), 0))));

        final DescribeTopicsResult result = admin().describeTopics(List.of("t", "missing"));

        final TopicDescription t = get(result.topicNameValues().get("t"));
        final Node self = new Node(FakeBroker.NODE_ID, "127.0.0.1", broker.port(), null);
        assertThat(t.topicId()).isEqualTo(id);
        assertThat(t.partitions()).containsExactly(
            new TopicPartitionInfo(0, null, List.of(self), List.of()),
            new TopicPartitionInfo(1, self, List.of(self, new Node(2, "", -1, null)), List.of(self)));
        final OspreyException missing = ospreyFailure(result.topicNameValues().get("missing"));
        assertThat(missing.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(missing).hasMessage("Topic 'missing' does not exist.");
        assertThat(broker.received(ApiKey.METADATA)).map(r -> (MetadataRequest)r.request())
            .filteredOn(m -> !m.topics().isEmpty()).allSatisfy(m -> assertThat(m.allowAutoTopicCreation()).isFalse());
    }

    @Test
    void shouldListTopicsLeavingInternalOnesOutUnlessAsked() throws Exception
    {
        broker.on(ApiKey.METADATA, r -> ((MetadataRequest)r.request()).topics() != null ? broker.metadata(List.of()) : broker.metadata(List.of(
            new MetadataResponse.Topic((short)0, "b", UUID.randomUUID(), false, List.of(), 0),
            new MetadataResponse.Topic((short)0, "__internal", UUID.randomUUID(), true, List.of(), 0),
            new MetadataResponse.Topic((short)0, "a", UUID.randomUUID(), false, List.of(), 0),
            new MetadataResponse.Topic(ErrorCode.LEADER_NOT_AVAILABLE.code, "c", MetadataRequest.ZERO_UUID, false, List.of(), 0))));

        assertThat(get(admin().listTopics().names())).containsExactly("a", "b");
        final Collection<TopicListing> all = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).listings());
        assertThat(all).extracting(TopicListing::name).containsExactly("__internal", "a", "b");
        assertThat(all).filteredOn(TopicListing::isInternal).extracting(TopicListing::name).containsExactly("__internal");
    }

    // ---- Configs ---------------------------------------------------------------------------------

    @Test
    void shouldAskOfABrokerItsOwnConfigsAndRefuseANameThatIsNoNodeId() throws Exception
    {
        broker.on(ApiKey.DESCRIBE_CONFIGS, r ->
        {
            final DescribeConfigsRequest request = (DescribeConfigsRequest)r.request();
            return new DescribeConfigsResponse(0, request.resources().stream().map(res -> new DescribeConfigsResponse.DescribeConfigsResult(
                (short)0, null, res.resourceType(), res.resourceName(), List.of(new DescribeConfigsResponse.DescribeConfigsResourceResult(
                    "k", res.resourceName(), false, (byte)5, false, List.of(), (byte)2, request.includeDocumentation() ? "doc" : null))))
                .toList());
        });
        final ConfigResource self = new ConfigResource(ConfigResource.Type.BROKER, "1");
        final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "t");
        final ConfigResource named = new ConfigResource(ConfigResource.Type.BROKER, "broker-a");

        final DescribeConfigsResult result = admin().describeConfigs(List.of(self, topic, named),
            new DescribeConfigsOptions().includeDocumentation(true));

        assertThat(get(result.values().get(self)).get("k").value()).isEqualTo("1");
        assertThat(get(result.values().get(topic)).get("k")).isEqualTo(new ConfigEntry("k", "t", ConfigEntry.ConfigSource.DEFAULT_CONFIG,
            false, false, ConfigEntry.ConfigType.STRING, "doc"));
        assertThat(ospreyFailure(result.values().get(named)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        // One request per target: broker 1 for its own resource, any node for the topic.
        assertThat(broker.received(ApiKey.DESCRIBE_CONFIGS)).hasSize(2);
    }

    @Test
    void shouldSendEachAlterOpWithItsIdAndFailTheResourceWithTheBrokersMessage() throws Exception
    {
        broker.on(ApiKey.INCREMENTAL_ALTER_CONFIGS, r -> new IncrementalAlterConfigsResponse(0, List.of(
            new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(ErrorCode.INVALID_CONFIG.code,
                "Invalid value 'x' for configuration 'retention.ms'", (byte)2, "t"))));
        final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "t");

        final AlterConfigsResult result = admin().incrementalAlterConfigs(Map.of(topic, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "x"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("segment.ms", null), AlterConfigOp.OpType.DELETE),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT))),
            new AlterConfigsOptions().validateOnly(true));

        final OspreyException invalid = ospreyFailure(result.values().get(topic));
        assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(invalid).hasMessageContaining("'retention.ms'");
        final IncrementalAlterConfigsRequest sent = (IncrementalAlterConfigsRequest)broker.received(ApiKey.INCREMENTAL_ALTER_CONFIGS).get(0)
            .request();
        assertThat(sent.validateOnly()).isTrue();
        assertThat(sent.resources().get(0).configs()).extracting(IncrementalAlterConfigsRequest.AlterableConfig::configOperation)
            .containsExactly((byte)0, (byte)1, (byte)2, (byte)3);
    }

    // ---- Closing ---------------------------------------------------------------------------------

    @Test
    void shouldFailCallsStillRunningWhenTheCloseTimeoutPassesAndRefuseNewOnes()
    {
        broker.on(ApiKey.DESCRIBE_CONFIGS, r -> null);
        final Admin a = admin();
        final DescribeConfigsResult pending = a.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "t")));
        final long startNs = System.nanoTime();

        a.close(Duration.ofMillis(200));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(5000L);
        assertThat(pending.all()).isCompletedExceptionally();
        assertThat(failure(pending.all())).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("closed");
        assertThat(failure(a.listTopics().names())).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("accepts no new calls");
    }

    @Test
    void shouldNotWaitForItselfWhenClosedFromACallback() throws Exception
    {
        final Admin a = admin();
        final CompletableFuture<Void> closed = a.listTopics().names().thenAccept(names -> a.close(Duration.ofSeconds(1)));

        get(closed);
        assertThat(failure(a.describeCluster().clusterId())).isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void shouldRefuseANegativeCloseTimeout()
    {
        assertThatThrownBy(() -> admin().close(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
