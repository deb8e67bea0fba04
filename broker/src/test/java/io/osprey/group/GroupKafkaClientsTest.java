package io.osprey.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/**
 * The referee for consumer groups: Kafka's own KafkaConsumer (group.protocol=classic) and Admin
 * against a live Osprey node.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// listConsumerGroups and ConsumerGroupListing are deprecated (for removal) since Kafka 4.1, but most tools still call them.
@SuppressWarnings({"deprecation", "removal"})
class GroupKafkaClientsTest
{
    /** Quick rebalances and small offsets-topic files for tests. */
    static final Map<String, String> GROUP_TEST_CONFIG = Map.of(
        "group.initial.rebalance.delay.ms", "0",
        "group.min.session.timeout.ms", "1000",
        "offsets.topic.num.partitions", "4",
        "offsets.topic.segment.bytes", "1048576");

    private TestBroker broker;
    private Admin admin;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"), GROUP_TEST_CONFIG);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
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

    static Properties consumerProps(final String bootstrap, final String group)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        return p;
    }

    void produce(final String topic, final int partitions, final int from, final int to) throws Exception
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            for (int i = from; i < to; i++)
            {
                producer.send(new ProducerRecord<>(topic, i % partitions, Integer.toString(i), Integer.toString(i)));
            }
            producer.flush();
        }
    }

    /**
     * A group member on its own thread: polls, records what it got, commits after every poll
     * and publishes its assignment. Offsets of records it receives are checked against the
     * positions committed so far by the whole group: a committed record must never come again.
     */
    final class Member implements AutoCloseable
    {
        final KafkaConsumer<String, String> consumer;
        final Thread thread;
        final AtomicBoolean running = new AtomicBoolean(true);
        volatile Set<TopicPartition> assignment = Set.of();

        Member(final String name, final String group, final String topic, final Map<TopicPartition, Long> committed,
            final Collection<String> received, final Collection<String> violations)
        {
            final Properties p = consumerProps(broker.bootstrap(), group);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
            consumer = new KafkaConsumer<>(p);
            thread = new Thread(() ->
            {
                consumer.subscribe(List.of(topic));
                while (running.get())
                {
                    final ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    final Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    for (final ConsumerRecord<String, String> r : records)
                    {
                        final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        if (r.offset() < committed.getOrDefault(tp, 0L))
                        {
                            violations.add(name + " re-read committed " + tp + "@" + r.offset());
                        }
                        received.add(r.value());
                        next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    }
                    if (!next.isEmpty())
                    {
                        try
                        {
                            consumer.commitSync(next);
                            next.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
                        }
                        catch (final CommitFailedException | org.apache.kafka.common.errors.RebalanceInProgressException e)
                        {
                            // Not committed: these records may be delivered again, which at-least-once allows.
                        }
                    }
                    assignment = Set.copyOf(consumer.assignment());
                }
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close()
        {
            running.set(false);
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void shouldSpreadSixPartitionsOverThreeConsumersAndHandOverWithoutLossOrRereadingCommittedRecords() throws Exception
    {
        final String topic = "handover";
        admin.createTopics(List.of(new NewTopic(topic, 6, (short)1))).all().get();
        produce(topic, 6, 0, 600);
        final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
        final Collection<String> received = new ConcurrentLinkedQueue<>();
        final Collection<String> violations = new ConcurrentLinkedQueue<>();
        final List<Member> members = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                members.add(new Member("member-" + i, "handover-group", topic, committed, received, violations));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            {
                assertThat(members).allSatisfy(m -> assertThat(m.assignment).hasSize(2));
                final Set<TopicPartition> union = new HashSet<>();
                members.forEach(m -> union.addAll(m.assignment));
                assertThat(union).hasSize(6);
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(received).size() == 600);

            members.remove(2).close();
            produce(topic, 6, 600, 1200);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(members).allSatisfy(m -> assertThat(m.assignment).hasSize(3)));
            await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(received).size() == 1200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            {
                final Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets("handover-group").partitionsToOffsetAndMetadata().get();
                assertThat(offsets).hasSize(6);
                assertThat(offsets.values()).allSatisfy(o -> assertThat(o.offset()).isEqualTo(200));
            });
        }
        finally
        {
            for (final Member m : members)
            {
                m.close();
            }
        }
        final Set<String> expected = new HashSet<>();
        for (int i = 0; i < 1200; i++)
        {
            expected.add(Integer.toString(i));
        }
        assertThat(new HashSet<>(received)).isEqualTo(expected);
        assertThat(violations).isEmpty();
    }

    @Test
    void shouldResumeARestartedConsumerFromItsCommittedOffset() throws Exception
    {
        final String topic = "resume";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get();
        produce(topic, 1, 0, 100);
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> first = new KafkaConsumer<>(consumerProps(broker.bootstrap(), "resume-group")))
        {
            first.subscribe(List.of(topic));
            final List<ConsumerRecord<String, String>> got = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < 100 && System.nanoTime() < deadline)
            {
                first.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).hasSize(100);
            first.commitSync(Map.of(tp, new OffsetAndMetadata(60, "half-way")));
        }

        try (KafkaConsumer<String, String> second = new KafkaConsumer<>(consumerProps(broker.bootstrap(), "resume-group")))
        {
            second.subscribe(List.of(topic));
            final List<ConsumerRecord<String, String>> got = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < 40 && System.nanoTime() < deadline)
            {
                second.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).extracting(ConsumerRecord::offset).first().isEqualTo(60L);
            assertThat(got).hasSize(40);
            assertThat(second.committed(Set.of(tp)).get(tp).metadata()).isEqualTo("half-way");
        }
    }

    @Test
    void shouldServeKafkasAdminGroupOperations() throws Exception
    {
        final String topic = "admin-groups";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short)1))).all().get();
        produce(topic, 2, 0, 20);
        final TopicPartition p0 = new TopicPartition(topic, 0);
        final TopicPartition p1 = new TopicPartition(topic, 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker.bootstrap(), "admin-group")))
        {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() ->
            {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 2;
            });
            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(4)));

            final Collection<ConsumerGroupListing> listed = admin.listConsumerGroups().all().get();
            assertThat(listed).anySatisfy(g ->
            {
                assertThat(g.groupId()).isEqualTo("admin-group");
                assertThat(g.groupState()).contains(GroupState.STABLE);
            });
            final Collection<GroupListing> stable = admin.listGroups(new ListGroupsOptions().inGroupStates(Set.of(GroupState.STABLE)))
                .all().get();
            assertThat(stable).extracting(GroupListing::groupId).contains("admin-group");
            final ConsumerGroupDescription description =
                admin.describeConsumerGroups(List.of("admin-group")).all().get().get("admin-group");
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(description.partitionAssignor()).isNotEmpty();
            assertThat(description.members()).singleElement().satisfies(m ->
            {
                assertThat(m.consumerId()).isEqualTo(consumer.groupMetadata().memberId());
                assertThat(m.host()).isEqualTo("/127.0.0.1");
                assertThat(m.assignment().topicPartitions()).containsExactlyInAnyOrder(p0, p1);
            });
            assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get())
                .containsEntry(p0, new OffsetAndMetadata(3)).containsEntry(p1, new OffsetAndMetadata(4));

            assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);
        }

        admin.alterConsumerGroupOffsets("admin-group", Map.of(p0, new OffsetAndMetadata(7))).all().get();
        assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get())
            .containsEntry(p0, new OffsetAndMetadata(7)).containsEntry(p1, new OffsetAndMetadata(4));
        assertThat(admin.describeConsumerGroups(List.of("admin-group")).all().get().get("admin-group").groupState())
            .isEqualTo(GroupState.EMPTY);

        admin.deleteConsumerGroups(List.of("admin-group")).all().get();
        assertThat(admin.listConsumerGroups().all().get()).extracting(ConsumerGroupListing::groupId).doesNotContain("admin-group");
        assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get()).isEmpty();
    }

    @Test
    void shouldMarkConsumerOffsetsInternalAndRefuseProduceToIt() throws Exception
    {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker.bootstrap(), "internal-check")))
        {
            // Any group use creates the topic.
            consumer.committed(Set.of(new TopicPartition("whatever", 0)), Duration.ofSeconds(30));
        }
        final TopicDescription offsets = admin.describeTopics(List.of(GroupCoordinatorService.OFFSETS_TOPIC))
            .allTopicNames().get().get(GroupCoordinatorService.OFFSETS_TOPIC);
        assertThat(offsets.isInternal()).isTrue();
        assertThat(offsets.partitions()).hasSize(4);
        assertThat(admin.listTopics().names().get()).doesNotContain(GroupCoordinatorService.OFFSETS_TOPIC);
        assertThatThrownBy(() -> admin.deleteTopics(List.of(GroupCoordinatorService.OFFSETS_TOPIC)).all().get())
            .cause().isInstanceOf(InvalidRequestException.class).hasMessageContaining("internal");
        assertThatThrownBy(() -> admin.createPartitions(Map.of(GroupCoordinatorService.OFFSETS_TOPIC, NewPartitions.increaseTo(8)))
            .all().get()).cause().isInstanceOf(InvalidRequestException.class);
        assertThat(admin.describeTopics(List.of(GroupCoordinatorService.OFFSETS_TOPIC)).allTopicNames().get()
            .get(GroupCoordinatorService.OFFSETS_TOPIC).partitions()).hasSize(4);

        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(GroupCoordinatorService.OFFSETS_TOPIC, 0, "k", "v"))
                .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfAny(InvalidTopicException.class, KafkaException.class);
        }
    }
}
