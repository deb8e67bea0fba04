package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ListPartitionReassignments request (key 46), v0, flexible:
 * {@code timeoutMs int32, topics nullable [name string, partitionIndexes [int32]]}; null topics
 * lists every reassignment in progress.
 */
public record ListPartitionReassignmentsRequest(int timeoutMs, List<ListPartitionReassignmentsTopics> topics) implements Message
{
    /** The partitions of one topic to list. */
    public record ListPartitionReassignmentsTopics(String name, List<Integer> partitionIndexes)
    {
        public static ListPartitionReassignmentsTopics read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<Integer> partitionIndexes = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new ListPartitionReassignmentsTopics(name, partitionIndexes);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.writeInt32s(w, partitionIndexes);
            w.writeEmptyTaggedFields();
        }
    }

    public static ListPartitionReassignmentsRequest read(final ProtocolReader r, final short version)
    {
        final int timeoutMs = r.readInt();
        final List<ListPartitionReassignmentsTopics> topics = ArrayFields.readNullable(r,
            e -> ListPartitionReassignmentsTopics.read(e, version));
        r.skipTaggedFields();
        return new ListPartitionReassignmentsRequest(timeoutMs, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(timeoutMs);
        ArrayFields.writeNullable(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
