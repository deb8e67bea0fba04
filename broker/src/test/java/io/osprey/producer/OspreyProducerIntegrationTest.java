package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/**
 * Osprey's producer against the real broker, with Kafka's consumer as the referee: keyed
 * records land where Kafka's partitioner would put them and read back identical and in order;
 * every codec with every acks setting round-trips.
 */
@Tag("integration")
class OspreyProducerIntegrationTest
{
    private static Map<String, Object> producerConfig(final String bootstrap)
    {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // Kafka's class names on purpose: they map to Osprey's byte-compatible serializers.
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringSerializer");
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringSerializer");
        return config;
    }

    private static String text(final byte[] bytes)
    {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteKeyedRecordsWhereKafkasPartitionerWouldAndReadBackIdenticalInOrder(@TempDir final Path tmp) throws Exception
    {
        final String topic = "keyed";
        final int partitions = 6;
        final int count = 10_000;
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            KafkaReferee.createTopics(broker.bootstrap(), Map.of(topic, partitions));
            final Map<String, Object> config = producerConfig(broker.bootstrap());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            final List<Future<RecordMetadata>> futures = new ArrayList<>(count);
            try (OspreyProducer<String, String> producer = new OspreyProducer<>(config))
            {
                assertThat(producer.partitionsFor(topic)).hasSize(partitions)
                    .allSatisfy(p -> assertThat(p.leader()).isNotNull());
                for (int i = 0; i < count; i++)
                {
                    futures.add(producer.send(new ProducerRecord<>(topic, key(i), value(i))));
                }
                producer.flush();
            }

            final List<RecordMetadata> sent = new ArrayList<>(count);
            for (final Future<RecordMetadata> f : futures)
            {
                sent.add(f.get(0, TimeUnit.SECONDS));
            }
            final Map<Integer, List<String>> sentByPartition = new HashMap<>();
            for (int i = 0; i < count; i++)
            {
                final RecordMetadata md = sent.get(i);
                final byte[] keyBytes = key(i).getBytes(StandardCharsets.UTF_8);
                assertThat(md.partition()).as("partition of key %s, as Kafka's producer would choose", key(i))
                    .isEqualTo(BuiltInPartitioner.partitionForKey(keyBytes, partitions));
                sentByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(value(i));
            }

            final List<ConsumerRecord<byte[], byte[]>> read = KafkaReferee.readAll(broker.bootstrap(),
                KafkaReferee.partitions(topic, partitions));
            assertThat(read).hasSize(count);
            final Map<Integer, List<String>> readByPartition = new HashMap<>();
            final Map<String, ConsumerRecord<byte[], byte[]>> byValue = new HashMap<>();
            for (final ConsumerRecord<byte[], byte[]> r : read)
            {
                readByPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(text(r.value()));
                byValue.put(text(r.value()), r);
            }
            assertThat(readByPartition).as("each partition holds its records in send order, once each").isEqualTo(sentByPartition);
            for (int i = 0; i < count; i++)
            {
                final ConsumerRecord<byte[], byte[]> r = byValue.get(value(i));
                assertThat(text(r.key())).isEqualTo(key(i));
                assertThat(r.offset()).as("offset the future reported for record %d", i).isEqualTo(sent.get(i).offset());
                assertThat(r.timestamp()).isEqualTo(sent.get(i).timestamp());
            }
        }
    }

    private static String key(final int i)
    {
        return "user-" + (i * 7919 % 997);
    }

    private static String value(final int i)
    {
        return String.format("value-%06d", i);
    }

