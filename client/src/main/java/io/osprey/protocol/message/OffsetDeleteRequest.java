package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * OffsetDelete request (key 47), v0, not flexible:
 * {@code groupId string, topics [name string, partitions [partitionIndex int32]]}.
 */
public record OffsetDeleteRequest(String groupId, List<Topic> topics) implements Message
{
    /** One topic's partitions whose committed offsets are deleted. */
    public record Topic(String name, List<Integer> partitions)
    {
        public static Topic read(final ProtocolReader r)
        {
            final String name = r.readString();
            final List<Integer> partitions = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new Topic(name, partitions);
        }

        public void write(final ProtocolWriter w)
        {
            w.writeString(name);
            ArrayFields.writeInt32s(w, partitions);
            w.writeEmptyTaggedFields();
        }
    }

    public static OffsetDeleteRequest read(final ProtocolReader r, final short version)
    {
        final String groupId = r.readString();
        final List<Topic> topics = ArrayFields.read(r, Topic::read);
        r.skipTaggedFields();
        return new OffsetDeleteRequest(groupId, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeString(groupId);
        ArrayFields.write(w, topics, (o, t) -> t.write(o));
        w.writeEmptyTaggedFields();
    }
}
