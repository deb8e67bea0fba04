package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The referee: Kafka's own producer, consumer and admin client against a live Osprey node.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaClientCompatibilityTest
{
    private TestBroker broker;
    private Admin admin;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterAll
    void stop()
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null)
        {
            broker.close();
        }
    }

    static Properties producerProps(final String bootstrap)
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    static Properties consumerProps(final String bootstrap)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /** Reads everything from the beginning of the given partitions up to their end offsets. */
    static List<ConsumerRecord<String, String>> readAll(final String bootstrap, final Collection<TopicPartition> partitions)
    {
        final List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap)))
        {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline &&
                partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)))
            {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void shouldProduceKeyedRecordsWithTheDefaultProducerAndReadThemBackInOrder() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("orders", 4, (short)1))).all().get();
        final int count = 2000;
        final Map<String, Integer> partitionOfKey = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrap())))
        {
            final List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                sent.add(producer.send(new ProducerRecord<>("orders", "key-" + (i % 37), "value-" + i)));
            }
            for (int i = 0; i < count; i++)
            {
                final RecordMetadata md = sent.get(i).get();
                final Integer before = partitionOfKey.putIfAbsent("key-" + (i % 37), md.partition());
                assertThat(before == null || before == md.partition()).as("same key, same partition").isTrue();
            }
        }
        final List<TopicPartition> tps = List.of(0, 1, 2, 3).stream().map(p -> new TopicPartition("orders", p)).toList();
        final List<ConsumerRecord<String, String>> records = readAll(broker.bootstrap(), tps);
        assertThat(records).hasSize(count);
        final Map<Integer, List<ConsumerRecord<String, String>>> byPartition =
            records.stream().collect(Collectors.groupingBy(ConsumerRecord::partition));
        for (final List<ConsumerRecord<String, String>> part : byPartition.values())
        {
            int lastValue = -1;
            long lastOffset = -1;
            for (final ConsumerRecord<String, String> r : part)
            {
                final int v = Integer.parseInt(r.value().substring("value-".length()));
                assertThat(v).as("order within a partition").isGreaterThan(lastValue);
                assertThat(r.offset()).isEqualTo(lastOffset + 1);
                assertThat(partitionOfKey.get(r.key())).isEqualTo(r.partition());
                assertThat(r.key()).isEqualTo("key-" + (v % 37));
                lastValue = v;
                lastOffset = r.offset();
            }
        }
    }

    @Test
    void shouldServeEveryCompressionCodecAndAcksSetting() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("codecs", 1, (short)1))).all().get();
        int expected = 0;
        for (final String codec : List.of("none", "gzip", "lz4", "zstd"))
        {
            for (final String acks : List.of("0", "1", "all"))
            {
                final Properties p = producerProps(broker.bootstrap());
                p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                p.put(ProducerConfig.ACKS_CONFIG, acks);
                if (!acks.equals("all"))
                {
                    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
                }
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
                {
                    for (int i = 0; i < 100; i++)
                    {
                        producer.send(new ProducerRecord<>("codecs", codec + "-" + i, codec + "/" + acks + "/" + i));
                    }
                    producer.flush();
                }
                expected += 100;
            }
        }
        final TopicPartition tp = new TopicPartition("codecs", 0);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> readAll(broker.bootstrap(), List.of(tp)).size() >= 1200);
        final List<ConsumerRecord<String, String>> records = readAll(broker.bootstrap(), List.of(tp));
        assertThat(records).hasSize(expected);
        assertThat(records.stream().map(ConsumerRecord::value).collect(Collectors.toSet())).hasSize(expected);
    }

    @Test
    void shouldCreateDescribeAlterAndDeleteTopicsWithTheAdminClient() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("admin-topic", 3, (short)1)
            .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete")))).all().get();
        assertThat(admin.listTopics().names().get()).contains("admin-topic");
        final TopicDescription d = admin.describeTopics(List.of("admin-topic")).allTopicNames().get().get("admin-topic");
        assertThat(d.partitions()).hasSize(3);
        assertThat(d.topicId()).isNotNull();
        assertThat(d.partitions().get(0).leader().id()).isEqualTo(1);

        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("admin-topic", 1, (short)1))).all().get())
            .hasCauseInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short)1))).all().get())
            .hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short)1)
            .configs(Map.of("retention.ms", "soon")))).all().get())
            .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidConfigurationException.class)
            .hasMessageContaining("retention.ms");

        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-topic");
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("segment.bytes").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("max.message.bytes", "2000000"), AlterConfigOp.OpType.SET)))).all().get();
        config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("7200000");
        assertThat(config.get("max.message.bytes").value()).isEqualTo("2000000");

        admin.createPartitions(Map.of("admin-topic", NewPartitions.increaseTo(5))).all().get();
        assertThat(admin.describeTopics(List.of("admin-topic")).allTopicNames().get().get("admin-topic").partitions()).hasSize(5);

        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.broker().clusterId());

        admin.deleteTopics(List.of("admin-topic")).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-topic");
        assertThatThrownBy(() -> admin.deleteTopics(List.of("admin-topic")).all().get())
            .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void shouldFindOffsetsByTimestampAndEnds() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("times", 1, (short)1))).all().get();
        final long base = 1_700_000_000_000L;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrap())))
        {
            for (int i = 0; i < 100; i++)
            {
                producer.send(new ProducerRecord<>("times", 0, base + i * 10L, "k", "v" + i));
            }
        }
        final TopicPartition tp = new TopicPartition("times", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker.bootstrap())))
        {
            final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, base + 555));
            assertThat(found.get(tp).offset()).isEqualTo(56);
            assertThat(found.get(tp).timestamp()).isEqualTo(base + 560);
            assertThat(consumer.beginningOffsets(List.of(tp)).get(tp)).isZero();
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isEqualTo(100);
            assertThat(consumer.offsetsForTimes(Map.of(tp, base + 5000)).get(tp)).isNull();
        }
    }

    @Test
    void shouldAutoCreateTopicsOnMetadataRequests() throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrap())))
        {
            final RecordMetadata md = producer.send(new ProducerRecord<>("auto-created", "k", "v")).get();
            assertThat(md.offset()).isZero();
        }
        assertThat(admin.listTopics().names().get()).contains("auto-created");
    }

    @Test
    void shouldLongPollUntilDataArrives() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("long-poll", 1, (short)1))).all().get();
        final TopicPartition tp = new TopicPartition("long-poll", 0);
        final Properties cp = consumerProps(broker.bootstrap());
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10000");
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp);
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrap())))
        {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofMillis(300)).count()).isZero();
            final Thread later = new Thread(() ->
            {
                try
                {
                    Thread.sleep(300);
                    producer.send(new ProducerRecord<>("long-poll", "k", "hello")).get();
                }
                catch (final InterruptedException | ExecutionException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            later.start();
            final long start = System.nanoTime();
            int got = 0;
            while (got == 0 && System.nanoTime() - start < 20_000_000_000L)
            {
                got = consumer.poll(Duration.ofSeconds(5)).count();
            }
            later.join();
            assertThat(got).isEqualTo(1);
        }
    }
}
