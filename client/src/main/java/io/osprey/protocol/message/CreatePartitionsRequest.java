package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * CreatePartitions request (key 37), v0-3, flexible from v2:
 * {@code topics [name string, count int32, assignments nullable [brokerIds [int32]]],
 * timeoutMs int32, validateOnly bool}. count is the new total partition count; null
 * assignments let the broker place the new partitions.
 */
public record CreatePartitionsRequest(List<CreatePartitionsTopic> topics, int timeoutMs, boolean validateOnly) implements Message
{
    /** One topic to grow. */
    public record CreatePartitionsTopic(String name, int count, List<CreatePartitionsAssignment> assignments)
    {
        public static CreatePartitionsTopic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final int count = r.readInt();
            final List<CreatePartitionsAssignment> assignments = ArrayFields.readNullable(r, e -> CreatePartitionsAssignment.read(e, version));
            r.skipTaggedFields();
            return new CreatePartitionsTopic(name, count, assignments);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeInt(count);
            ArrayFields.writeNullable(w, assignments, (o, a) -> a.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** The replicas of one new partition. */
    public record CreatePartitionsAssignment(List<Integer> brokerIds)
    {
        public static CreatePartitionsAssignment read(final ProtocolReader r, final short version)
        {
            final List<Integer> brokerIds = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new CreatePartitionsAssignment(brokerIds);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            ArrayFields.writeInt32s(w, brokerIds);
            w.writeEmptyTaggedFields();
        }
    }

    public static CreatePartitionsRequest read(final ProtocolReader r, final short version)
    {
        final List<CreatePartitionsTopic> topics = ArrayFields.read(r, e -> CreatePartitionsTopic.read(e, version));
        final int timeoutMs = r.readInt();
        final boolean validateOnly = r.readBoolean();
        r.skipTaggedFields();
        return new CreatePartitionsRequest(topics, timeoutMs, validateOnly);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeInt(timeoutMs);
        w.writeBoolean(validateOnly);
        w.writeEmptyTaggedFields();
    }
}