    @Test
    void shouldRoundTripEveryCodecWithEveryAcksSetting(@TempDir final Path tmp) throws Exception
    {
        final String[] codecs = {"none", "gzip", "lz4", "zstd"};
        final String[] acksValues = {"0", "1", "all"};
        final int perTopic = 400;
        final int partitions = 2;
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final Map<String, Integer> topics = new LinkedHashMap<>();
            for (final String codec : codecs)
            {
                for (final String acks : acksValues)
                {
                    topics.put("codec-" + codec + "-acks-" + acks, partitions);
                }
            }
            KafkaReferee.createTopics(broker.bootstrap(), topics);
            final List<TopicPartition> all = new ArrayList<>();
            for (final String codec : codecs)
            {
                for (final String acks : acksValues)
                {
                    final String topic = "codec-" + codec + "-acks-" + acks;
                    all.addAll(KafkaReferee.partitions(topic, partitions));
                    final Map<String, Object> config = producerConfig(broker.bootstrap());
                    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                    config.put(ProducerConfig.ACKS_CONFIG, acks);
                    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096);
                    final List<Future<RecordMetadata>> futures = new ArrayList<>();
                    try (OspreyProducer<String, String> producer = new OspreyProducer<>(config))
                    {
                        for (int i = 0; i < perTopic; i++)
                        {
                            // Null keys (sticky partitioning), repetitive values (something to compress), a header.
                            futures.add(producer.send(new ProducerRecord<>(topic, null, null, null, topic + " record " + i + " "
                                + "abcdefgh".repeat(i % 20), List.of(io.osprey.record.Header.of("n", Integer.toString(i))))));
                        }
                    }
                    for (final Future<RecordMetadata> f : futures)
                    {
                        final RecordMetadata md = f.get(0, TimeUnit.SECONDS);
                        assertThat(md.hasOffset()).as("%s: acks=0 gives no offset", topic).isEqualTo(!acks.equals("0"));
                    }
                }
            }

