package io.osprey.group;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.osprey.common.TopicPartition;

/**
 * Kafka's record schemas for {@code __consumer_offsets}, so that Kafka's own tooling (for
 * example {@code GroupCoordinatorRecordSerde} and {@code kafka-dump-log --offsets-decoder})
 * reads what Osprey writes. Every key and value starts with an int16 version; strings are
 * int16 length + UTF-8 (-1 for null), bytes int32 length + data, arrays an int32 count; all
 * big-endian, non-flexible (no tagged fields).
 * <pre>
 * OffsetCommitKey   (key version 1):  group string, topic string, partition int32
 * GroupMetadataKey  (key version 2):  group string
 * OffsetCommitValue (value version 3): offset int64, leaderEpoch int32, metadata string, commitTimestamp int64
 *     (read: v0/v2 without leaderEpoch, v1 with expireTimestamp int64 after commitTimestamp)
 * GroupMetadataValue (value version 3): protocolType string, generation int32, protocol nullable string,
 *     leader nullable string, currentStateTimestamp int64, members [memberId string,
 *     groupInstanceId nullable string, clientId string, clientHost string, rebalanceTimeout int32,
 *     sessionTimeout int32, subscription bytes, assignment bytes]
 *     (read: v0 without currentStateTimestamp, rebalanceTimeout and groupInstanceId; v1 without
 *     currentStateTimestamp and groupInstanceId; v2 without groupInstanceId)
 * </pre>
 * A tombstone is the key with a null value. Pure functions; thread-safe.
 */
public final class OffsetsTopicFormat
{
    public static final short OFFSET_COMMIT_KEY_VERSION = 1;
    public static final short GROUP_METADATA_KEY_VERSION = 2;
    public static final short OFFSET_COMMIT_VALUE_VERSION = 3;
    public static final short GROUP_METADATA_VALUE_VERSION = 3;

    /** A decoded key: an offset commit key, a group metadata key, or a key of a record type Osprey does not use. */
    public sealed interface Key permits OffsetKey, GroupKey, OtherKey
    {
        String group();
    }

    /** The key of a committed offset. */
    public record OffsetKey(String group, TopicPartition topicPartition) implements Key
    {
    }

    /** The key of a group's metadata. */
    public record GroupKey(String group) implements Key
    {
    }

    /** A key of another record type (consumer-protocol groups, share groups, ...): skipped on load. */
    public record OtherKey(short version) implements Key
    {
        @Override
        public String group()
        {
            return null;
        }
    }

    private OffsetsTopicFormat()
    {
    }

    public static byte[] offsetCommitKey(final String group, final String topic, final int partition)
    {
        final Encoder e = new Encoder();
        e.int16(OFFSET_COMMIT_KEY_VERSION);
        e.string(group);
        e.string(topic);
        e.int32(partition);
        return e.bytes();
    }

    public static byte[] groupMetadataKey(final String group)
    {
        final Encoder e = new Encoder();
        e.int16(GROUP_METADATA_KEY_VERSION);
        e.string(group);
        return e.bytes();
    }

    public static byte[] offsetCommitValue(final CommittedOffset offset)
    {
        final Encoder e = new Encoder();
        e.int16(OFFSET_COMMIT_VALUE_VERSION);
        e.int64(offset.offset());
        e.int32(offset.leaderEpoch());
        e.string(offset.metadata());
        e.int64(offset.commitTimestampMs());
        return e.bytes();
    }

    public static byte[] groupMetadataValue(final GroupMetadataSnapshot group)
    {
        final Encoder e = new Encoder();
        e.int16(GROUP_METADATA_VALUE_VERSION);
        e.string(group.protocolType() == null ? "" : group.protocolType());
        e.int32(group.generation());
        e.string(group.protocol());
        e.string(group.leader());
        e.int64(group.currentStateTimestampMs());
        e.int32(group.members().size());
        for (final GroupMetadataSnapshot.Member m : group.members())
        {
            e.string(m.memberId());
            e.string(m.groupInstanceId());
            e.string(m.clientId());
            e.string(m.clientHost());
            e.int32(m.rebalanceTimeoutMs());
            e.int32(m.sessionTimeoutMs());
            e.bytes(m.subscription());
            e.bytes(m.assignment());
        }
        return e.bytes();
    }

