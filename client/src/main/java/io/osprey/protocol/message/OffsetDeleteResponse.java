package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * OffsetDelete response (key 47), v0, not flexible: {@code errorCode int16, throttleTimeMs int32,
 * topics [name string, partitions [partitionIndex int32, errorCode int16]]}. A top-level error
 * comes with no topics.
 */
public record OffsetDeleteResponse(short errorCode, int throttleTimeMs, List<Topic> topics) implements Message
{
    /** One topic's per-partition results. */
    public record Topic(String name, List<Partition> partitions)
    {
        public static Topic read(final ProtocolReader r)
        {
            final String name = r.readString();
            final List<Partition> partitions = ArrayFields.read(r, Partition::read);
            r.skipTaggedFields();
            return new Topic(name, partitions);
        }

        public void write(final ProtocolWriter w)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o));
            w.writeEmptyTaggedFields();
        }
    }

    /** One partition's result. */
    public record Partition(int partitionIndex, short errorCode)
    {
        public static Partition read(final ProtocolReader r)
        {
            final int index = r.readInt();
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new Partition(index, errorCode);
        }

        public void write(final ProtocolWriter w)
        {
            w.writeInt(partitionIndex);
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    public static OffsetDeleteResponse read(final ProtocolReader r, final short version)
    {
        final short errorCode = r.readShort();
        final int throttle = r.readInt();
        final List<Topic> topics = ArrayFields.read(r, Topic::read);
        r.skipTaggedFields();
        return new OffsetDeleteResponse(errorCode, throttle, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeShort(errorCode);
        w.writeInt(throttleTimeMs);
        ArrayFields.write(w, topics, (o, t) -> t.write(o));
        w.writeEmptyTaggedFields();
    }
}
