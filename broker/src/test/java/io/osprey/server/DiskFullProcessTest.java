package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.testing.BrokerProcess;
import io.osprey.testing.TinyFilesystem;

/**
 * A node whose log directory is a 32 MiB tmpfs (mounted by the test; skipped unless it runs as
 * root where mounting works), in a JVM of its own because a mapped write on a full disk used to
 * kill the JVM with SIGBUS. The official Kafka producer fills the disk: its sends fail with
 * KAFKA_STORAGE_ERROR, the process stays up, metadata and admin requests keep working, a consumer
 * reads back every acknowledged record and nothing else, also after a restart on the full disk,
 * produces succeed again once a file is deleted, and a restart finds everything.
 * <p>
 * The controller's metadata log lives outside the small file system ({@code metadata.log.dir}):
 * this test is about the partition logs.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiskFullProcessTest
{
    private static final String TOPIC = "disk-full";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final long FS_BYTES = 32L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int VALUE_BYTES = 1000;

    private TinyFilesystem fs;
    private BrokerProcess node;
    private Admin admin;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        node = BrokerProcess.single(tmp.resolve("node"), Map.of("metadata.log.dir", tmp.resolve("metadata").toString()));
        fs = TinyFilesystem.tmpfs(node.dataDir(), FS_BYTES);
        node.start();
        admin = Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    @AfterAll
    void stop() throws Exception
    {
        try
        {
            if (admin != null)
            {
                admin.close(Duration.ofSeconds(5));
            }
            if (node != null)
            {
                // Gone before the unmount: its open and mapped files would keep the file system busy.
                node.close();
            }
        }
        finally
        {
            if (fs != null)
            {
                fs.close();
            }
        }
    }

    @Test
    void shouldRefuseProducesOnAFullDiskKeepServingReadsAndResumeWhenSpaceReturns() throws Exception
    {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short)1).configs(Map.of("segment.bytes", Integer.toString(2 << 20)))))
            .all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        final Path giveBack = node.dataDir().resolve("give-back");
        TinyFilesystem.reserve(giveBack, 4 << 20);

        final NavigableMap<Long, String> acked = new ConcurrentSkipListMap<>();
        final Exception failure = produceUntilRefused(acked);

        assertThat(failure).as("the first failed send").isInstanceOf(KafkaStorageException.class);
        System.out.printf("%d records acknowledged before the disk was full; then: %s%n", acked.size(), failure);
        assertThat(acked.size()).isGreaterThan(10_000);
        assertThat(node.isAlive()).as("the node survives a full disk").isTrue();
        assertThat(admin.describeCluster().nodes().get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasSize(1);
        final TopicDescription described = admin.describeTopics(List.of(TOPIC)).allTopicNames()
            .get(WAIT.toSeconds(), TimeUnit.SECONDS).get(TOPIC);
        assertThat(described.partitions()).hasSize(1);
        assertReadsBackExactly(acked);

        // Restarted on a disk full to the last block (a clean stop trims the preallocated files,
        // the filler takes that back), the node opens its logs and serves them.
        node.stop();
        final Path filler = node.dataDir().resolve("filler");
        TinyFilesystem.fillUp(filler);
        node.start();
        assertThat(admin.describeTopics(List.of(TOPIC)).allTopicNames().get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsKey(TOPIC);
        assertReadsBackExactly(acked);

        Files.delete(filler);
        Files.delete(giveBack);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig()))
        {
            for (long i = 0; i < 200; i++)
            {
                final String value = value(acked.size());
                final long offset = producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .offset();
                acked.put(offset, value);
            }
        }
        assertReadsBackExactly(acked);

        node.stop();
        node.start();
        assertReadsBackExactly(acked);
        assertThat(Files.readString(node.logFile())).doesNotContain("unsafe memory access").doesNotContain("SIGBUS");
    }

    /**
     * Sends 1000-byte records asynchronously until one fails, then waits for the sends in flight.
     *
     * @return the first failure
     */
    private Exception produceUntilRefused(final NavigableMap<Long, String> acked) throws InterruptedException
    {
        final AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig()))
        {
            // At most about twice the file system's size: a full disk must have stopped it long before.
            for (int i = 0; failure.get() == null && i < 2 * FS_BYTES / VALUE_BYTES; i++)
            {
                final String value = value(i);
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value), (metadata, e) ->
                {
                    if (e == null)
                    {
                        acked.put(metadata.offset(), value);
                    }
                    else
                    {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        return failure.get();
    }

    private Map<String, Object> producerConfig()
    {
        return Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap(),
            ProducerConfig.ACKS_CONFIG, "all",
            // A storage error is retriable for Kafka clients: without retries the first one surfaces.
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
            ProducerConfig.RETRIES_CONFIG, 0,
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 32 * 1024,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    }

    /** Reads the partition from the start to its end and checks it holds exactly {@code acked}. */
    private void assertReadsBackExactly(final NavigableMap<Long, String> acked) throws ExecutionException, InterruptedException
    {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())))
        {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            final long end = consumer.endOffsets(List.of(PARTITION), WAIT).get(PARTITION);
            assertThat(end).as("log end offset").isEqualTo(acked.lastKey() + 1);
            final NavigableMap<Long, String> read = new java.util.TreeMap<>();
            final long deadlineNs = System.nanoTime() + WAIT.toNanos();
            while (consumer.position(PARTITION, WAIT) < end && System.nanoTime() < deadlineNs)
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)))
                {
                    read.put(r.offset(), r.value());
                }
            }
            assertThat(read).as("records read back").hasSameSizeAs(acked);
            assertThat(read).isEqualTo(acked);
        }
    }

    private static String value(final long i)
    {
        final String prefix = "v-" + i + "-";
        return prefix + "x".repeat(VALUE_BYTES - prefix.length());
    }
}
