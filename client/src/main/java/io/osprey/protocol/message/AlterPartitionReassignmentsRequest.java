package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * AlterPartitionReassignments request (key 45), v0-1, flexible in every version:
 * {@code timeoutMs int32, allowReplicationFactorChange bool (v1+, default true),
 * topics [name string, partitions [partitionIndex int32, replicas nullable [int32]]]}.
 * Null replicas cancel the partition's reassignment in progress.
 */
public record AlterPartitionReassignmentsRequest(int timeoutMs, boolean allowReplicationFactorChange, List<ReassignableTopic> topics)
    implements Message
{
    /** The partitions of one topic to move. */
    public record ReassignableTopic(String name, List<ReassignablePartition> partitions)
    {
        public static ReassignableTopic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<ReassignablePartition> partitions = ArrayFields.read(r, e -> ReassignablePartition.read(e, version));
            r.skipTaggedFields();
            return new ReassignableTopic(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** One partition's target replicas, preferred leader first, or null to cancel. */
    public record ReassignablePartition(int partitionIndex, List<Integer> replicas)
    {
        public static ReassignablePartition read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final List<Integer> replicas = ArrayFields.readNullable(r, ProtocolReader::readInt);
            r.skipTaggedFields();
            return new ReassignablePartition(partitionIndex, replicas);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            ArrayFields.writeNullable(w, replicas, ProtocolWriter::writeInt);
            w.writeEmptyTaggedFields();
        }
    }

    public static AlterPartitionReassignmentsRequest read(final ProtocolReader r, final short version)
    {
        final int timeoutMs = r.readInt();
        final boolean allowReplicationFactorChange = version < 1 || r.readBoolean();
        final List<ReassignableTopic> topics = ArrayFields.read(r, e -> ReassignableTopic.read(e, version));
        r.skipTaggedFields();
        return new AlterPartitionReassignmentsRequest(timeoutMs, allowReplicationFactorChange, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(timeoutMs);
        if (version >= 1)
        {
            w.writeBoolean(allowReplicationFactorChange);
        }
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
