package io.osprey.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.coordinator.common.runtime.CoordinatorRecord;
import org.apache.kafka.coordinator.group.GroupCoordinatorRecordSerde;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;

import io.osprey.common.TopicPartition;

/**
 * The {@code __consumer_offsets} records Osprey writes, read by Kafka's own group coordinator
 * serde (kafka-group-coordinator 4.3.1, on the test classpath through kafka-tools), and the
 * other way round.
 */
class OffsetsTopicFormatTest
{
    private final GroupCoordinatorRecordSerde kafka = new GroupCoordinatorRecordSerde();

    @Test
    void shouldWriteOffsetCommitRecordsThatKafkaReads()
    {
        final byte[] key = OffsetsTopicFormat.offsetCommitKey("group-1", "orders", 7);
        final byte[] value = OffsetsTopicFormat.offsetCommitValue(new CommittedOffset(1234, 5, "meta", 99_000));

        final CoordinatorRecord record = kafka.deserialize(ByteBuffer.wrap(key), ByteBuffer.wrap(value));

        final OffsetCommitKey k = (OffsetCommitKey)record.key();
        assertThat(k.group()).isEqualTo("group-1");
        assertThat(k.topic()).isEqualTo("orders");
        assertThat(k.partition()).isEqualTo(7);
        assertThat(record.value().version()).isEqualTo((short)3);
        final OffsetCommitValue v = (OffsetCommitValue)record.value().message();
        assertThat(v.offset()).isEqualTo(1234);
        assertThat(v.leaderEpoch()).isEqualTo(5);
        assertThat(v.metadata()).isEqualTo("meta");
        assertThat(v.commitTimestamp()).isEqualTo(99_000);
    }

    @Test
    void shouldWriteGroupMetadataRecordsThatKafkaReads()
    {
        final GroupMetadataSnapshot snapshot = new GroupMetadataSnapshot("consumer", 4, "range", "m1", 55, List.of(
            new GroupMetadataSnapshot.Member("m1", null, "c1", "/127.0.0.1", 30_000, 10_000, bytes("sub1"), bytes("as1")),
            new GroupMetadataSnapshot.Member("m2", "static-2", "c2", "/127.0.0.2", 31_000, 11_000, bytes("sub2"), bytes("as2"))));

        final CoordinatorRecord record = kafka.deserialize(ByteBuffer.wrap(OffsetsTopicFormat.groupMetadataKey("group-1")),
            ByteBuffer.wrap(OffsetsTopicFormat.groupMetadataValue(snapshot)));

        assertThat(((GroupMetadataKey)record.key()).group()).isEqualTo("group-1");
        final GroupMetadataValue v = (GroupMetadataValue)record.value().message();
        assertThat(record.value().version()).isEqualTo((short)3);
        assertThat(v.protocolType()).isEqualTo("consumer");
        assertThat(v.generation()).isEqualTo(4);
        assertThat(v.protocol()).isEqualTo("range");
        assertThat(v.leader()).isEqualTo("m1");
        assertThat(v.currentStateTimestamp()).isEqualTo(55);
        assertThat(v.members()).hasSize(2);
        final GroupMetadataValue.MemberMetadata m2 = v.members().get(1);
        assertThat(m2.memberId()).isEqualTo("m2");
        assertThat(m2.groupInstanceId()).isEqualTo("static-2");
        assertThat(m2.clientHost()).isEqualTo("/127.0.0.2");
        assertThat(m2.rebalanceTimeout()).isEqualTo(31_000);
        assertThat(m2.sessionTimeout()).isEqualTo(11_000);
        assertThat(m2.subscription()).isEqualTo(bytes("sub2"));
        assertThat(m2.assignment()).isEqualTo(bytes("as2"));
    }

    @Test
    void shouldReadRecordsKafkaWrites()
    {
        final CoordinatorRecord offset = CoordinatorRecord.record(
            new OffsetCommitKey().setGroup("g").setTopic("t").setPartition(2),
            new ApiMessageAndVersion(new OffsetCommitValue().setOffset(77).setLeaderEpoch(3).setMetadata("x").setCommitTimestamp(5),
                (short)3));
        final CoordinatorRecord group = CoordinatorRecord.record(new GroupMetadataKey().setGroup("g"),
            new ApiMessageAndVersion(new GroupMetadataValue().setProtocolType("consumer").setGeneration(9).setProtocol("sticky")
                .setLeader("a").setCurrentStateTimestamp(12).setMembers(List.of(new GroupMetadataValue.MemberMetadata()
                    .setMemberId("a").setClientId("c").setClientHost("/h").setRebalanceTimeout(1).setSessionTimeout(2)
                    .setSubscription(bytes("s")).setAssignment(bytes("as")))), (short)3));

        final LoadedPartition loaded = new LoadedPartition();
        loaded.replay(kafka.serializeKey(offset), kafka.serializeValue(offset));
        loaded.replay(kafka.serializeKey(group), kafka.serializeValue(group));

        assertThat(loaded.offsets.get("g").get(new TopicPartition("t", 2))).isEqualTo(new CommittedOffset(77, 3, "x", 5));
        final GroupMetadataSnapshot g = loaded.groups.get("g");
        assertThat(g.generation()).isEqualTo(9);
        assertThat(g.protocol()).isEqualTo("sticky");
        assertThat(g.members().get(0).assignment()).isEqualTo(bytes("as"));
    }

    @Test
    void shouldRemoveKeysOnTombstones()
    {
        final LoadedPartition loaded = new LoadedPartition();
        loaded.replay(OffsetsTopicFormat.offsetCommitKey("g", "t", 0), OffsetsTopicFormat.offsetCommitValue(
            new CommittedOffset(1, -1, "", 0)));
        loaded.replay(OffsetsTopicFormat.groupMetadataKey("g"), OffsetsTopicFormat.groupMetadataValue(
            new GroupMetadataSnapshot("consumer", 1, null, null, 0, List.of())));
        loaded.replay(OffsetsTopicFormat.offsetCommitKey("g", "t", 0), null);
        loaded.replay(OffsetsTopicFormat.groupMetadataKey("g"), null);

        assertThat(loaded.groupCount()).isZero();
    }

    @Test
    void shouldRefuseMalformedRecordsWithAnException()
    {
        assertThatThrownBy(() -> OffsetsTopicFormat.decodeKey(ByteBuffer.wrap(new byte[] {0, 1, 0, 9})))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OffsetsTopicFormat.decodeOffsetValue(ByteBuffer.wrap(new byte[] {0, 3, 1})))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OffsetsTopicFormat.decodeGroupValue(ByteBuffer.wrap(new byte[] {0, 9})))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
