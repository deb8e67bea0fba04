package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.osprey.common.TopicPartition;
import io.osprey.serialization.Serdes;
import io.osprey.server.TestBroker;

/**
 * Osprey's consumer groups against a live Osprey node (with {@code group.initial.rebalance.delay.ms=0}):
 * sharing partitions, taking over a leaving member's partitions from its committed offsets,
 * resuming after a restart, auto-commit, the rebalance listener's order, and groups mixing
 * Kafka's own consumer (classic protocol) with Osprey's, with either one leading.
 * <p>
 * Every consumer is polled from the test thread in turn (a rebalance needs every member to poll);
 * every wait is bounded, none is timed.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OspreyConsumerGroupIntegrationTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 6;

    private TestBroker broker;
    private Admin admin;
    private final List<AutoCloseable> open = new ArrayList<>();
    private int topicSequence;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0",
            "offsets.topic.replication.factor", "1"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterEach
    void closeClients() throws Exception
    {
        for (final AutoCloseable c : open)
        {
            try
            {
                c.close();
            }
            catch (final IllegalStateException alreadyClosed)
            {
                // Closed by the test itself.
            }
        }
        open.clear();
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

    // ---- Fixtures ----------------------------------------------------------------------------------

    private String newTopic() throws Exception
    {
        final String topic = "group-topic-" + topicSequence++;
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short)1))).all().get(30, TimeUnit.SECONDS);
        return topic;
    }

    /** Writes {@code perPartition} records to every partition, values "p-offsetIndex". */
    private void produce(final String topic, final int perPartition, final int from) throws Exception
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            for (int partition = 0; partition < PARTITIONS; partition++)
            {
                for (int i = from; i < from + perPartition; i++)
                {
                    producer.send(new ProducerRecord<>(topic, partition, "k", partition + "-" + i));
                }
            }
            producer.flush();
        }
    }

    private OspreyConsumer<String, String> osprey(final String group, final Object... keyValues)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", broker.bootstrap());
        props.put("group.id", group);
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("heartbeat.interval.ms", 200);
        props.put("session.timeout.ms", 10000);
        props.put("max.poll.interval.ms", 20000);
        props.put("retry.backoff.ms", 20);
        for (int i = 0; i < keyValues.length; i += 2)
        {
            props.put((String)keyValues[i], keyValues[i + 1]);
        }
        final OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props, new Serdes.StringDeserializer(),
            new Serdes.StringDeserializer());
        open.add(consumer);
        return consumer;
    }

    private KafkaConsumer<String, String> kafka(final String group, final String strategy)
    {
        final Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        p.put("group.id", group);
        p.put("group.protocol", "classic");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("heartbeat.interval.ms", "200");
        p.put("session.timeout.ms", "10000");
        p.put("max.poll.interval.ms", "20000");
        p.put("partition.assignment.strategy", strategy);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        open.add(consumer);
        return consumer;
    }

    /** One member as the test drives it: polls, records what it read and commits it. */
    private interface Member
    {
        void pollOnce();

        Set<String> assigned();
    }

    private static Member member(final OspreyConsumer<String, String> consumer, final List<String> read, final boolean commit)
    {
        return new Member()
        {
            @Override
            public void pollOnce()
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(30)))
                {
                    read.add(r.partition() + "@" + r.offset());
                }
                if (commit)
                {
                    commitQuietly(consumer::commitSync);
                }
            }

            @Override
            public Set<String> assigned()
            {
                final Set<String> out = new TreeSet<>();
                consumer.assignment().forEach(tp -> out.add(tp.toString()));
                return out;
            }
        };
    }

    private static Member member(final KafkaConsumer<String, String> consumer, final List<String> read)
    {
        return new Member()
        {
            @Override
            public void pollOnce()
            {
                consumer.poll(Duration.ofMillis(30)).forEach(r -> read.add(r.partition() + "@" + r.offset()));
                commitQuietly(consumer::commitSync);
            }

            @Override
            public Set<String> assigned()
            {
                final Set<String> out = new TreeSet<>();
                consumer.assignment().forEach(tp -> out.add(tp.topic() + "-" + tp.partition()));
                return out;
            }
        };
    }

    /**
     * Commits, accepting a refusal because the group is rebalancing (a cooperative rebalance goes
     * on while members consume): the next poll completes it and the next commit covers the same
     * positions, and a partition that moves is committed by the revocation listener first.
     */
    private static void commitQuietly(final Runnable commit)
    {
        try
        {
            commit.run();
        }
        catch (final RebalanceInProgressException | org.apache.kafka.common.errors.RebalanceInProgressException e)
        {
            // Retried after the next poll.
        }
    }

    /** Subscribes, committing the positions of partitions before they are revoked (as an application committing by hand does). */
    private static void subscribeCommitting(final OspreyConsumer<String, String> consumer, final String topic)
    {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
            {
                commitQuietly(consumer::commitSync);
            }

            @Override
            public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
            {
            }
        });
    }

    private static void subscribeCommitting(final KafkaConsumer<String, String> consumer, final String topic)
    {
        consumer.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(final Collection<org.apache.kafka.common.TopicPartition> partitions)
            {
                commitQuietly(consumer::commitSync);
            }

            @Override
            public void onPartitionsAssigned(final Collection<org.apache.kafka.common.TopicPartition> partitions)
            {
            }
        });
    }

    /** Polls every member in turn until {@code condition} holds (bounded). */
    private static void pollUntil(final List<Member> members, final BooleanSupplier condition)
    {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() ->
        {
            members.forEach(Member::pollOnce);
            return condition.getAsBoolean();
        });
    }

    /** Every member has {@code each} partitions and together they have every partition once. */
    private static boolean shared(final List<Member> members, final int each)
    {
        final Set<String> union = new HashSet<>();
        int total = 0;
        for (final Member m : members)
        {
            final Set<String> a = m.assigned();
            if (a.size() != each)
            {
                return false;
            }
            union.addAll(a);
            total += a.size();
        }
        return union.size() == PARTITIONS && total == PARTITIONS;
    }

    private static Set<String> everyRecord(final int perPartition)
    {
        final Set<String> out = new TreeSet<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            for (int o = 0; o < perPartition; o++)
            {
                out.add(p + "@" + o);
            }
        }
        return out;
    }

    private static List<TopicPartition> partitions(final String topic)
    {
        return IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    // ---- Tests -------------------------------------------------------------------------------------

    @Test
    void shouldShareSixPartitionsAmongThreeAndTakeOverALeaversPartitionsWithoutLossOrRereading() throws Exception
    {
        final String topic = newTopic();
        produce(topic, 10, 0);
        final List<String> read = new CopyOnWriteArrayList<>();
        final OspreyConsumer<String, String> a = osprey("share");
        final OspreyConsumer<String, String> b = osprey("share");
        final OspreyConsumer<String, String> c = osprey("share");
        for (final OspreyConsumer<String, String> consumer : List.of(a, b, c))
        {
            subscribeCommitting(consumer, topic);
        }
        final List<Member> three = List.of(member(a, read, true), member(b, read, true), member(c, read, true));

        pollUntil(three, () -> shared(three, 2) && read.size() == 60);

        c.close(Duration.ofSeconds(10));
        final List<Member> two = three.subList(0, 2);
        produce(topic, 10, 10);
        pollUntil(two, () -> shared(two, 3) && read.size() >= 120);
        two.forEach(Member::pollOnce);

        assertThat(read).hasSize(120).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(read)).isEqualTo(everyRecord(20));
    }

    @Test
    void shouldResumeFromCommittedOffsetsAfterARestart() throws Exception
    {
        final String topic = newTopic();
        produce(topic, 5, 0);
        final List<String> read = new CopyOnWriteArrayList<>();
        final OspreyConsumer<String, String> first = osprey("restart");
        first.subscribe(List.of(topic));
        final List<Member> one = List.of(member(first, read, true));
        pollUntil(one, () -> read.size() == 30);
        first.close(Duration.ofSeconds(10));

        produce(topic, 5, 5);
        final List<String> readAgain = new CopyOnWriteArrayList<>();
        final OspreyConsumer<String, String> second = osprey("restart");
        second.subscribe(List.of(topic));
        pollUntil(List.of(member(second, readAgain, false)), () -> readAgain.size() >= 30);

        final Set<String> expected = everyRecord(10);
        expected.removeAll(everyRecord(5));
        assertThat(readAgain).hasSize(30).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(readAgain)).isEqualTo(expected);
    }

    /**
     * As Kafka's consumer: with a group.id, partitions taken with assign() start from the group's
     * committed offsets, and auto.offset.reset applies only where nothing is committed.
     */
    @ParameterizedTest
    @CsvSource({"earliest", "latest"})
    void shouldStartAssignedPartitionsFromTheCommittedOffsets(final String reset) throws Exception
    {
        final String topic = newTopic();
        produce(topic, 10, 0);
        final String group = "assign-" + reset;
        final TopicPartition committedTp = new TopicPartition(topic, 0);
        final TopicPartition uncommittedTp = new TopicPartition(topic, 1);
        final OspreyConsumer<String, String> first = osprey(group, "auto.offset.reset", reset);
        first.assign(List.of(committedTp));
        first.commitSync(Map.of(committedTp, new io.osprey.consumer.OffsetAndMetadata(4)));
        first.close(Duration.ofSeconds(10));

        final OspreyConsumer<String, String> second = osprey(group, "auto.offset.reset", reset);
        second.assign(List.of(committedTp, uncommittedTp));
        assertThat(second.position(committedTp, Duration.ofSeconds(30))).isEqualTo(4);
        assertThat(second.position(uncommittedTp, Duration.ofSeconds(30))).isEqualTo(reset.equals("earliest") ? 0 : 10);
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (values.size() < 6 && System.nanoTime() < deadline)
        {
            second.poll(Duration.ofMillis(200)).records(committedTp).forEach(r -> values.add(r.value()));
        }
        assertThat(values).containsExactly("0-4", "0-5", "0-6", "0-7", "0-8", "0-9");
    }

    @Test
    void shouldAutoCommitPeriodicallyAndOnClose() throws Exception
    {
        final String topic = newTopic();
        produce(topic, 4, 0);
        final List<String> read = new CopyOnWriteArrayList<>();
        final OspreyConsumer<String, String> consumer = osprey("auto", "enable.auto.commit", "true", "auto.commit.interval.ms", 100);
        consumer.subscribe(List.of(topic));
        final List<Member> one = List.of(member(consumer, read, false));
        pollUntil(one, () -> read.size() == 24);

        final Set<TopicPartition> tps = new HashSet<>(partitions(topic));
        pollUntil(one, () -> consumer.committed(tps).values().stream().allMatch(o -> o != null && o.offset() == 4));

        produce(topic, 2, 4);
        pollUntil(one, () -> read.size() == 36);
        consumer.close(Duration.ofSeconds(10));

        final OspreyConsumer<String, String> checker = osprey("auto");
        assertThat(checker.committed(tps).values()).allSatisfy(o -> assertThat(o.offset()).isEqualTo(6));
    }

    @Test
    void shouldCallTheRebalanceListenerInOrder() throws Exception
    {
        final String topic = newTopic();
        final List<String> events = new CopyOnWriteArrayList<>();
        final OspreyConsumer<String, String> a = osprey("listener");
        a.subscribe(List.of(topic), new ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
            {
                events.add("revoked " + partitions.size());
            }

            @Override
            public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
            {
                events.add("assigned " + partitions.size());
            }
        });
        final List<String> ignored = new CopyOnWriteArrayList<>();
        final Member ma = member(a, ignored, false);
        pollUntil(List.of(ma), () -> ma.assigned().size() == PARTITIONS);

        final OspreyConsumer<String, String> b = osprey("listener");
        b.subscribe(List.of(topic));
        final List<Member> both = List.of(ma, member(b, ignored, false));
        pollUntil(both, () -> shared(both, 3));

        b.close(Duration.ofSeconds(10));
        pollUntil(List.of(ma), () -> ma.assigned().size() == PARTITIONS);
        a.close(Duration.ofSeconds(10));

        assertThat(events).containsExactly("assigned 6", "revoked 6", "assigned 3", "revoked 3", "assigned 6", "revoked 6");
    }

    @ParameterizedTest(name = "{0}, {1} joins first")
    @CsvSource({"range, kafka", "range, osprey", "cooperative-sticky, kafka", "cooperative-sticky, osprey"})
    void shouldSharePartitionsInAGroupMixingKafkasConsumerWithOspreys(final String strategy, final String first) throws Exception
    {
        final String topic = newTopic();
        produce(topic, 5, 0);
        final String group = "mixed-" + strategy + "-" + first;
        final String kafkaStrategy = strategy.equals("range")
            ? "org.apache.kafka.clients.consumer.RangeAssignor"
            : "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
        final List<String> read = new CopyOnWriteArrayList<>();
        final List<Member> members = new ArrayList<>();
        if (first.equals("kafka"))
        {
            final KafkaConsumer<String, String> k = kafka(group, kafkaStrategy);
            subscribeCommitting(k, topic);
            members.add(member(k, read));
            pollUntil(members, () -> members.get(0).assigned().size() == PARTITIONS);
        }
        for (int i = 0; i < 2; i++)
        {
            final OspreyConsumer<String, String> o = osprey(group, "partition.assignment.strategy", strategy);
            subscribeCommitting(o, topic);
            members.add(member(o, read, true));
            if (members.size() == 1)
            {
                pollUntil(members, () -> members.get(0).assigned().size() == PARTITIONS);
            }
        }
        if (first.equals("osprey"))
        {
            final KafkaConsumer<String, String> k = kafka(group, kafkaStrategy);
            subscribeCommitting(k, topic);
            members.add(member(k, read));
        }

        pollUntil(members, () -> shared(members, 2) && read.size() >= 30);
        produce(topic, 5, 5);
        pollUntil(members, () -> read.size() >= 60);

        assertThat(read).hasSize(60).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(read)).isEqualTo(everyRecord(10));
    }
}
