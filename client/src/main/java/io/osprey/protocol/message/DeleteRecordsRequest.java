package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DeleteRecords request (key 21), v0-2, flexible from v2:
 * {@code topics [name string, partitions [partitionIndex int32, offset int64]], timeoutMs int32}.
 * Each offset is the new log start of its partition: every record below it goes; -1 means the
 * high watermark.
 */
public record DeleteRecordsRequest(List<Topic> topics, int timeoutMs) implements Message
{
    /** Deletes everything below the high watermark. */
    public static final long HIGH_WATERMARK = -1;

    /** The partitions of one topic and the offset to delete below in each. */
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

    /** One partition and the offset below which its records are deleted. */
    public record Partition(int partitionIndex, long offset)
    {
        public static Partition read(final ProtocolReader r)
        {
            final int index = r.readInt();
            final long offset = r.readLong();
            r.skipTaggedFields();
            return new Partition(index, offset);
        }

        public void write(final ProtocolWriter w)
        {
            w.writeInt(partitionIndex);
            w.writeLong(offset);
            w.writeEmptyTaggedFields();
        }
    }

    public static DeleteRecordsRequest read(final ProtocolReader r, final short version)
    {
        final List<Topic> topics = ArrayFields.read(r, e -> Topic.read(e, version));
        final int timeoutMs = r.readInt();
        r.skipTaggedFields();
        return new DeleteRecordsRequest(topics, timeoutMs);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeInt(timeoutMs);
        w.writeEmptyTaggedFields();
    }
}
