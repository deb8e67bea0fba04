package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;

/**
 * Osprey's consumer-group admin calls against a real broker whose group is run by Kafka's own
 * consumer, with Kafka's admin client as the referee: both must describe the same group, offsets
 * and log offsets.
 */
@Tag("integration")
class GroupAdminIntegrationTest extends AdminRefereeTestBase
{
    private static final long WAIT_S = 30;
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_PARTITION = 10;

    GroupAdminIntegrationTest()
    {
        super(WAIT_S, "osprey-group-admin-it");
    }

    /** A topic of {@link #PARTITIONS} partitions with {@link #RECORDS_PER_PARTITION} records in each. */
    private void topicWithRecords(final String topic) throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short)1))).all());
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            for (int partition = 0; partition < PARTITIONS; partition++)
            {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++)
                {
                    producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
    }

    /** Kafka's consumer in {@code group}, subscribed to {@code topic}, having read every record and committed {@code committed} in each partition. */
    private KafkaConsumer<String, String> activeConsumer(final String group, final String topic, final long committed)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-consumer");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
        final int[] read = {0};
        await().atMost(Duration.ofSeconds(WAIT_S)).until(() ->
        {
            read[0] += consumer.poll(Duration.ofMillis(100)).count();
            return read[0] == PARTITIONS * RECORDS_PER_PARTITION;
        });
        final Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++)
        {
            offsets.put(new org.apache.kafka.common.TopicPartition(topic, partition),
                new org.apache.kafka.clients.consumer.OffsetAndMetadata(committed, "it"));
        }
        consumer.commitSync(offsets);
        return consumer;
    }

    private static Set<TopicPartition> partitions(final String topic)
    {
        final Set<TopicPartition> all = new HashSet<>();
        for (int partition = 0; partition < PARTITIONS; partition++)
        {
            all.add(new TopicPartition(topic, partition));
        }
        return all;
    }

    private GroupState stateOf(final String group) throws Exception
    {
        return get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)).groupState();
    }

    @Test
    void shouldListDescribeAndLagAnActiveGroupAsKafkasAdminDoes() throws Exception
    {
        topicWithRecords("active-events");
        try (KafkaConsumer<String, String> consumer = activeConsumer("active-app", "active-events", 7))
        {
            assertThat(consumer.assignment()).hasSize(PARTITIONS);
            final Collection<ConsumerGroupListing> listed = get(admin.listConsumerGroups().all());
            assertThat(listed).contains(new ConsumerGroupListing("active-app", Optional.of(GroupState.STABLE), "consumer"));
            assertThat(get(admin.listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(Set.of(GroupState.EMPTY))).all()))
                .extracting(ConsumerGroupListing::groupId).doesNotContain("active-app");
            // A loop rather than a lambda: a lambda over GroupListing (Kafka 4 only) would make this class unloadable in the
            // kafka-3.9 test run, which discovers it before filtering by tag.
            final Map<String, String> theirListing = new HashMap<>();
            for (final var g : get(kafka.listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forConsumerGroups()).all()))
            {
                theirListing.put(g.groupId(), g.groupState().map(Object::toString).orElse("") + "/" + g.protocol());
            }
            assertThat(theirListing).containsEntry("active-app", "Stable/consumer");

            final ConsumerGroupDescription ours = get(admin.describeConsumerGroups(List.of("active-app")).describedGroups().get("active-app"));
            final org.apache.kafka.clients.admin.ConsumerGroupDescription theirs =
                get(kafka.describeConsumerGroups(List.of("active-app")).describedGroups().get("active-app"));
            assertThat(ours.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(ours.groupState().toString()).isEqualTo(theirs.groupState().toString());
            assertThat(ours.isSimpleConsumerGroup()).isEqualTo(theirs.isSimpleConsumerGroup()).isFalse();
            assertThat(ours.partitionAssignor()).isEqualTo(theirs.partitionAssignor()).isNotEmpty();
            assertThat(ours.coordinator().id()).isEqualTo(theirs.coordinator().id());
            assertThat(ours.members()).hasSize(1);
            final MemberDescription member = ours.members().iterator().next();
            final org.apache.kafka.clients.admin.MemberDescription theirMember = theirs.members().iterator().next();
            assertThat(member.consumerId()).isEqualTo(theirMember.consumerId());
            assertThat(member.clientId()).isEqualTo(theirMember.clientId()).isEqualTo("it-consumer");
            assertThat(member.host()).isEqualTo(theirMember.host());
            assertThat(member.assignment().topicPartitions()).isEqualTo(partitions("active-events"));

            final Map<TopicPartition, OffsetAndMetadata> offsets = get(admin.listConsumerGroupOffsets("active-app").partitionsToOffsetAndMetadata());
            final var theirOffsets = get(kafka.listConsumerGroupOffsets("active-app").partitionsToOffsetAndMetadata());
            assertThat(offsets).hasSize(PARTITIONS).hasSameSizeAs(theirOffsets);
            theirOffsets.forEach((tp, o) -> assertThat(offsets.get(new TopicPartition(tp.topic(), tp.partition())))
                .isEqualTo(new OffsetAndMetadata(o.offset(), o.leaderEpoch(), o.metadata())));

            final ConsumerGroupLag lag = get(ConsumerGroupLag.compute(admin, "active-app"));
            assertThat(lag.partitions()).hasSize(PARTITIONS).allSatisfy(p ->
            {
                assertThat(p.committedOffset()).hasValue(7);
                assertThat(p.logEndOffset()).hasValue(RECORDS_PER_PARTITION);
                assertThat(p.owner()).contains(member);
            });
            assertThat(lag.totalLag()).isEqualTo(PARTITIONS * (RECORDS_PER_PARTITION - 7));
        }
    }

    @Test
    void shouldDeleteOffsetsOfTopicsALiveGroupDoesNotReadAndAnyOnceItIsEmpty() throws Exception
    {
        topicWithRecords("od-read");
        topicWithRecords("od-other");
        final org.apache.kafka.common.TopicPartition read0 = new org.apache.kafka.common.TopicPartition("od-read", 0);
        final org.apache.kafka.common.TopicPartition other0 = new org.apache.kafka.common.TopicPartition("od-other", 0);
        final org.apache.kafka.common.TopicPartition other1 = new org.apache.kafka.common.TopicPartition("od-other", 1);
        try (KafkaConsumer<String, String> consumer = activeConsumer("od-app", "od-read", 5))
        {
            consumer.commitSync(Map.of(other0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(3),
                other1, new org.apache.kafka.clients.consumer.OffsetAndMetadata(4)));
            final Throwable subscribed = catchThrowable(() -> get(kafka.deleteConsumerGroupOffsets("od-app", Set.of(read0)).partitionResult(read0)));
            assertThat(subscribed).isInstanceOf(ExecutionException.class).cause().isInstanceOf(GroupSubscribedToTopicException.class);
            // Osprey's admin client is refused the same way.
            final TopicPartition ourRead0 = new TopicPartition("od-read", 0);
            assertThat(brokerError(admin.deleteConsumerGroupOffsets("od-app", Set.of(ourRead0)).partitionResult(ourRead0)).errorCode())
                .isEqualTo(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
            get(kafka.deleteConsumerGroupOffsets("od-app", Set.of(other0)).all());
            assertThat(get(kafka.listConsumerGroupOffsets("od-app").partitionsToOffsetAndMetadata()).keySet())
                .doesNotContain(other0).contains(other1, read0);
        }
        // The group is Empty now: offsets of the topic it read can go as well (deleted by Osprey's admin client).
        get(admin.deleteConsumerGroupOffsets("od-app", Set.of(new TopicPartition("od-read", 0))).all());
        final var left = get(kafka.listConsumerGroupOffsets("od-app").partitionsToOffsetAndMetadata());
        assertThat(left.keySet()).doesNotContain(read0, other0).contains(other1, new org.apache.kafka.common.TopicPartition("od-read", 1));
        assertThat(left.get(other1).offset()).isEqualTo(4);

        final Throwable unknown = catchThrowable(() -> get(kafka.deleteConsumerGroupOffsets("od-no-such-group", Set.of(read0)).all()));
        assertThat(unknown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(GroupIdNotFoundException.class);
        final TopicPartition ourRead0 = new TopicPartition("od-read", 0);
        assertThat(brokerError(admin.deleteConsumerGroupOffsets("od-no-such-group", Set.of(ourRead0)).all()).errorCode())
            .isEqualTo(ErrorCode.GROUP_ID_NOT_FOUND);
    }

    @Test
    void shouldRefuseToAlterOrDeleteAnActiveGroupThenDoBothOnceItsConsumerLeft() throws Exception
    {
        topicWithRecords("reset-events");
        final TopicPartition p0 = new TopicPartition("reset-events", 0);
        try (KafkaConsumer<String, String> consumer = activeConsumer("reset-app", "reset-events", 4))
        {
            assertThat(consumer.assignment()).hasSize(PARTITIONS);
            final OspreyException refused = brokerError(admin.alterConsumerGroupOffsets("reset-app", Map.of(p0, new OffsetAndMetadata(0)))
                .partitionResult(p0));
            assertThat(refused).hasMessageContaining("is not empty: stop its consumers first");
            final OspreyException notEmpty = brokerError(admin.deleteConsumerGroups(List.of("reset-app")).all());
            assertThat(notEmpty.errorCode()).isEqualTo(ErrorCode.NON_EMPTY_GROUP);
        }
        await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> stateOf("reset-app") == GroupState.EMPTY);

        get(admin.alterConsumerGroupOffsets("reset-app", Map.of(p0, new OffsetAndMetadata(1, Optional.empty(), "by-admin"))).all());

        assertThat(get(admin.listConsumerGroupOffsets("reset-app").partitionsToOffsetAndMetadata()))
            .containsEntry(p0, new OffsetAndMetadata(1, Optional.empty(), "by-admin"));
        final var theirOffset = get(kafka.listConsumerGroupOffsets("reset-app").partitionsToOffsetAndMetadata())
            .get(new org.apache.kafka.common.TopicPartition("reset-events", 0));
        assertThat(theirOffset.offset()).isEqualTo(1);
        assertThat(theirOffset.metadata()).isEqualTo("by-admin");

        get(admin.deleteConsumerGroups(List.of("reset-app")).all());

        // Kafka's admin describes a group that is gone as Dead, with no members; so does Osprey's.
        final ConsumerGroupDescription gone = get(admin.describeConsumerGroups(List.of("reset-app")).describedGroups().get("reset-app"));
        final org.apache.kafka.clients.admin.ConsumerGroupDescription theirGone =
            get(kafka.describeConsumerGroups(List.of("reset-app")).describedGroups().get("reset-app"));
        assertThat(gone.groupState()).isEqualTo(GroupState.DEAD);
        assertThat(gone.groupState().toString()).isEqualTo(theirGone.groupState().toString());
        assertThat(gone.members()).isEmpty();
        assertThat(gone.isSimpleConsumerGroup()).isEqualTo(theirGone.isSimpleConsumerGroup());
        assertThat(get(admin.listConsumerGroups().all())).extracting(ConsumerGroupListing::groupId).doesNotContain("reset-app");
        assertThat(get(admin.listConsumerGroupOffsets("reset-app").partitionsToOffsetAndMetadata())).isEmpty();
    }

    @Test
    void shouldListLogOffsetsAsKafkasAdminDoes() throws Exception
    {
        topicWithRecords("offset-events");
        final TopicPartition p1 = new TopicPartition("offset-events", 1);
        final org.apache.kafka.common.TopicPartition k1 = new org.apache.kafka.common.TopicPartition("offset-events", 1);
        final List<OffsetSpec> specs = List.of(OffsetSpec.earliest(), OffsetSpec.latest(), OffsetSpec.forTimestamp(0),
            OffsetSpec.forTimestamp(Long.MAX_VALUE / 2), OffsetSpec.maxTimestamp());
        final List<org.apache.kafka.clients.admin.OffsetSpec> theirSpecs = List.of(org.apache.kafka.clients.admin.OffsetSpec.earliest(),
            org.apache.kafka.clients.admin.OffsetSpec.latest(), org.apache.kafka.clients.admin.OffsetSpec.forTimestamp(0),
            org.apache.kafka.clients.admin.OffsetSpec.forTimestamp(Long.MAX_VALUE / 2),
            org.apache.kafka.clients.admin.OffsetSpec.maxTimestamp());

        for (int i = 0; i < specs.size(); i++)
        {
            final ListOffsetsResult.ListOffsetsResultInfo ours = get(admin.listOffsets(Map.of(p1, specs.get(i))).partitionResult(p1));
            final org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo theirs =
                get(kafka.listOffsets(Map.of(k1, theirSpecs.get(i))).partitionResult(k1));
            assertThat(ours.offset()).as(specs.get(i).toString()).isEqualTo(theirs.offset());
            assertThat(ours.timestamp()).as(specs.get(i).toString()).isEqualTo(theirs.timestamp());
            assertThat(ours.leaderEpoch()).as(specs.get(i).toString()).isEqualTo(theirs.leaderEpoch());
        }
        assertThat(get(admin.listOffsets(Map.of(p1, OffsetSpec.latest())).partitionResult(p1)).offset()).isEqualTo(RECORDS_PER_PARTITION);
        final TopicPartition missing = new TopicPartition("offset-events", 7);
        assertThat(brokerError(admin.listOffsets(Map.of(missing, OffsetSpec.latest())).partitionResult(missing)).errorCode())
            .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
}
