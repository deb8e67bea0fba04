package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second referee: Kafka 3.9 clients against a live Osprey node.
 *
 * <p>Compiled against kafka-clients 4.x but run only by the broker's {@code kafka-3.9} surefire
 * execution, which swaps in kafka-clients 3.9.x, so this class uses only API present in both.
 * The default execution excludes the {@code kafka39} tag.
 */
@Tag("kafka39")
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Kafka39CompatibilityTest
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

    @Test
    void shouldRunWithTheKafka39ClientsOnTheClasspath()
    {
        final String version = AppInfoParser.getVersion();
        final String jar = String.valueOf(KafkaProducer.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("kafka-clients version " + version + " loaded from " + jar);
        assertThat(version).startsWith("3.9");
        assertThat(jar).contains("kafka-clients-3.9");
    }

    private Properties producerProps()
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private Properties consumerProps()
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /** Reads everything from the beginning of the given partitions up to their end offsets, with assign. */
    private List<ConsumerRecord<String, String>> readAll(final Collection<TopicPartition> partitions)
    {
        final List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps()))
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

    private static List<TopicPartition> partitions(final String topic, final int count)
    {
        final List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < count; p++)
        {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    /** What was sent, as the broker acknowledged it. */
    private record Sent(String key, String value, String header, int partition, long offset, long timestamp)
    {
    }

    @Test
    void shouldProduceIdempotentlyWithAcksAllAndReadBackIdenticalRecordsInOrder() throws Exception
    {
        final String topic = "orders-39";
        final int partitionCount = 3;
        admin.createTopics(List.of(new NewTopic(topic, partitionCount, (short)1))).all().get();

        final int count = 3000;
        final Properties p = producerProps();
        // The 3.x defaults, spelled out: idempotence on, acks=all.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        final List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            final List<Future<RecordMetadata>> futures = new ArrayList<>();
            final List<ProducerRecord<String, String>> records = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                final ProducerRecord<String, String> record =
                    new ProducerRecord<>(topic, "key-" + (i % 41), "value-" + i + "-" + "x".repeat(i % 97));
                record.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                records.add(record);
                futures.add(producer.send(record));
            }
            for (int i = 0; i < count; i++)
            {
                final RecordMetadata md = futures.get(i).get();
                final ProducerRecord<String, String> r = records.get(i);
                sent.add(new Sent(r.key(), r.value(), Integer.toString(i), md.partition(), md.offset(), md.timestamp()));
            }
        }

        final Map<String, Integer> partitionOfKey = new HashMap<>();
        for (final Sent s : sent)
        {
            final Integer before = partitionOfKey.putIfAbsent(s.key(), s.partition());
            assertThat(before == null || before == s.partition()).as("same key, same partition").isTrue();
        }

        final List<ConsumerRecord<String, String>> read = readAll(partitions(topic, partitionCount));
        assertThat(read).hasSize(count);
        final Map<TopicPartition, Long> nextOffset = new HashMap<>();
        final Map<Integer, List<Sent>> sentByPartition = new HashMap<>();
        for (final Sent s : sent)
        {
            sentByPartition.computeIfAbsent(s.partition(), k -> new ArrayList<>()).add(s);
        }
        final Map<Integer, Integer> indexInPartition = new HashMap<>();
        for (final ConsumerRecord<String, String> r : read)
        {
            final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            final long expectedOffset = nextOffset.getOrDefault(tp, 0L);
            assertThat(r.offset()).as("contiguous offsets in " + tp).isEqualTo(expectedOffset);
            nextOffset.put(tp, expectedOffset + 1);

            final int index = indexInPartition.merge(r.partition(), 1, Integer::sum) - 1;
            final Sent s = sentByPartition.get(r.partition()).get(index);
            assertThat(r.offset()).isEqualTo(s.offset());
            assertThat(r.key()).isEqualTo(s.key());
            assertThat(r.value()).isEqualTo(s.value());
            assertThat(r.timestamp()).isEqualTo(s.timestamp());
            final Header[] headers = r.headers().toArray();
            assertThat(headers).hasSize(1);
            assertThat(headers[0].key()).isEqualTo("seq");
            assertThat(new String(headers[0].value(), StandardCharsets.UTF_8)).isEqualTo(s.header());
        }
        for (final Map.Entry<Integer, List<Sent>> e : sentByPartition.entrySet())
        {
            assertThat(nextOffset.get(new TopicPartition(topic, e.getKey()))).isEqualTo((long)e.getValue().size());
        }
    }

    @Test
    void shouldServeEveryCompressionCodec() throws Exception
    {
        final String topic = "codecs-39";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get();
        final List<String> expected = new ArrayList<>();
        for (final String codec : List.of("none", "gzip", "lz4", "zstd"))
        {
            final Properties p = producerProps();
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
            {
                for (int i = 0; i < 200; i++)
                {
                    final String value = codec + "/" + i + "/" + "payload".repeat(i % 13);
                    producer.send(new ProducerRecord<>(topic, codec + "-" + i, value));
                    expected.add(value);
                }
                producer.flush();
            }
        }
        final List<String> values = readAll(partitions(topic, 1)).stream().map(ConsumerRecord::value).toList();
        assertThat(values).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldCreateDescribeAlterAndDeleteTopicsWithTheAdminClient() throws Exception
    {
        final String topic = "admin-39";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short)1)
            .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete")))).all().get();
        assertThat(admin.listTopics().names().get()).contains(topic);

        final TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertThat(d.name()).isEqualTo(topic);
        assertThat(d.partitions()).hasSize(2);
        assertThat(d.partitions().get(0).leader().id()).isEqualTo(1);
        assertThat(d.partitions().get(1).replicas()).hasSize(1);

        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.get("segment.bytes").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("max.message.bytes", "2000000"), AlterConfigOp.OpType.SET)))).all().get();
        config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("7200000");
        assertThat(config.get("max.message.bytes").value()).isEqualTo("2000000");

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("max.message.bytes").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("retention.ms").value()).isEqualTo("7200000");

        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.broker().clusterId());

        admin.deleteTopics(List.of(topic)).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }
}
