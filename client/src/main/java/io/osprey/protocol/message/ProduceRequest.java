package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Produce request (key 0), v0-12, flexible from v9:
 * {@code transactionalId nullable string (v3+), acks int16, timeoutMs int32,
 * topicData [name string, partitionData [index int32, records nullable records, tags], tags], tags}.
 * <p>
 * The records of each partition stay a slice of the request's buffer (no copy).
 */
public record ProduceRequest(String transactionalId, short acks, int timeoutMs, List<TopicData> topicData) implements Message
{
    /** The batches for the partitions of one topic. */
    public record TopicData(String name, List<PartitionData> partitionData)
    {
    }

    /** The batches for one partition; records may be null on the wire. */
    public record PartitionData(int index, MemoryRecords records)
    {
    }

    public static ProduceRequest read(final ProtocolReader r, final short version)
    {
        final String transactionalId = version >= 3 ? r.readNullableString() : null;
        final short acks = r.readShort();
        final int timeoutMs = r.readInt();
        final int nTopics = WireSupport.nonNullArrayLength(r, "topicData");
        final List<TopicData> topics = new ArrayList<>(nTopics);
        for (int i = 0; i < nTopics; i++)
        {
            final String name = r.readString();
            final int nPartitions = WireSupport.nonNullArrayLength(r, "partitionData");
            final List<PartitionData> partitions = new ArrayList<>(nPartitions);
            for (int j = 0; j < nPartitions; j++)
            {
                final int index = r.readInt();
                final MemoryRecords records = r.readRecords();
                r.skipTaggedFields();
                partitions.add(new PartitionData(index, records));
            }
            r.skipTaggedFields();
            topics.add(new TopicData(name, partitions));
        }
        r.skipTaggedFields();
        return new ProduceRequest(transactionalId, acks, timeoutMs, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 3)
        {
            w.writeNullableString(transactionalId);
        }
        w.writeShort(acks);
        w.writeInt(timeoutMs);
        w.writeArrayLength(topicData.size());
        for (final TopicData t : topicData)
        {
            w.writeString(t.name());
            w.writeArrayLength(t.partitionData().size());
            for (final PartitionData p : t.partitionData())
            {
                w.writeInt(p.index());
                w.writeRecords(p.records());
                w.writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }
}
