package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * OffsetFetch response (key 9), v1-8, flexible from v6:
 * {@code throttleTimeMs int32 (v3+),
 * topics [name string, partitions [partitionIndex int32, committedOffset int64,
 * committedLeaderEpoch int32 (v5+), metadata nullable string, errorCode int16]] (v0-7),
 * errorCode int16 (v2-7),
 * groups [groupId string, topics [same layout, leader epoch included], errorCode int16] (v8+)}.
 * <p>
 * Absent fields read as Kafka's defaults: throttle 0, leader epoch -1, error 0, empty lists.
 */
public record OffsetFetchResponse(int throttleTimeMs, List<Topic> topics, short errorCode, List<Group> groups) implements Message
{
    /** The committed offsets of one topic. */
    public record Topic(String name, List<Partition> partitions)
    {
        public static Topic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<Partition> partitions = ArrayFields.read(r, e -> Partition.read(e, version));
            r.skipTaggedFields();
            return new Topic(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** The committed offset of one partition (-1 when none). */
    public record Partition(int partitionIndex, long committedOffset, int committedLeaderEpoch, String metadata, short errorCode)
    {
        public static Partition read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final long committedOffset = r.readLong();
            final int committedLeaderEpoch = version >= 5 ? r.readInt() : -1;
            final String metadata = r.readNullableString();
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new Partition(partitionIndex, committedOffset, committedLeaderEpoch, metadata, errorCode);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            w.writeLong(committedOffset);
            if (version >= 5)
            {
                w.writeInt(committedLeaderEpoch);
            }
            w.writeNullableString(metadata);
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    /** The offsets of one group (v8+). */
    public record Group(String groupId, List<Topic> topics, short errorCode)
    {
        public static Group read(final ProtocolReader r, final short version)
        {
            final String groupId = r.readString();
            final List<Topic> topics = ArrayFields.read(r, e -> Topic.read(e, version));
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new Group(groupId, topics, errorCode);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(groupId);
            ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    public static OffsetFetchResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 3 ? r.readInt() : 0;
        List<Topic> topics = List.of();
        short errorCode = 0;
        List<Group> groups = List.of();
        if (version <= 7)
        {
            topics = ArrayFields.read(r, e -> Topic.read(e, version));
            if (version >= 2)
            {
                errorCode = r.readShort();
            }
        }
        else
        {
            groups = ArrayFields.read(r, e -> Group.read(e, version));
        }
        r.skipTaggedFields();
        return new OffsetFetchResponse(throttle, topics, errorCode, groups);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 3)
        {
            w.writeInt(throttleTimeMs);
        }
        if (version <= 7)
        {
            ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
            if (version >= 2)
            {
                w.writeShort(errorCode);
            }
        }
        else
        {
            ArrayFields.write(w, groups, (o, g) -> g.write(o, version));
        }
        w.writeEmptyTaggedFields();
    }
}
