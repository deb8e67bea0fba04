package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.common.TopicPartition;
import io.osprey.record.Header;
import io.osprey.serialization.Serdes;
import io.osprey.server.TestBroker;

/**
 * Osprey's consumer against a live Osprey node, with Kafka's own producer writing and Kafka's own
 * consumer as the referee for offset lookups.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OspreyConsumerIntegrationTest
{
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private TestBroker broker;
    private Admin admin;
    private ScheduledExecutorService scheduler;

    /** What the producer was told it wrote, to compare with what the consumer reads. */
    private record Written(int partition, long offset, String key, String value, long timestamp, List<Header> headers)
    {
    }

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    void stop()
    {
        if (scheduler != null)
        {
            scheduler.shutdownNow();
        }
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null)
        {
            broker.close();
        }
    }

    // ---- Fixtures ----------------------------------------------------------------------------------

    private void createTopic(final String name, final int partitions) throws Exception
    {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short)1))).all().get(30, TimeUnit.SECONDS);
    }

    private OspreyConsumer<String, String> consumer(final Object... keyValues)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, Serdes.StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Serdes.StringDeserializer.class);
        props.put("bootstrap.servers", broker.bootstrap());
        for (int i = 0; i < keyValues.length; i += 2)
        {
            props.put((String)keyValues[i], keyValues[i + 1]);
        }
        return new OspreyConsumer<>(props);
    }

    private KafkaProducer<String, String> producer(final String compression)
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p);
    }

    /** Writes {@code count} keyed records with headers and explicit timestamps; returns what the broker acknowledged. */
    private List<Written> produce(final String topic, final int count, final String compression) throws Exception
    {
        final List<Future<RecordMetadata>> acks = new ArrayList<>(count);
        final List<ProducerRecord<String, String>> sent = new ArrayList<>(count);
        try (KafkaProducer<String, String> producer = producer(compression))
        {
            for (int i = 0; i < count; i++)
            {
                final ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, BASE_TIMESTAMP + i, "key-" + (i % 101),
                    i % 10 == 0 ? null : "value-" + i + "-" + "x".repeat(i % 50));
                record.headers().add(new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                if (i % 3 == 0)
                {
                    record.headers().add(new RecordHeader("nullable", null));
                }
                sent.add(record);
                acks.add(producer.send(record));
            }
            producer.flush();
        }
        final List<Written> written = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final RecordMetadata md = acks.get(i).get(30, TimeUnit.SECONDS);
            final ProducerRecord<String, String> r = sent.get(i);
            final List<Header> headers = new ArrayList<>();
            r.headers().forEach(h -> headers.add(new Header(h.key(), h.value())));
            written.add(new Written(md.partition(), md.offset(), r.key(), r.value(), r.timestamp(), headers));
        }
        return written;
    }

    private void produceOne(final String topic, final int partition, final String value) throws Exception
    {
        try (KafkaProducer<String, String> producer = producer("none"))
        {
            producer.send(new ProducerRecord<>(topic, partition, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<TopicPartition> partitions(final String topic, final int count)
    {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /** Polls until every partition's position reaches {@code end}, returning everything read. */
    private static List<ConsumerRecord<String, String>> readUntil(final OspreyConsumer<String, String> consumer,
        final Map<TopicPartition, Long> end)
    {
        final List<ConsumerRecord<String, String>> out = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue()))
        {
            assertThat(System.nanoTime()).as("read everything within 20 s").isLessThan(deadline);
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    // ---- Tests -------------------------------------------------------------------------------------

    @Test
    void shouldReadEveryRecordKafkasProducerWroteInOrderExactlyOnceWithEveryCodec() throws Exception
    {
        for (final String codec : List.of("none", "gzip", "lz4", "zstd"))
        {
            final String topic = "all-" + codec;
            createTopic(topic, 3);
            final List<Written> written = produce(topic, 10_000, codec);
            final List<TopicPartition> tps = partitions(topic, 3);

            try (OspreyConsumer<String, String> consumer = consumer())
            {
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                final Map<TopicPartition, Long> end = consumer.endOffsets(tps);
                assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);

                final List<ConsumerRecord<String, String>> read = readUntil(consumer, end);

                assertThat(read).as(codec).hasSize(10_000);
                for (final TopicPartition tp : tps)
                {
                    final List<Written> expected = written.stream().filter(w -> w.partition() == tp.partition()).toList();
                    final List<Written> actual = read.stream().filter(r -> r.partition() == tp.partition())
                        .map(r -> new Written(r.partition(), r.offset(), r.key(), r.value(), r.timestamp(), r.headers())).toList();
                    assertThat(actual).as(codec + " " + tp).isEqualTo(expected);
                    assertThat(consumer.position(tp)).isEqualTo(end.get(tp));
                }
                assertThat(read).allSatisfy(r ->
                {
                    assertThat(r.topic()).isEqualTo(topic);
                    assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                    assertThat(r.serializedKeySize()).isEqualTo(r.key().length());
                    assertThat(r.leaderEpoch()).isPresent();
                });
            }
        }
    }

    @Test
    void shouldReadEverythingWhenFetchSizesAreFarBelowTheBatchSizes() throws Exception
    {
        createTopic("tiny-fetches", 3);
        final List<Written> written = new ArrayList<>(produce("tiny-fetches", 3000, "none"));
        try (KafkaProducer<String, String> producer = producer("none"))
        {
            final RecordMetadata md = producer.send(new ProducerRecord<>("tiny-fetches", 1, BASE_TIMESTAMP, "big", "B".repeat(100_000)))
                .get(30, TimeUnit.SECONDS);
            written.add(new Written(1, md.offset(), "big", "B".repeat(100_000), BASE_TIMESTAMP, List.of()));
        }
        final List<TopicPartition> tps = partitions("tiny-fetches", 3);
        try (OspreyConsumer<String, String> consumer = consumer(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 2048, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        {
            consumer.assign(tps);
            final List<ConsumerRecord<String, String>> read = readUntil(consumer, consumer.endOffsets(tps));

            for (final TopicPartition tp : tps)
            {
                assertThat(read.stream().filter(r -> r.partition() == tp.partition())
                    .map(r -> new Written(r.partition(), r.offset(), r.key(), r.value(), r.timestamp(), r.headers())).toList())
                    .as(tp.toString())
                    .isEqualTo(written.stream().filter(w -> w.partition() == tp.partition()).toList());
            }
        }
    }

    @Test
    void shouldSeekToAMiddleOffsetAndToTheEnd() throws Exception
    {
        createTopic("seek", 1);
        final TopicPartition tp = new TopicPartition("seek", 0);
        produce("seek", 100, "lz4");
        try (OspreyConsumer<String, String> consumer = consumer(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10))
        {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 37);
            final List<ConsumerRecord<String, String>> fromMiddle = readUntil(consumer, Map.of(tp, 100L));
            assertThat(fromMiddle).extracting(ConsumerRecord::offset).containsExactlyElementsOf(
                IntStream.range(37, 100).mapToObj(i -> (long)i).toList());

            consumer.seek(tp, 5);
            final ConsumerRecords<String, String> again = consumer.poll(Duration.ofSeconds(5));
            assertThat(again.records(tp).get(0).offset()).as("nothing fetched before the seek leaks out").isEqualTo(5);
            consumer.seek(tp, 90);
            assertThat(consumer.poll(Duration.ofSeconds(5)).records(tp).get(0).offset()).isEqualTo(90);

            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(100);
            assertThat(consumer.poll(Duration.ofMillis(200)).isEmpty()).isTrue();
            produceOne("seek", 0, "after-end");
            final ConsumerRecords<String, String> next = consumer.poll(Duration.ofSeconds(5));
            assertThat(next.records(tp)).extracting(ConsumerRecord::offset).containsExactly(100L);
            assertThat(next.records(tp).get(0).value()).isEqualTo("after-end");
            assertThat(consumer.position(tp)).isEqualTo(101);

            consumer.seekToBeginning(List.of());
            assertThat(consumer.position(tp)).isZero();
        }
    }

    @Test
    void shouldStartWhereAutoOffsetResetSays() throws Exception
    {
        createTopic("reset", 1);
        final TopicPartition tp = new TopicPartition("reset", 0);
        produce("reset", 20, "none");

        try (OspreyConsumer<String, String> earliest = consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        {
            earliest.assign(List.of(tp));
            assertThat(earliest.poll(Duration.ofSeconds(5)).records(tp).get(0).offset()).isZero();
            earliest.seek(tp, 1000);
            assertThat(earliest.poll(Duration.ofSeconds(5)).records(tp).get(0).offset())
                .as("an out-of-range position resets to the earliest offset").isZero();
        }
        try (OspreyConsumer<String, String> latest = consumer())
        {
            latest.assign(List.of(tp));
            assertThat(latest.position(tp)).isEqualTo(20);
            assertThat(latest.poll(Duration.ofMillis(200)).isEmpty()).isTrue();
        }
        try (OspreyConsumer<String, String> none = consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))
        {
            none.assign(List.of(tp));
            assertThatThrownBy(() -> none.poll(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(NoOffsetForPartitionException.class, e -> assertThat(e.partitions()).containsExactly(tp))
                .hasMessageContaining("reset-0");
            none.seek(tp, 1000);
            assertThatThrownBy(() -> none.poll(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                    e -> assertThat(e.offsetOutOfRangePartitions()).containsEntry(tp, 1000L))
                .hasMessageContaining("reset-0");
            none.seek(tp, 15);
            assertThat(none.poll(Duration.ofSeconds(5)).records(tp).get(0).offset()).isEqualTo(15);
        }
    }

    @Test
    void shouldAnswerOffsetLookupsAsKafkasConsumerDoes() throws Exception
    {
        createTopic("times", 2);
        try (KafkaProducer<String, String> producer = producer("none"))
        {
            for (int i = 0; i < 100; i++)
            {
                producer.send(new ProducerRecord<>("times", 0, BASE_TIMESTAMP + i * 10L, "k", "a" + i));
                producer.send(new ProducerRecord<>("times", 1, BASE_TIMESTAMP + i * 7L, "k", "b" + i));
            }
            producer.flush();
        }
        final List<TopicPartition> tps = partitions("times", 2);
        final Properties kafkaProps = new Properties();
        kafkaProps.put("bootstrap.servers", broker.bootstrap());
        kafkaProps.put("key.deserializer", StringDeserializer.class.getName());
        kafkaProps.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(kafkaProps);
            OspreyConsumer<String, String> osprey = consumer())
        {
            for (final long target : List.of(0L, BASE_TIMESTAMP - 1, BASE_TIMESTAMP + 555, BASE_TIMESTAMP + 693, BASE_TIMESTAMP + 990,
                BASE_TIMESTAMP + 5000))
            {
                final Map<org.apache.kafka.common.TopicPartition, Long> kafkaQuery = new HashMap<>();
                final Map<TopicPartition, Long> ospreyQuery = new HashMap<>();
                for (final TopicPartition tp : tps)
                {
                    kafkaQuery.put(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()), target);
                    ospreyQuery.put(tp, target);
                }
                final var expected = kafka.offsetsForTimes(kafkaQuery);
                final Map<TopicPartition, OffsetAndTimestamp> actual = osprey.offsetsForTimes(ospreyQuery);
                assertThat(actual).hasSize(2);
                for (final TopicPartition tp : tps)
                {
                    final var want = expected.get(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()));
                    final OffsetAndTimestamp got = actual.get(tp);
                    if (want == null)
                    {
                        assertThat(got).as(tp + " at " + target).isNull();
                    }
                    else
                    {
                        assertThat(got).as(tp + " at " + target).isNotNull();
                        assertThat(got.offset()).isEqualTo(want.offset());
                        assertThat(got.timestamp()).isEqualTo(want.timestamp());
                        assertThat(got.leaderEpoch()).isEqualTo(want.leaderEpoch());
                    }
                }
            }
            final var kafkaTps = tps.stream().map(tp -> new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())).toList();
            final var kafkaBeginning = kafka.beginningOffsets(kafkaTps);
            final var kafkaEnd = kafka.endOffsets(kafkaTps);
            final Map<TopicPartition, Long> beginning = osprey.beginningOffsets(tps);
            final Map<TopicPartition, Long> end = osprey.endOffsets(tps);
            for (final TopicPartition tp : tps)
            {
                final var ktp = new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
                assertThat(beginning.get(tp)).isEqualTo(kafkaBeginning.get(ktp));
                assertThat(end.get(tp)).isEqualTo(kafkaEnd.get(ktp)).isEqualTo(100);
            }

            final List<PartitionInfo> infos = osprey.partitionsFor("times");
            assertThat(infos).extracting(PartitionInfo::partition).containsExactly(0, 1);
            assertThat(infos.get(0).leader().id()).isEqualTo(1);
            assertThat(infos.get(0).replicas()).extracting(n -> n.id()).containsExactly(1);
            final Map<String, List<PartitionInfo>> topics = osprey.listTopics();
            assertThat(topics).containsKey("times");
            assertThat(topics.get("times")).hasSize(2);
        }
    }

    @Test
    void shouldReturnFromALongPollSoonAfterARecordArrives() throws Exception
    {
        createTopic("long-poll", 1);
        final TopicPartition tp = new TopicPartition("long-poll", 0);
        try (OspreyConsumer<String, String> consumer = consumer())
        {
            consumer.assign(List.of(tp));
            assertThat(consumer.position(tp)).isZero();
            scheduler.schedule(() ->
            {
                produceOne("long-poll", 0, "wake");
                return null;
            }, 300, TimeUnit.MILLISECONDS);

            final long startNs = System.nanoTime();
            final ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(5));
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

            assertThat(records.records(tp)).extracting(ConsumerRecord::value).containsExactly("wake");
            assertThat(elapsedMs).as("returned before the poll timeout").isLessThan(5000);
        }
    }

    @Test
    void shouldNotSpinWhileWaitingForData() throws Exception
    {
        createTopic("idle", 2);
        final List<TopicPartition> tps = partitions("idle", 2);
        try (OspreyConsumer<String, String> consumer = consumer())
        {
            consumer.assign(tps);
            assertThat(consumer.position(tps.get(0))).isZero();
            final Thread network = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("osprey-consumer-network-thread | " + consumer.clientId())).findFirst().orElseThrow();
            final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            final long cpuBeforeNs = threads.getThreadCpuTime(network.getId());

            assertThat(consumer.poll(Duration.ofSeconds(2)).isEmpty()).isTrue();

            final long cpuMs = TimeUnit.NANOSECONDS.toMillis(threads.getThreadCpuTime(network.getId()) - cpuBeforeNs);
            assertThat(cpuMs).as("network thread CPU while 2 s of long polls found nothing").isLessThan(500);
        }
    }

    @Test
    void shouldCarryOnFromItsPositionAfterTheBrokerRestarts() throws Exception
    {
        createTopic("restart", 1);
        final TopicPartition tp = new TopicPartition("restart", 0);
        produce("restart", 100, "none");
        try (OspreyConsumer<String, String> consumer = consumer(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 60,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        {
            consumer.assign(List.of(tp));
            final List<ConsumerRecord<String, String>> read = new ArrayList<>(consumer.poll(Duration.ofSeconds(5)).records(tp));
            assertThat(read).hasSize(60);

            broker.restart();
            produce("restart", 100, "none");
            read.addAll(readUntil(consumer, Map.of(tp, 200L)));

            assertThat(read).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> (long)i).toList());
        }
    }

    @Test
    void shouldInterruptABlockingPollWithWakeup() throws Exception
    {
        createTopic("wakeup", 1);
        final TopicPartition tp = new TopicPartition("wakeup", 0);
        try (OspreyConsumer<String, String> consumer = consumer())
        {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            scheduler.schedule(consumer::wakeup, 300, TimeUnit.MILLISECONDS);

            final long startNs = System.nanoTime();
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30))).isInstanceOf(WakeupException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(10_000);

            produceOne("wakeup", 0, "still works");
            assertThat(consumer.poll(Duration.ofSeconds(5)).records(tp)).extracting(ConsumerRecord::value).containsExactly("still works");
        }
    }

    @Test
    void shouldReturnAtMostMaxPollRecordsPerPoll() throws Exception
    {
        createTopic("max-poll", 2);
        produce("max-poll", 200, "zstd");
        final List<TopicPartition> tps = partitions("max-poll", 2);
        try (OspreyConsumer<String, String> consumer = consumer(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        {
            consumer.assign(tps);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            final List<ConsumerRecord<String, String>> read = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (read.size() < 200 && System.nanoTime() < deadline)
            {
                final ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(1));
                assertThat(records.count()).isLessThanOrEqualTo(7);
                records.forEach(read::add);
            }
            assertThat(read).hasSize(200);
            for (final TopicPartition tp : tps)
            {
                assertThat(read.stream().filter(r -> r.partition() == tp.partition()).map(ConsumerRecord::offset).toList())
                    .containsExactlyElementsOf(IntStream.range(0, end.get(tp).intValue()).mapToObj(i -> (long)i).toList());
            }
        }
    }

    @Test
    void shouldPauseAndResumeAPartition() throws Exception
    {
        createTopic("pause", 2);
        final List<TopicPartition> tps = partitions("pause", 2);
        produceOne("pause", 0, "p0");
        produceOne("pause", 1, "p1");
        try (OspreyConsumer<String, String> consumer = consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        {
            consumer.assign(tps);
            consumer.pause(List.of(tps.get(0)));
            final List<ConsumerRecord<String, String>> read = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (read.isEmpty() && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            assertThat(read).extracting(ConsumerRecord::value).containsExactly("p1");
            assertThat(consumer.poll(Duration.ofMillis(300)).isEmpty()).isTrue();

            consumer.resume(List.of(tps.get(0)));
            assertThat(consumer.poll(Duration.ofSeconds(5))).extracting(ConsumerRecord::value).containsExactly("p0");
        }
    }
}
