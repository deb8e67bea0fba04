package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.client.Node;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.server.TestBroker;

/**
 * Osprey's admin client against a real single-node broker, with Kafka's own admin client as
 * the referee: both must see the same topics and configs, whichever of them made the change.
 */
@Tag("integration")
class OspreyAdminIntegrationTest extends AdminRefereeTestBase
{
    OspreyAdminIntegrationTest()
    {
        super(15, "osprey-admin-it");
    }

    private static ConfigResource topicResource(final String topic)
    {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    private Config topicConfig(final String topic) throws Exception
    {
        return get(admin.describeConfigs(List.of(topicResource(topic))).values().get(topicResource(topic)));
    }

    private static UUID uuid(final Uuid id)
    {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    // ---- Topics ----------------------------------------------------------------------------------

    @Test
    void shouldCreateListDescribeAndDeleteATopic() throws Exception
    {
        final CreateTopicsResult created = admin.createTopics(List.of(
            new NewTopic("roundtrip", 3, (short)1).configs(Map.of("retention.ms", "3600000"))));

        get(created.all());
        final UUID id = get(created.topicId("roundtrip"));
        assertThat(id).isNotEqualTo(new UUID(0, 0));
        assertThat(get(created.numPartitions("roundtrip"))).isEqualTo(3);
        assertThat(get(created.config("roundtrip")).get("retention.ms").value()).isEqualTo("3600000");
        assertThat(get(admin.listTopics().names())).contains("roundtrip");

        final TopicDescription description = get(admin.describeTopics(List.of("roundtrip")).allTopicNames()).get("roundtrip");
        final Node self = new Node(1, "127.0.0.1", broker.port(), null);
        assertThat(description.topicId()).isEqualTo(id);
        assertThat(description.isInternal()).isFalse();
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        assertThat(description.partitions()).allSatisfy(p ->
        {
            assertThat(p.leader()).isEqualTo(self);
            assertThat(p.replicas()).containsExactly(self);
            assertThat(p.isr()).containsExactly(self);
        });

        get(admin.deleteTopics(List.of("roundtrip")).all());
        assertThat(get(admin.listTopics().names())).doesNotContain("roundtrip");
        final OspreyException gone = brokerError(admin.describeTopics(List.of("roundtrip")).topicNameValues().get("roundtrip"));
        assertThat(gone.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        final OspreyException deleteAgain = brokerError(admin.deleteTopics(List.of("roundtrip")).all());
        assertThat(deleteAgain.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(deleteAgain).hasMessageContaining("roundtrip");
    }

    @Test
    void shouldTakeTheBrokersDefaultsForAnEmptyCountAndFactor() throws Exception
    {
        final CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())));

        assertThat(get(created.numPartitions("defaults"))).isEqualTo(1);
        assertThat(get(created.replicationFactor("defaults"))).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnExistingTopicWithTheBrokersCodeAndMessage() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("exists", 1, (short)1))).all());

        final OspreyException exists = brokerError(admin.createTopics(List.of(new NewTopic("exists", 1, (short)1))).all());

        assertThat(exists.errorCode()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
        assertThat(exists).hasMessage("Topic 'exists' already exists.");
    }

    @Test
    void shouldRefuseAnInvalidTopicName()
    {
        final OspreyException invalid = brokerError(admin.createTopics(List.of(new NewTopic("bad name!", 1, (short)1))).all());

        assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);
        assertThat(invalid).hasMessageContaining("bad name!");
        assertThat(brokerError(admin.describeTopics(List.of("bad name!")).allTopicNames()).errorCode())
            .isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);
    }

    @Test
    void shouldRefuseAnInvalidConfigNamingTheKey() throws Exception
    {
        final CreateTopicsResult result = admin.createTopics(List.of(
            new NewTopic("bad-value", 1, (short)1).configs(Map.of("retention.ms", "forever")),
            new NewTopic("bad-key", 1, (short)1).configs(Map.of("retention.mss", "1000"))));

        final OspreyException badValue = brokerError(result.values().get("bad-value"));
        assertThat(badValue.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(badValue).hasMessageContaining("retention.ms").hasMessageContaining("forever");
        final OspreyException badKey = brokerError(result.values().get("bad-key"));
        assertThat(badKey.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(badKey).hasMessageContaining("retention.mss");
        assertThat(get(admin.listTopics().names())).doesNotContain("bad-value", "bad-key");
    }

    @Test
    void shouldValidateWithoutCreating() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("validated", 2, (short)1)), new CreateTopicsOptions().validateOnly(true)).all());

        assertThat(get(admin.listTopics().names())).doesNotContain("validated");
    }

    @Test
    void shouldGrowPartitionsAndRefuseToShrinkThem() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("growing", 1, (short)1))).all());

        get(admin.createPartitions(Map.of("growing", 5), new CreatePartitionsOptions().validateOnly(true)).all());
        assertThat(get(admin.describeTopics(List.of("growing")).allTopicNames()).get("growing").partitions()).hasSize(1);
        get(admin.createPartitions(Map.of("growing", 3)).all());
        assertThat(get(admin.describeTopics(List.of("growing")).allTopicNames()).get("growing").partitions()).hasSize(3);

        final OspreyException shrink = brokerError(admin.createPartitions(Map.of("growing", 2)).all());
        assertThat(shrink.errorCode()).isEqualTo(ErrorCode.INVALID_PARTITIONS);
        assertThat(shrink).hasMessageContaining("growing");
        assertThat(brokerError(admin.createPartitions(Map.of("no-such-topic", 2)).all()).errorCode())
            .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }

    // ---- Configs ---------------------------------------------------------------------------------

    @Test
    void shouldSetAppendSubtractAndDeleteTopicConfigs() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("altered", 1, (short)1))).all());
        final ConfigEntry defaultRetention = topicConfig("altered").get("retention.ms");
        assertThat(defaultRetention.source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        alter("altered", op("retention.ms", "1000", AlterConfigOp.OpType.SET), op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        final Config set = topicConfig("altered");
        assertThat(set.get("retention.ms").value()).isEqualTo("1000");
        assertThat(set.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(set.get("retention.ms").type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(set.get("cleanup.policy").value()).isEqualTo("delete,compact");

        alter("altered", op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT), op("retention.ms", null, AlterConfigOp.OpType.DELETE));
        final Config deleted = topicConfig("altered");
        assertThat(deleted.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(deleted.get("retention.ms")).isEqualTo(defaultRetention);
    }

    @Test
    void shouldRefuseAnInvalidAlterationNamingTheKeyAndChangeNothing() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("refused", 1, (short)1))).all());
        final Config before = topicConfig("refused");

        final OspreyException invalid = brokerError(admin.incrementalAlterConfigs(Map.of(topicResource("refused"), List.of(
            op("retention.ms", "1000", AlterConfigOp.OpType.SET), op("segment.bytes", "tiny", AlterConfigOp.OpType.SET)))).all());

        assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(invalid).hasMessageContaining("segment.bytes");
        assertThat(topicConfig("refused")).isEqualTo(before);
    }

    @Test
    void shouldDescribeBrokerConfigsAndRefuseToAlterThem() throws Exception
    {
        final ConfigResource self = new ConfigResource(ConfigResource.Type.BROKER, "1");

        final Config config = get(admin.describeConfigs(List.of(self), new DescribeConfigsOptions().includeDocumentation(true)).all())
            .get(self);

        assertThat(config.entries()).isNotEmpty();
        assertThat(config.get("node.id").value()).isEqualTo("1");
        assertThat(config.entries()).anySatisfy(e -> assertThat(e.documentation()).isNotBlank());
        final OspreyException refused = brokerError(admin.incrementalAlterConfigs(Map.of(self,
            List.of(op("log.retention.ms", "1000", AlterConfigOp.OpType.SET)))).all());
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refused).hasMessageContaining("static");
    }

    // ---- Cluster -----------------------------------------------------------------------------------

    @Test
    void shouldDescribeTheCluster() throws Exception
    {
        final DescribeClusterResult result = admin.describeCluster();

        final Node self = new Node(1, "127.0.0.1", broker.port(), null);
        assertThat(get(result.clusterId())).isEqualTo(broker.broker().clusterId());
        assertThat(get(result.controller())).isEqualTo(self);
        assertThat(get(result.nodes())).containsExactly(self);
        assertThat(get(result.clusterId())).isEqualTo(get(kafka.describeCluster().clusterId()));
    }

    // ---- Kafka's admin as referee --------------------------------------------------------------------

    @Test
    void shouldSeeTheTopicsKafkasAdminSeesWhicheverClientMadeThem() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("made-by-osprey", 2, (short)1))).all());
        get(kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("made-by-kafka", 3, (short)1))).all());

        final Set<String> kafkaNames = get(kafka.listTopics().names());
        assertThat(get(admin.listTopics().names())).isEqualTo(kafkaNames).contains("made-by-osprey", "made-by-kafka");
        final List<String> both = List.of("made-by-osprey", "made-by-kafka");
        final Map<String, TopicDescription> ours = get(admin.describeTopics(both).allTopicNames());
        final Map<String, org.apache.kafka.clients.admin.TopicDescription> theirs = get(kafka.describeTopics(both).allTopicNames());
        for (final String name : both)
        {
            assertThat(ours.get(name).topicId()).isEqualTo(uuid(theirs.get(name).topicId()));
            assertThat(ours.get(name).partitions()).hasSameSizeAs(theirs.get(name).partitions());
            assertThat(ours.get(name).partitions()).extracting(p -> p.leader().id())
                .containsExactlyElementsOf(theirs.get(name).partitions().stream().map(p -> p.leader().id()).toList());
        }

        get(kafka.deleteTopics(List.of("made-by-osprey")).all());
        assertThat(get(admin.listTopics().names())).doesNotContain("made-by-osprey");
    }

    @Test
    void shouldSeeTheConfigsKafkasAdminSeesWhicheverClientChangedThem() throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic("shared-configs", 1, (short)1).configs(Map.of("segment.ms", "600000")))).all());
        final org.apache.kafka.common.config.ConfigResource kafkaResource = new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "shared-configs");
        get(kafka.incrementalAlterConfigs(Map.of(kafkaResource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
            new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", "7200000"),
            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all());

        final Config ours = topicConfig("shared-configs");
        final org.apache.kafka.clients.admin.Config theirs = get(kafka.describeConfigs(List.of(kafkaResource)).all()).get(kafkaResource);

        assertThat(ours.get("segment.ms").value()).isEqualTo("600000");
        assertThat(ours.get("retention.ms").value()).isEqualTo("7200000");
        assertThat(summary(ours.entries(), ConfigEntry::name, e -> e.value() + "|" + e.source().name() + "|" + e.isReadOnly() + "|"
            + e.isSensitive()))
            .isEqualTo(summary(theirs.entries(), org.apache.kafka.clients.admin.ConfigEntry::name, e -> e.value() + "|" + e.source().name()
                + "|" + e.isReadOnly() + "|" + e.isSensitive()));
    }

    // ---- Retries -----------------------------------------------------------------------------------

    @Test
    void shouldRetryAcrossABrokerRestartUntilItIsBack(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker restarting = new TestBroker(tmp.resolve("restarting"));
            Admin patient = Admin.create(Map.of("bootstrap.servers", restarting.bootstrap(), "retry.backoff.max.ms", 200,
                "reconnect.backoff.max.ms", 200)))
        {
            get(patient.createTopics(List.of(new NewTopic("survivor", 1, (short)1))).all());
            restarting.broker().close();

            final CompletableFuture<Set<String>> names = patient.listTopics().names();
            // The call must still be waiting, retrying, while the broker is down.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !names.isDone());
            restarting.start();

            assertThat(get(names)).contains("survivor");
        }
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private static AlterConfigOp op(final String name, final String value, final AlterConfigOp.OpType type)
    {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private void alter(final String topic, final AlterConfigOp... ops) throws Exception
    {
        get(admin.incrementalAlterConfigs(Map.of(topicResource(topic), List.of(ops))).all());
    }

    private static <E> Map<String, String> summary(final Collection<E> entries, final Function<E, String> name, final Function<E, String> value)
    {
        final Map<String, String> out = new HashMap<>();
        entries.forEach(e -> out.put(name.apply(e), value.apply(e)));
        return out;
    }
}
