package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams application, unchanged, against a real Osprey node: a word count whose
 * groupBy goes through a repartition topic and whose counts live in a store with a changelog
 * topic, with Streams' own consumer-group assignor. Every count must come out exact, and Streams
 * must be able to purge the repartition topic it has consumed (DeleteRecords). Streams'
 * exactly-once mode needs transactions, which Osprey does not serve; this is at-least-once.
 * <p>
 * Streams types appear only inside the test method (no lambda takes or returns one): the
 * kafka-3.9 run discovers this class with every Kafka artifact but kafka-clients 3.9 removed.
 */
@Tag("integration")
class KafkaStreamsCompatibilityTest
{
    private static final int RECORDS = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void shouldCountEveryWordExactlyOnceThroughARepartitionTopicAndPurgeIt() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"));
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(new NewTopic("wc-in", 3, (short)1), new NewTopic("wc-out", 3, (short)1))).all().get();
            final Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer()))
            {
                for (int i = 0; i < RECORDS; i++)
                {
                    producer.send(new ProducerRecord<>("wc-in", "k" + i % 7, "alpha beta gamma w" + i % 10));
                }
            }

            final StreamsBuilder builder = new StreamsBuilder();
            builder.stream("wc-in", Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(v -> Arrays.asList(v.split(" ")))
                .groupBy((k, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("counts")).withKeySerde(Serdes.String())
                    .withValueSerde(Serdes.Long()))
                .toStream().to("wc-out", Produced.with(Serdes.String(), Serdes.Long()));
            final Properties s = new Properties();
            s.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
            s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            s.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("streams").toString());
            s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            s.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, 200);
            s.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
            final KafkaStreams streams = new KafkaStreams(builder.build(), s);
            try
            {
                streams.start();
                // A loop, not a lambda: a lambda capturing the KafkaStreams would name it in a method signature.
                final long runningBy = System.nanoTime() + WAIT.toNanos();
                while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < runningBy)
                {
                    Thread.sleep(50);
                }
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);

                final Map<String, Long> expected = new TreeMap<>(Map.of("alpha", (long)RECORDS, "beta", (long)RECORDS, "gamma", (long)RECORDS));
                for (int w = 0; w < 10; w++)
                {
                    expected.put("w" + w, (long)RECORDS / 10);
                }
                assertThat(latestCounts(broker.bootstrap(), expected)).isEqualTo(expected);

                // Streams deletes what it has consumed and committed from its repartition topic.
                final String repartition = admin.listTopics().names().get().stream().filter(t -> t.endsWith("-repartition"))
                    .findFirst().orElseThrow();
                final List<TopicPartition> tps = new ArrayList<>();
                for (int i = 0; i < 3; i++)
                {
                    tps.add(new TopicPartition(repartition, i));
                }
                await("Streams purging " + repartition).atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                {
                    long earliest = 0;
                    for (final TopicPartition tp : tps)
                    {
                        earliest += admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
                    }
                    return earliest > 0;
                });
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
            finally
            {
                streams.close(Duration.ofSeconds(20));
            }
        }
    }

    /** The last count of each word in the output topic, read until they are {@code expected} or the wait ran out. */
    private static Map<String, Long> latestCounts(final String bootstrap, final Map<String, Long> expected)
    {
        final Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "word-count-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final Map<String, Long> latest = new TreeMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new LongDeserializer()))
        {
            consumer.subscribe(List.of("wc-out"));
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !latest.equals(expected))
            {
                for (final ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200)))
                {
                    latest.put(r.key(), r.value());
                }
            }
        }
        return latest;
    }
}
