package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DeleteRecords response (key 21), v0-2, flexible from v2: {@code throttleTimeMs int32,
 * topics [name string, partitions [partitionIndex int32, lowWatermark int64, errorCode int16]]}.
 * The low watermark is the partition's log start offset after the deletion (-1 on error).
 */
public record DeleteRecordsResponse(int throttleTimeMs, List<Topic> topics) implements Message
{
    /** The results of one topic's partitions. */
    public record Topic(String name, List<Partition> partitions)
    {
        public static Topic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<Partition> partitions = ArrayFields.read(r, Partition::read);
            r.skipTaggedFields();
            return new Topic(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o));
            w.writeEmptyTaggedFields();
        }
    }

    /** One partition's new log start offset, or its error. */
    public record Partition(int partitionIndex, long lowWatermark, short errorCode)
    {
        public static Partition read(final ProtocolReader r)
        {
            final int index = r.readInt();
            final long lowWatermark = r.readLong();
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new Partition(index, lowWatermark, errorCode);
        }

        public void write(final ProtocolWriter w)
        {
            w.writeInt(partitionIndex);
            w.writeLong(lowWatermark);
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    public static DeleteRecordsResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = r.readInt();
        final List<Topic> topics = ArrayFields.read(r, e -> Topic.read(e, version));
        r.skipTaggedFields();
        return new DeleteRecordsResponse(throttle, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
