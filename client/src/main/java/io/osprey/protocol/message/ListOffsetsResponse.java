package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ListOffsets response (key 2), v1-7, flexible from v6:
 * {@code throttleTimeMs int32 (v2+), topics [name string, partitions [partitionIndex int32, errorCode int16,
 * timestamp int64, offset int64, leaderEpoch int32 (v4+), tags], tags], tags}.
 * <p>
 * Absent fields read as Kafka's defaults: throttle 0, leader epoch -1.
 */
public record ListOffsetsResponse(int throttleTimeMs, List<Topic> topics) implements Message
{
    /** The answers for the partitions of one topic. */
    public record Topic(String name, List<Partition> partitions)
    {
    }

    /** The offset found for one partition (-1 timestamp and offset when none). */
    public record Partition(int partitionIndex, short errorCode, long timestamp, long offset, int leaderEpoch)
    {
    }

    public static ListOffsetsResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 2 ? r.readInt() : 0;
        final int nTopics = WireSupport.nonNullArrayLength(r, "topics");
        final List<Topic> topics = new ArrayList<>(nTopics);
        for (int i = 0; i < nTopics; i++)
        {
            final String name = r.readString();
            final int nPartitions = WireSupport.nonNullArrayLength(r, "partitions");
            final List<Partition> partitions = new ArrayList<>(nPartitions);
            for (int j = 0; j < nPartitions; j++)
            {
                final int index = r.readInt();
                final short errorCode = r.readShort();
                final long timestamp = r.readLong();
                final long offset = r.readLong();
                final int leaderEpoch = version >= 4 ? r.readInt() : -1;
                r.skipTaggedFields();
                partitions.add(new Partition(index, errorCode, timestamp, offset, leaderEpoch));
            }
            r.skipTaggedFields();
            topics.add(new Topic(name, partitions));
        }
        r.skipTaggedFields();
        return new ListOffsetsResponse(throttle, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 2)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeArrayLength(topics.size());
        for (final Topic t : topics)
        {
            w.writeString(t.name());
            w.writeArrayLength(t.partitions().size());
            for (final Partition p : t.partitions())
            {
                w.writeInt(p.partitionIndex());
                w.writeShort(p.errorCode());
                w.writeLong(p.timestamp());
                w.writeLong(p.offset());
                if (version >= 4)
                {
                    w.writeInt(p.leaderEpoch());
                }
                w.writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }
}