    /** @throws IllegalArgumentException when the key is malformed */
    public static Key decodeKey(final ByteBuffer key)
    {
        try
        {
            final ByteBuffer b = key.duplicate();
            final short version = b.getShort();
            return switch (version)
            {
                case 0, 1 ->
                {
                    final String group = readString(b);
                    final String topic = readString(b);
                    yield new OffsetKey(group, new TopicPartition(topic, b.getInt()));
                }
                case 2 -> new GroupKey(readString(b));
                default -> new OtherKey(version);
            };
        }
        catch (final BufferUnderflowException | NullPointerException e)
        {
            throw new IllegalArgumentException("Malformed __consumer_offsets key", e);
        }
    }

    /** @throws IllegalArgumentException when the value is malformed or of an unknown version */
    public static CommittedOffset decodeOffsetValue(final ByteBuffer value)
    {
        try
        {
            final ByteBuffer b = value.duplicate();
            final short version = b.getShort();
            if (version < 0 || version > 3)
            {
                throw new IllegalArgumentException("Unknown OffsetCommitValue version " + version);
            }
            final long offset = b.getLong();
            final int leaderEpoch = version >= 3 ? b.getInt() : -1;
            final String metadata = readString(b);
            final long commitTimestamp = b.getLong();
            if (version == 1)
            {
                b.getLong(); // expireTimestamp: Osprey expires by offsets.retention.minutes only
            }
            return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp);
        }
        catch (final BufferUnderflowException e)
        {
            throw new IllegalArgumentException("Malformed OffsetCommitValue", e);
        }
    }

    /** @throws IllegalArgumentException when the value is malformed or of an unknown version */
    public static GroupMetadataSnapshot decodeGroupValue(final ByteBuffer value)
    {
        try
        {
            final ByteBuffer b = value.duplicate();
            final short version = b.getShort();
            if (version < 0 || version > 3)
            {
                throw new IllegalArgumentException("Unknown GroupMetadataValue version " + version);
            }
            final String protocolType = readString(b);
            final int generation = b.getInt();
            final String protocol = readString(b);
            final String leader = readString(b);
            final long stateTimestamp = version >= 2 ? b.getLong() : -1;
            final int count = b.getInt();
            if (count < 0 || count > b.remaining())
            {
                throw new IllegalArgumentException("Invalid member count " + count);
            }
            final List<GroupMetadataSnapshot.Member> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final String memberId = readString(b);
                final String instanceId = version >= 3 ? readString(b) : null;
                final String clientId = readString(b);
                final String clientHost = readString(b);
                final int sessionOrRebalance = b.getInt();
                final int rebalanceTimeout;
                final int sessionTimeout;
                if (version >= 1)
                {
                    rebalanceTimeout = sessionOrRebalance;
                    sessionTimeout = b.getInt();
                }
                else
                {
                    sessionTimeout = sessionOrRebalance;
                    rebalanceTimeout = sessionOrRebalance;
                }
                members.add(new GroupMetadataSnapshot.Member(memberId, instanceId, clientId, clientHost, rebalanceTimeout,
                    sessionTimeout, readBytes(b), readBytes(b)));
            }
            return new GroupMetadataSnapshot(protocolType, generation, protocol, leader, stateTimestamp, members);
        }
        catch (final BufferUnderflowException e)
        {
            throw new IllegalArgumentException("Malformed GroupMetadataValue", e);
        }
    }

    private static String readString(final ByteBuffer b)
    {
        final short length = b.getShort();
        if (length < 0)
        {
            return null;
        }
        if (length > b.remaining())
        {
            throw new BufferUnderflowException();
        }
        final byte[] utf8 = new byte[length];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(final ByteBuffer b)
    {
        final int length = b.getInt();
        if (length < 0)
        {
            return new byte[0];
        }
        if (length > b.remaining())
        {
            throw new BufferUnderflowException();
        }
        final byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    /** Big-endian writer of the primitive types above. */
    private static final class Encoder
    {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        void int16(final int v)
        {
            try
            {
                out.writeShort(v);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }

        void int32(final int v)
        {
            try
            {
                out.writeInt(v);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }

        void int64(final long v)
        {
            try
            {
                out.writeLong(v);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }

        void string(final String s)
        {
            if (s == null)
            {
                int16(-1);
                return;
            }
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > Short.MAX_VALUE)
            {
                throw new IllegalArgumentException("String of " + utf8.length + " bytes is too long for an int16 length");
            }
            int16(utf8.length);
            bytes.writeBytes(utf8);
        }

        void bytes(final byte[] b)
        {
            final byte[] data = b == null ? new byte[0] : b;
            int32(data.length);
            bytes.writeBytes(data);
        }

        byte[] bytes()
        {
            return bytes.toByteArray();
        }
    }
}
