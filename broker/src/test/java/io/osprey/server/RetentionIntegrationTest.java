package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a running broker, checked through Kafka's own clients: it runs every
 * {@code log.retention.check.interval.ms}, and, as in Kafka, an idle partition whose records are
 * all past {@code retention.ms} loses its last (active) segment too, while a topic without an
 * expired record keeps everything.
 */
@Tag("integration")
class RetentionIntegrationTest
{
    @Test
    void shouldEmptyAnIdlePartitionWhoseRecordsAreAllPastRetention(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"), Map.of("log.retention.check.interval.ms", "300"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(
                new NewTopic("expired", 1, (short)1).configs(Map.of("retention.ms", "60000")),
                new NewTopic("kept", 1, (short)1).configs(Map.of("retention.ms", "60000")))).all().get(30, TimeUnit.SECONDS);
            final long now = System.currentTimeMillis();
            final Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
            {
                for (int i = 0; i < 20; i++)
                {
                    // Two hours old: past the topic's one minute. The other topic's records are current.
                    producer.send(new ProducerRecord<>("expired", 0, now - 7_200_000L + i, "k" + i, "old-" + i));
                    producer.send(new ProducerRecord<>("kept", 0, now + i, "k" + i, "new-" + i));
                }
                producer.flush();
            }
            final TopicPartition expired = new TopicPartition("expired", 0);
            final TopicPartition kept = new TopicPartition("kept", 0);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(offset(admin, expired, OffsetSpec.earliest())).isEqualTo(20));
            assertThat(offset(admin, expired, OffsetSpec.latest())).as("offsets continue from the old end").isEqualTo(20);
            assertThat(offset(admin, kept, OffsetSpec.earliest())).isZero();
            assertThat(offset(admin, kept, OffsetSpec.latest())).isEqualTo(20);
        }
    }

    private static long offset(final Admin admin, final TopicPartition tp, final OffsetSpec spec) throws Exception
    {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }
}
