package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * message.timestamp.after.max.ms (Kafka 4's default, one hour) and before.max.ms, through Kafka's
 * producer: a record stamped too far ahead, or behind a topic's bound, fails with
 * InvalidTimestampException; current records and a LogAppendTime topic are unaffected.
 */
@Tag("integration")
class TimestampBoundsIntegrationTest
{
    @Test
    void shouldRefuseRecordsOutsideTheTimestampBoundsWithInvalidTimestamp(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(
                new NewTopic("bounded", 1, (short)1).configs(Map.of("message.timestamp.before.max.ms", "86400000")),
                new NewTopic("appended", 1, (short)1).configs(Map.of("message.timestamp.type", "LogAppendTime"))))
                .all().get(30, TimeUnit.SECONDS);
            final Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
            {
                final long now = System.currentTimeMillis();
                assertThat(producer.send(new ProducerRecord<>("bounded", 0, now, "k", "now")).get(30, TimeUnit.SECONDS).offset())
                    .isZero();
                for (final long ts : new long[] {now + Duration.ofHours(2).toMillis(), now - Duration.ofDays(2).toMillis()})
                {
                    Assertions.assertThatThrownBy(() -> producer.send(new ProducerRecord<>("bounded", 0, ts, "k", "off")).get(30,
                        TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidTimestampException.class);
                }
                assertThat(producer.send(new ProducerRecord<>("appended", 0, now + Duration.ofHours(2).toMillis(), "k", "v"))
                    .get(30, TimeUnit.SECONDS).offset()).as("LogAppendTime: the producer's timestamp is replaced").isZero();
            }
        }
    }
}
