package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/**
 * Compaction seen through Kafka's own clients: a compacted topic written by KafkaProducer,
 * compacted by a forced cleaner pass on the live broker, read back by KafkaConsumer.
 */
@Tag("integration")
class LogCompactionIntegrationTest
{
    private static final String TOPIC = "compacted";
    private static final int RECORDS = 300;
    private static final int KEYS = 10;

    @Test
    void shouldServeTheLatestValueOfEachKeyAtItsOriginalOffsetAfterCompaction(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"), Map.of("log.cleaner.backoff.ms", "600000"));
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short)1).configs(Map.of("cleanup.policy", "compact",
                "segment.bytes", "2048", "min.cleanable.dirty.ratio", "0.01")))).all().get();
            final Map<Long, String> produced = new HashMap<>();
            final Map<String, Long> latestOffset = new LinkedHashMap<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker.bootstrap())))
            {
                for (int i = 0; i < RECORDS; i++)
                {
                    final String key = "key-" + (i % KEYS);
                    final RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, 0, key, "value-" + i)).get();
                    produced.put(md.offset(), key + "=value-" + i);
                    latestOffset.put(key, md.offset());
                }
            }

            assertThat(broker.broker().logManager().cleaner().cleanNow(System.currentTimeMillis())).isPositive();

            final List<ConsumerRecord<String, String>> read = readAll(broker.bootstrap());
            assertThat(read.size()).as("compaction removed superseded records").isLessThan(RECORDS);
            final Map<String, Long> readLatest = new HashMap<>();
            long previous = -1;
            for (final ConsumerRecord<String, String> r : read)
            {
                assertThat(r.offset()).isGreaterThan(previous);
                previous = r.offset();
                assertThat(r.key() + "=" + r.value()).as("record at offset %d", r.offset()).isEqualTo(produced.get(r.offset()));
                readLatest.put(r.key(), r.offset());
            }
            assertThat(readLatest).isEqualTo(latestOffset);
        }
    }

    private static Properties producerProps(final String bootstrap)
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return p;
    }

    private static List<ConsumerRecord<String, String>> readAll(final String bootstrap)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<ConsumerRecord<String, String>> out = new ArrayList<>();
        final TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p))
        {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertThat(consumer.position(tp)).as("consumer reached the end").isEqualTo(end);
        }
        return out;
    }
}