            final List<ConsumerRecord<byte[], byte[]>> read = KafkaReferee.readAll(broker.bootstrap(), all);
            final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
            for (final ConsumerRecord<byte[], byte[]> r : read)
            {
                final Header h = r.headers().lastHeader("n");
                final int i = Integer.parseInt(text(h.value()));
                assertThat(text(r.value())).isEqualTo(r.topic() + " record " + i + " " + "abcdefgh".repeat(i % 20));
                assertThat(r.key()).isNull();
                byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(i);
            }
            assertThat(byTopic).containsOnlyKeys(topics.keySet());
            byTopic.forEach((topic, indexes) -> assertThat(indexes).as(topic).hasSize(perTopic).doesNotHaveDuplicates());
        }
    }

    @Test
    void shouldFailABatchTheBrokerRejectsWithItsMessageAndCarryOnAfterIt(@TempDir final Path tmp) throws Exception
    {
        final String topic = "small-messages";
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            KafkaReferee.createTopic(broker.bootstrap(), topic, 1, Map.of("max.message.bytes", "1000"));
            try (OspreyProducer<String, String> producer = new OspreyProducer<>(producerConfig(broker.bootstrap())))
            {
                final RecordMetadata before = producer.send(new ProducerRecord<>(topic, "k", "small-1")).get(10, TimeUnit.SECONDS);
                final Exception[] seenByCallback = new Exception[1];
                final Future<RecordMetadata> tooBig = producer.send(new ProducerRecord<>(topic, "k", "x".repeat(2000)),
                    (md, e) -> seenByCallback[0] = e);
                final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> tooBig.get(10, TimeUnit.SECONDS));
                assertThat(thrown).isInstanceOf(java.util.concurrent.ExecutionException.class);
                assertThat(thrown.getCause()).isInstanceOf(io.osprey.common.OspreyException.class)
                    .hasMessageContaining("exceeds max.message.bytes 1000");
                assertThat(((io.osprey.common.OspreyException)thrown.getCause()).errorCode())
                    .isEqualTo(io.osprey.common.ErrorCode.MESSAGE_TOO_LARGE);
                assertThat(seenByCallback[0]).isSameAs(thrown.getCause());
                // The failed batch left a gap in the partition's sequence: the producer must move on from it.
                final RecordMetadata after = producer.send(new ProducerRecord<>(topic, "k", "small-2")).get(10, TimeUnit.SECONDS);
                assertThat(after.offset()).isEqualTo(before.offset() + 1);
            }
            assertThat(KafkaReferee.readAll(broker.bootstrap(), KafkaReferee.partitions(topic, 1)))
                .extracting(r -> text(r.value())).containsExactly("small-1", "small-2");
        }
    }

    @Test
    void shouldWaitForTheBrokerToAutoCreateAnUnknownTopic(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"), Map.of("num.partitions", "3")))
        {
            try (OspreyProducer<String, String> producer = new OspreyProducer<>(producerConfig(broker.bootstrap())))
            {
                final RecordMetadata md = producer.send(new ProducerRecord<>("created-on-demand", "k", "v")).get(10, TimeUnit.SECONDS);
                assertThat(md.offset()).isZero();
                assertThat(md.partition()).isEqualTo(BuiltInPartitioner.partitionForKey("k".getBytes(StandardCharsets.UTF_8), 3));
                assertThat(producer.partitionsFor("created-on-demand")).hasSize(3);
            }
        }
    }

    @Test
    void shouldBlockOnMissingMetadataThenThrowAfterMaxBlockMs() throws Exception
    {
        // A listener that accepts connections and never says a word: no metadata will ever come.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()))
        {
            final Map<String, Object> config = producerConfig("127.0.0.1:" + silent.getLocalPort());
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
            try (OspreyProducer<String, String> producer = new OspreyProducer<>(config))
            {
                final long startNs = System.nanoTime();
                final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> producer.send(new ProducerRecord<>("nowhere", "k", "v")));
                final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertThat(thrown).isInstanceOf(ProducerTimeoutException.class)
                    .hasMessageContaining("Topic nowhere not present in metadata after 500 ms (max.block.ms)");
                assertThat(elapsedMs).isBetween(450L, 5_000L);
                producer.close(Duration.ZERO);
            }
        }
    }

    @Test
    void shouldBlockWhenBufferMemoryIsExhaustedThenThrowAfterMaxBlockMs(@TempDir final Path tmp) throws Exception
    {
        final String topic = "back-pressure";
        try (TcpProxy proxy = new TcpProxy())
        {
            try (TestBroker broker = new TestBroker(tmp.resolve("node"), Map.of("advertised.listeners", "PLAINTEXT://" + proxy.bootstrap())))
            {
                proxy.start(broker.port());
                KafkaReferee.createTopics(proxy.bootstrap(), Map.of(topic, 1));
                final Map<String, Object> config = producerConfig(proxy.bootstrap());
                config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64 * 1024);
                config.put(ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024);
                config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
                final OspreyProducer<String, String> producer = new OspreyProducer<>(config);
                try
                {
                    producer.send(new ProducerRecord<>(topic, "k", "first")).get(10, TimeUnit.SECONDS);
                    proxy.pause();
                    final String value = "x".repeat(1000);
                    Throwable thrown = null;
                    long lastCallMs = 0;
                    for (int i = 0; i < 1_000 && thrown == null; i++)
                    {
                        final long startNs = System.nanoTime();
                        try
                        {
                            producer.send(new ProducerRecord<>(topic, "k", value));
                        }
                        catch (final RuntimeException e)
                        {
                            thrown = e;
                        }
                        lastCallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                    }
                    assertThat(thrown).as("64 KiB of buffer cannot hold 1000 records of 1 KB")
                        .isInstanceOf(BufferExhaustedException.class)
                        .hasMessageContaining("Failed to allocate 16384 bytes within the configured max blocking time 500 ms (max.block.ms)");
                    assertThat(lastCallMs).as("the failing send blocked for max.block.ms").isBetween(450L, 5_000L);
                }
                finally
                {
                    producer.close(Duration.ZERO);
                    proxy.resume();
                }
            }
        }
    }
}
