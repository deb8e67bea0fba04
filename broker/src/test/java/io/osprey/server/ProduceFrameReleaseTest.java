package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.ResourceLeakDetector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Produce requests are appended straight from the network layer's pooled receive buffers, which
 * stay held until the last partition's append. Checked with Netty's leak detector at its
 * paranoid level (every buffer tracked): every frame is handed back, none early (every record
 * reads back as sent, after acks=1, acks=all, acks=0, several partitions per request, and a
 * batch the log agent refuses).
 */
@Tag("integration")
class ProduceFrameReleaseTest
{
    private static final String LEAK_LOGGER = ResourceLeakDetector.class.getName();

    @TempDir
    Path tmp;

    @Test
    void everyProduceFrameIsReleasedOnceAndOnlyAfterItsAppends() throws Exception
    {
        final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        final String property = System.getProperty("io.netty.leakDetection.level");
        final Logger leakLogger = (Logger)LoggerFactory.getLogger(LEAK_LOGGER);
        final ListAppender<ILoggingEvent> leaks = new ListAppender<>();
        leaks.start();
        leakLogger.addAppender(leaks);
        System.setProperty("io.netty.leakDetection.level", "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try (TestBroker broker = new TestBroker(tmp.resolve("node"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(new NewTopic("frames", 4, (short)1))).all().get();
            final List<String> sent = new ArrayList<>();
            for (final String acks : new String[] {"1", "all", "0"})
            {
                produce(broker.bootstrap(), acks, 1500, sent);
            }
            // Refused by the log agent task instead of appended: a record without a key on a compacted topic. (Too few
            // in-sync replicas cannot be had on one node: min.insync.replicas counts at most the replication factor.)
            admin.createTopics(List.of(new NewTopic("strict", 2, (short)1).configs(Map.of("cleanup.policy", "compact"))))
                .all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props(broker.bootstrap(), "all", 3000)))
            {
                final Future<RecordMetadata> refused = producer.send(new ProducerRecord<>("strict", 0, null, "no key"));
                assertThat(refused).failsWithin(Duration.ofSeconds(30));
            }

            final List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 4; p++)
            {
                partitions.add(new TopicPartition("frames", p));
            }
            final List<String> read = values(KafkaClientCompatibilityTest.readAll(broker.bootstrap(), partitions));
            assertThat(read).containsExactlyInAnyOrderElementsOf(sent);

            // The detector reports a buffer collected without release when it tracks the next ones.
            for (int round = 0; round < 3; round++)
            {
                System.gc();
                Thread.sleep(200);
                produce(broker.bootstrap(), "1", 200, sent);
            }
        }
        finally
        {
            leakLogger.detachAppender(leaks);
            ResourceLeakDetector.setLevel(before);
            if (property == null)
            {
                System.clearProperty("io.netty.leakDetection.level");
            }
            else
            {
                System.setProperty("io.netty.leakDetection.level", property);
            }
        }
        assertThat(leaks.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("LEAK"));
    }

    private static void produce(final String bootstrap, final String acks, final int count, final List<String> sent)
        throws Exception
    {
        final List<Future<RecordMetadata>> acked = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props(bootstrap, acks, 30_000)))
        {
            for (int i = 0; i < count; i++)
            {
                final String value = "acks=" + acks + " #" + sent.size() + " " + "x".repeat(i % 300);
                acked.add(producer.send(new ProducerRecord<>("frames", i % 4, "k" + i, value)));
                sent.add(value);
            }
            producer.flush();
        }
        for (final Future<RecordMetadata> f : acked)
        {
            f.get();
        }
    }

    private static Properties props(final String bootstrap, final String acks, final int deliveryTimeoutMs)
    {
        final Properties p = KafkaClientCompatibilityTest.producerProps(bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(deliveryTimeoutMs - 100, 29_000));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
        if (!"all".equals(acks))
        {
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        }
        return p;
    }

    private static List<String> values(final Collection<ConsumerRecord<String, String>> records)
    {
        final List<String> out = new ArrayList<>(records.size());
        records.forEach(r -> out.add(r.value()));
        return out;
    }
}
