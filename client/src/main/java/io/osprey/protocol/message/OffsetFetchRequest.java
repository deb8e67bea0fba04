package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * OffsetFetch request (key 9), v1-8, flexible from v6:
 * {@code groupId string (v0-7), topics [name string, partitionIndexes [int32]] (v0-7, nullable v2-7),
 * groups [groupId string, topics [name string, partitionIndexes [int32]] (nullable)] (v8+),
 * requireStable bool (v7+)}. A null topic list asks for every topic's offsets.
 * (v9-10, with member ids and topic ids, are not implemented.)
 * <p>
 * Absent fields read as Kafka's defaults: empty group id, empty topic and group lists,
 * requireStable false.
 */
public record OffsetFetchRequest(String groupId, List<Topic> topics, List<Group> groups, boolean requireStable) implements Message
{
    /** The partitions of one topic to fetch offsets for. */
    public record Topic(String name, List<Integer> partitionIndexes)
    {
        public static Topic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<Integer> partitionIndexes = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new Topic(name, partitionIndexes);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.writeInt32s(w, partitionIndexes);
            w.writeEmptyTaggedFields();
        }
    }

    /** One group to fetch offsets for (v8+); null topics asks for all of them. */
    public record Group(String groupId, List<Topic> topics)
    {
        public static Group read(final ProtocolReader r, final short version)
        {
            final String groupId = r.readString();
            final List<Topic> topics = ArrayFields.readNullable(r, e -> Topic.read(e, version));
            r.skipTaggedFields();
            return new Group(groupId, topics);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(groupId);
            ArrayFields.writeNullable(w, topics, (o, t) -> t.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    public static OffsetFetchRequest read(final ProtocolReader r, final short version)
    {
        String groupId = "";
        List<Topic> topics = List.of();
        List<Group> groups = List.of();
        if (version <= 7)
        {
            groupId = r.readString();
            topics = version >= 2
                ? ArrayFields.readNullable(r, e -> Topic.read(e, version))
                : ArrayFields.read(r, e -> Topic.read(e, version));
        }
        else
        {
            groups = ArrayFields.read(r, e -> Group.read(e, version));
        }
        final boolean requireStable = version >= 7 && r.readBoolean();
        r.skipTaggedFields();
        return new OffsetFetchRequest(groupId, topics, groups, requireStable);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version <= 7)
        {
            w.writeString(groupId);
            if (version >= 2)
            {
                ArrayFields.writeNullable(w, topics, (o, t) -> t.write(o, version));
            }
            else
            {
                ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
            }
        }
        else
        {
            ArrayFields.write(w, groups, (o, g) -> g.write(o, version));
        }
        if (version >= 7)
        {
            w.writeBoolean(requireStable);
        }
        w.writeEmptyTaggedFields();
    }
}
