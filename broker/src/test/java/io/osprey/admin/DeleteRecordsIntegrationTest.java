package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.osprey.log.CheckpointFiles;
import io.osprey.log.LogManager;

/**
 * DeleteRecords (Kafka's {@code Admin.deleteRecords}, {@code kafka-delete-records.sh}) against a
 * real single-node broker, with Kafka's admin client, producer and consumer as the referee and
 * Osprey's admin client beside them: the
 * log start moves, reads and ListOffsets follow it, whole segments below it go, errors are
 * Kafka's, and the new start survives a restart.
 */
@Tag("integration")
class DeleteRecordsIntegrationTest extends AdminRefereeTestBase
{
    private static final long WAIT_S = 30;
    private static final int RECORDS = 100;

    DeleteRecordsIntegrationTest()
    {
        super(WAIT_S, "osprey-delete-records-it");
    }

    @Test
    void shouldMoveTheLogStartDropWholeSegmentsBelowItAndKeepItAcrossARestart() throws Exception
    {
        final String topic = "dr";
        // Small segments (about ten records each), so the deletion has whole segments to drop.
        get(kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short)1)
            .configs(Map.of("segment.bytes", "1000")))).all());
        produce(topic, RECORDS);
        final TopicPartition tp = new TopicPartition(topic, 0);
        final long segmentsBefore = segmentFiles(topic);
        assertThat(segmentsBefore).as("segments of %d records", RECORDS).isGreaterThan(5);

        assertThat(lowWatermark(tp, 40)).isEqualTo(40);
        // Written before the answer, not at the next periodic checkpoint: a crash right after cannot bring them back.
        final Path checkpoint = broker.node().broker().partitions().logDir().resolve(LogManager.LOG_START_OFFSET_CHECKPOINT);
        assertThat(CheckpointFiles.read(checkpoint)).contains(new CheckpointFiles.Line(topic + "-0", "40"));
        assertThat(offset(tp, OffsetSpec.earliest())).isEqualTo(40);
        assertThat(offset(tp, OffsetSpec.latest())).isEqualTo(RECORDS);
        assertThat(segmentFiles(topic)).as("segments wholly below offset 40 deleted").isLessThan(segmentsBefore);
        final List<ConsumerRecord<String, String>> read = readFromBeginning(topic, RECORDS - 40);
        assertThat(read.get(0).offset()).isEqualTo(40);
        assertThat(read.get(0).value()).isEqualTo("v-40");
        assertThat(read).hasSize(RECORDS - 40);

        // Osprey's consumer, positioned below the new start, resets to it as Kafka's does.
        assertThat(ospreyReadFromZero(topic).get(0).offset()).isEqualTo(40);

        // Below the current start: nothing changes, the answer is the current start (as Kafka's).
        assertThat(lowWatermark(tp, 10)).isEqualTo(40);
        final Throwable aboveHighWatermark = catchThrowable(() -> lowWatermark(tp, RECORDS + 1));
        assertThat(aboveHighWatermark).isInstanceOf(ExecutionException.class).cause().isInstanceOf(OffsetOutOfRangeException.class);

        broker.restart();
        assertThat(offset(tp, OffsetSpec.earliest())).as("log start after a restart").isEqualTo(40);
        assertThat(readFromBeginning(topic, RECORDS - 40).get(0).offset()).isEqualTo(40);

        // Osprey's admin client asks the same and gets the same answers.
        final io.osprey.common.TopicPartition ours = new io.osprey.common.TopicPartition(topic, 0);
        assertThat(get(admin.deleteRecords(Map.of(ours, io.osprey.admin.RecordsToDelete.beforeOffset(45))).lowWatermarks().get(ours))
            .lowWatermark()).isEqualTo(45);
        assertThat(brokerError(admin.deleteRecords(Map.of(ours, io.osprey.admin.RecordsToDelete.beforeOffset(RECORDS + 1))).all())
            .errorCode()).isEqualTo(io.osprey.common.ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(offset(tp, OffsetSpec.earliest())).isEqualTo(45);

        // -1 (RecordsToDelete.beforeOffset(-1)): everything below the high watermark.
        assertThat(lowWatermark(tp, -1)).isEqualTo(RECORDS);
        assertThat(offset(tp, OffsetSpec.earliest())).isEqualTo(RECORDS);
        produce(topic, 1);
        assertThat(readFromBeginning(topic, 1).get(0).offset()).isEqualTo(RECORDS);
    }

    @Test
    void shouldRefuseACompactedTopicWithKafkasPolicyViolation() throws Exception
    {
        get(kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("dr-compacted", 1, (short)1)
            .configs(Map.of("cleanup.policy", "compact")))).all());
        produce("dr-compacted", 5);
        final Throwable compacted = catchThrowable(() -> lowWatermark(new TopicPartition("dr-compacted", 0), 2));
        assertThat(compacted).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PolicyViolationException.class);
        assertThat(offset(new TopicPartition("dr-compacted", 0), OffsetSpec.earliest())).isZero();
        final io.osprey.common.TopicPartition ours = new io.osprey.common.TopicPartition("dr-compacted", 0);
        assertThat(brokerError(admin.deleteRecords(Map.of(ours, io.osprey.admin.RecordsToDelete.beforeOffset(2))).all()).errorCode())
            .isEqualTo(io.osprey.common.ErrorCode.POLICY_VIOLATION);
        // Unlike Kafka's, Osprey's admin client fails an unknown topic at once rather than retrying its metadata until the timeout.
        final io.osprey.common.TopicPartition unknown = new io.osprey.common.TopicPartition("dr-no-such-topic", 0);
        assertThat(brokerError(admin.deleteRecords(Map.of(unknown, io.osprey.admin.RecordsToDelete.beforeOffset(2))).all()).errorCode())
            .isEqualTo(io.osprey.common.ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        // The broker's own answer for an unknown topic (UNKNOWN_TOPIC_OR_PARTITION) is checked in BadInputTest.
    }

    private long lowWatermark(final TopicPartition tp, final long offset) throws Exception
    {
        final DeletedRecords deleted = get(kafka.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).lowWatermarks().get(tp));
        return deleted.lowWatermark();
    }

    private long offset(final TopicPartition tp, final OffsetSpec spec) throws Exception
    {
        return get(kafka.listOffsets(Map.of(tp, spec)).partitionResult(tp)).offset();
    }

    /** The partition's segment files still in use (a deleted one is renamed first, then removed). */
    private long segmentFiles(final String topic) throws IOException
    {
        final Path dir = broker.node().broker().partitions().logDir().resolve(topic + "-0");
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
        }
    }

    private void produce(final String topic, final int count) throws Exception
    {
        final long start = offset(new TopicPartition(topic, 0), OffsetSpec.latest());
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // One record per batch, so the small segments roll often.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            for (int i = 0; i < count; i++)
            {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v-" + (start + i))).get();
            }
        }
    }

    /** Osprey's consumer, seeking to offset 0 with auto.offset.reset=earliest: the records it reads first. */
    private List<io.osprey.consumer.ConsumerRecord<String, String>> ospreyReadFromZero(final String topic)
    {
        final List<io.osprey.consumer.ConsumerRecord<String, String>> out = new ArrayList<>();
        try (io.osprey.consumer.OspreyConsumer<String, String> consumer = new io.osprey.consumer.OspreyConsumer<>(Map.of(
            "bootstrap.servers", broker.bootstrap(), "auto.offset.reset", "earliest",
            "key.deserializer", io.osprey.serialization.Serdes.StringDeserializer.class,
            "value.deserializer", io.osprey.serialization.Serdes.StringDeserializer.class)))
        {
            final io.osprey.common.TopicPartition tp = new io.osprey.common.TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            final long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_S).toNanos();
            while (out.isEmpty() && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records Osprey's consumer read from %s", topic).isNotEmpty();
        return out;
    }

    private List<ConsumerRecord<String, String>> readFromBeginning(final String topic, final int count)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p))
        {
            final TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            // From offset 0, below the log start: the broker answers OFFSET_OUT_OF_RANGE and the reset takes the earliest.
            consumer.seek(tp, 0);
            final long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_S).toNanos();
            while (out.size() < count && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records read from %s", topic).hasSizeGreaterThanOrEqualTo(count);
        return out;
    }
}
