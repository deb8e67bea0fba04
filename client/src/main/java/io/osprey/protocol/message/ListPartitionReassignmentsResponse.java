package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ListPartitionReassignments response (key 46), v0, flexible:
 * {@code throttleTimeMs int32, errorCode int16, errorMessage nullable string, topics [name string,
 * partitions [partitionIndex int32, replicas [int32], addingReplicas [int32], removingReplicas [int32]]]}.
 * Only partitions with a move in progress are listed.
 */
public record ListPartitionReassignmentsResponse(int throttleTimeMs, short errorCode, String errorMessage,
    List<OngoingTopicReassignment> topics) implements Message
{
    /** The moving partitions of one topic. */
    public record OngoingTopicReassignment(String name, List<OngoingPartitionReassignment> partitions)
    {
        public static OngoingTopicReassignment read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<OngoingPartitionReassignment> partitions = ArrayFields.read(r, e -> OngoingPartitionReassignment.read(e, version));
            r.skipTaggedFields();
            return new OngoingTopicReassignment(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** One moving partition: every current replica, and which of them are being added and removed. */
    public record OngoingPartitionReassignment(int partitionIndex, List<Integer> replicas, List<Integer> addingReplicas,
        List<Integer> removingReplicas)
    {
        public static OngoingPartitionReassignment read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final List<Integer> replicas = ArrayFields.readInt32s(r);
            final List<Integer> adding = ArrayFields.readInt32s(r);
            final List<Integer> removing = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new OngoingPartitionReassignment(partitionIndex, replicas, adding, removing);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            ArrayFields.writeInt32s(w, replicas);
            ArrayFields.writeInt32s(w, addingReplicas);
            ArrayFields.writeInt32s(w, removingReplicas);
            w.writeEmptyTaggedFields();
        }
    }

    public static ListPartitionReassignmentsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final short errorCode = r.readShort();
        final String errorMessage = r.readNullableString();
        final List<OngoingTopicReassignment> topics = ArrayFields.read(r, e -> OngoingTopicReassignment.read(e, version));
        r.skipTaggedFields();
        return new ListPartitionReassignmentsResponse(throttleTimeMs, errorCode, errorMessage, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        w.writeShort(errorCode);
        w.writeNullableString(errorMessage);
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
