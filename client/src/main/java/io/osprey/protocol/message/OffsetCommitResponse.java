package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * OffsetCommit response (key 8), v2-9, flexible from v8:
 * {@code throttleTimeMs int32 (v3+), topics [name string, partitions [partitionIndex int32, errorCode int16]]}.
 * An absent throttle reads as 0.
 */
public record OffsetCommitResponse(int throttleTimeMs, List<Topic> topics) implements Message
{
    /** The results for one topic. */
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

    /** The result for one partition. */
    public record Partition(int partitionIndex, short errorCode)
    {
        public static Partition read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new Partition(partitionIndex, errorCode);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    public static OffsetCommitResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 3 ? r.readInt() : 0;
        final List<Topic> topics = ArrayFields.read(r, e -> Topic.read(e, version));
        r.skipTaggedFields();
        return new OffsetCommitResponse(throttle, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 3)
        {
            w.writeInt(throttleTimeMs);
        }
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
