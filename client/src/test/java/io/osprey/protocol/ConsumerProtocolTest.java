package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.osprey.common.TopicPartition;

/** The embedded consumer protocol against Kafka's own ConsumerProtocol, every version, both ways. */
class ConsumerProtocolTest
{
    private static final List<String> TOPICS = List.of("payments", "orders", "zeta-é");
    private static final List<TopicPartition> OWNED = List.of(
        new TopicPartition("orders", 3), new TopicPartition("payments", 0), new TopicPartition("orders", 1));
    private static final List<TopicPartition> ASSIGNED = List.of(
        new TopicPartition("payments", 2), new TopicPartition("orders", 0), new TopicPartition("payments", 1));

    private static ByteBuffer userData()
    {
        return ByteBuffer.wrap("sticky-data".getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(final ByteBuffer b)
    {
        final ByteBuffer d = b.duplicate();
        final byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static List<org.apache.kafka.common.TopicPartition> kafka(final List<TopicPartition> tps)
    {
        final List<org.apache.kafka.common.TopicPartition> out = new ArrayList<>();
        tps.forEach(tp -> out.add(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())));
        return out;
    }

    private static List<TopicPartition> osprey(final List<org.apache.kafka.common.TopicPartition> tps)
    {
        final List<TopicPartition> out = new ArrayList<>();
        tps.forEach(tp -> out.add(new TopicPartition(tp.topic(), tp.partition())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3, 4, 7})
    void shouldWriteSubscriptionsByteIdenticalWithKafka(final short version)
    {
        final ConsumerProtocol.Subscription ours =
            new ConsumerProtocol.Subscription(TOPICS, userData(), OWNED, 17, Optional.of("rack-a"));
        final ConsumerPartitionAssignor.Subscription theirs =
            new ConsumerPartitionAssignor.Subscription(TOPICS, userData(), kafka(OWNED), 17, Optional.of("rack-a"));

        assertThat(bytes(ConsumerProtocol.serializeSubscription(ours, version)))
            .isEqualTo(bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(theirs, version)));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3})
    void shouldWriteMinimalSubscriptionsByteIdenticalWithKafka(final short version)
    {
        final ConsumerProtocol.Subscription ours = new ConsumerProtocol.Subscription(List.of());
        final ConsumerPartitionAssignor.Subscription theirs = new ConsumerPartitionAssignor.Subscription(List.of());

        assertThat(bytes(ConsumerProtocol.serializeSubscription(ours, version)))
            .isEqualTo(bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(theirs, version)));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3})
    void shouldReadKafkaSubscriptions(final short version)
    {
        final ConsumerPartitionAssignor.Subscription theirs =
            new ConsumerPartitionAssignor.Subscription(TOPICS, userData(), kafka(OWNED), 9, Optional.of("rack-b"));
        final ByteBuffer wire = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(theirs, version);

        final ConsumerProtocol.Subscription ours = ConsumerProtocol.deserializeSubscription(wire.duplicate());
        final ConsumerPartitionAssignor.Subscription back =
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeSubscription(wire.duplicate());

        assertThat(ours.topics()).isEqualTo(back.topics());
        assertThat(ours.userData()).isEqualTo(back.userData());
        assertThat(ours.ownedPartitions()).isEqualTo(osprey(back.ownedPartitions()));
        assertThat(ours.generationId()).isEqualTo(back.generationId().orElse(-1));
        assertThat(ours.rackId()).isEqualTo(back.rackId());
        assertThat(ours.ownedPartitions()).hasSize(version >= 1 ? 3 : 0);
    }

    @Test
    void shouldReadSubscriptionsWithNullUserDataAndNoRack()
    {
        final ConsumerPartitionAssignor.Subscription theirs =
            new ConsumerPartitionAssignor.Subscription(List.of("t"), null, List.of(), -1, Optional.empty());
        final ConsumerProtocol.Subscription ours = ConsumerProtocol.deserializeSubscription(
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(theirs));

        assertThat(ours.userData()).isNull();
        assertThat(ours.rackId()).isEmpty();
        assertThat(ours.generationId()).isEqualTo(ConsumerProtocol.NO_GENERATION);
    }

    @Test
    void shouldReadNewerSubscriptionVersionsIgnoringAppendedFields()
    {
        final ByteBuffer v3 = ConsumerProtocol.serializeSubscription(
            new ConsumerProtocol.Subscription(TOPICS, userData(), OWNED, 5, Optional.of("r")), (short)3);
        final ByteBuffer future = ByteBuffer.allocate(v3.remaining() + 8);
        future.putShort((short)9).put(v3.duplicate().position(2)).putLong(0x0123456789abcdefL).flip();

        final ConsumerProtocol.Subscription ours = ConsumerProtocol.deserializeSubscription(future.duplicate());
        final ConsumerPartitionAssignor.Subscription theirs =
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeSubscription(future.duplicate());

        assertThat(ours.topics()).isEqualTo(theirs.topics()).containsExactly("orders", "payments", "zeta-é");
        assertThat(ours.ownedPartitions()).isEqualTo(osprey(theirs.ownedPartitions()));
        assertThat(ours.generationId()).isEqualTo(5);
        assertThat(ours.rackId()).contains("r");
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3, 5})
    void shouldWriteAssignmentsByteIdenticalWithKafka(final short version)
    {
        final ConsumerProtocol.Assignment ours = new ConsumerProtocol.Assignment(ASSIGNED, userData());
        final ConsumerPartitionAssignor.Assignment theirs = new ConsumerPartitionAssignor.Assignment(kafka(ASSIGNED), userData());

        assertThat(bytes(ConsumerProtocol.serializeAssignment(ours, version)))
            .isEqualTo(bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(theirs, version)));
        assertThat(bytes(ConsumerProtocol.serializeAssignment(new ConsumerProtocol.Assignment(List.of()), version)))
            .isEqualTo(bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(
                new ConsumerPartitionAssignor.Assignment(List.of()), version)));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3})
    void shouldReadKafkaAssignments(final short version)
    {
        final ByteBuffer wire = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(
            new ConsumerPartitionAssignor.Assignment(kafka(ASSIGNED), userData()), version);

        final ConsumerProtocol.Assignment ours = ConsumerProtocol.deserializeAssignment(wire.duplicate());
        final ConsumerPartitionAssignor.Assignment back =
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeAssignment(wire.duplicate());

        assertThat(ours.partitions()).isEqualTo(osprey(back.partitions()));
        assertThat(ours.userData()).isEqualTo(back.userData()).isEqualTo(userData());
    }

    @Test
    void shouldReadNewerAssignmentVersions()
    {
        final ByteBuffer v3 = ConsumerProtocol.serializeAssignment(new ConsumerProtocol.Assignment(ASSIGNED, null));
        final ByteBuffer future = ByteBuffer.allocate(v3.remaining() + 3);
        future.putShort((short)4).put(v3.duplicate().position(2)).put(new byte[] {1, 2, 3}).flip();

        final ConsumerProtocol.Assignment ours = ConsumerProtocol.deserializeAssignment(future.duplicate());
        final ConsumerPartitionAssignor.Assignment theirs =
            org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeAssignment(future.duplicate());

        assertThat(ours.partitions()).isEqualTo(osprey(theirs.partitions()));
        assertThat(ours.userData()).isNull();
    }

    @Test
    void shouldRejectTruncatedAndNegativeVersions()
    {
        final ByteBuffer wire = ConsumerProtocol.serializeSubscription(new ConsumerProtocol.Subscription(TOPICS));
        assertThatThrownBy(() -> ConsumerProtocol.deserializeSubscription(wire.duplicate().limit(wire.limit() - 3)))
            .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(new byte[] {0})))
            .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(new byte[] {(byte)0xff, (byte)0xff, 0, 0, 0, 0})))
            .isInstanceOf(ProtocolException.class);
    }
}
