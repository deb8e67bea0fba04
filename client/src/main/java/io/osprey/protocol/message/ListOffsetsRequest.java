package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ListOffsets request (key 2), v1-7, flexible from v6:
 * {@code replicaId int32, isolationLevel int8 (v2+), topics [name string, partitions [partitionIndex int32,
 * currentLeaderEpoch int32 (v4+), timestamp int64, tags], tags], tags}.
 * <p>
 * Absent fields read as Kafka's defaults: isolation level 0, leader epoch -1. The timestamp is a
 * time or one of the special values -1 (latest), -2 (earliest), -3 (max timestamp, v7+).
 */
public record ListOffsetsRequest(int replicaId, byte isolationLevel, List<Topic> topics) implements Message
{
    /** The partitions asked about of one topic. */
    public record Topic(String name, List<Partition> partitions)
    {
    }

    /** One partition and the timestamp to look up. */
    public record Partition(int partitionIndex, int currentLeaderEpoch, long timestamp)
    {
    }

    public static ListOffsetsRequest read(final ProtocolReader r, final short version)
    {
        final int replicaId = r.readInt();
        final byte isolationLevel = version >= 2 ? r.readByte() : 0;
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
                final int leaderEpoch = version >= 4 ? r.readInt() : -1;
                final long timestamp = r.readLong();
                r.skipTaggedFields();
                partitions.add(new Partition(index, leaderEpoch, timestamp));
            }
            r.skipTaggedFields();
            topics.add(new Topic(name, partitions));
        }
        r.skipTaggedFields();
        return new ListOffsetsRequest(replicaId, isolationLevel, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(replicaId);
        if (version >= 2)
        {
            w.writeByte(isolationLevel);
        }
        w.writeArrayLength(topics.size());
        for (final Topic t : topics)
        {
            w.writeString(t.name());
            w.writeArrayLength(t.partitions().size());
            for (final Partition p : t.partitions())
            {
                w.writeInt(p.partitionIndex());
                if (version >= 4)
                {
                    w.writeInt(p.currentLeaderEpoch());
                }
                w.writeLong(p.timestamp());
                w.writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }
}
