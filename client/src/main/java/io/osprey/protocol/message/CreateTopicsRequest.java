package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * CreateTopics request (key 19), v2-7, flexible from v5:
 * {@code topics [name string, numPartitions int32, replicationFactor int16,
 * assignments [partitionIndex int32, brokerIds [int32]],
 * configs [name string, value nullable string]], timeoutMs int32, validateOnly bool (v1+)}.
 * numPartitions and replicationFactor are -1 when assignments are given or the broker's
 * defaults apply.
 */
public record CreateTopicsRequest(List<CreatableTopic> topics, int timeoutMs, boolean validateOnly) implements Message
{
    /** One topic to create. */
    public record CreatableTopic(String name, int numPartitions, short replicationFactor,
        List<CreatableReplicaAssignment> assignments, List<CreatableTopicConfig> configs)
    {
        public static CreatableTopic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final int numPartitions = r.readInt();
            final short replicationFactor = r.readShort();
            final List<CreatableReplicaAssignment> assignments = ArrayFields.read(r, e -> CreatableReplicaAssignment.read(e, version));
            final List<CreatableTopicConfig> configs = ArrayFields.read(r, e -> CreatableTopicConfig.read(e, version));
            r.skipTaggedFields();
            return new CreatableTopic(name, numPartitions, replicationFactor, assignments, configs);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeInt(numPartitions);
            w.writeShort(replicationFactor);
            ArrayFields.write(w, assignments, (o, a) -> a.write(o, version));
            ArrayFields.write(w, configs, (o, c) -> c.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** The replicas of one partition, in preference order. */
    public record CreatableReplicaAssignment(int partitionIndex, List<Integer> brokerIds)
    {
        public static CreatableReplicaAssignment read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final List<Integer> brokerIds = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new CreatableReplicaAssignment(partitionIndex, brokerIds);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            ArrayFields.writeInt32s(w, brokerIds);
            w.writeEmptyTaggedFields();
        }
    }

    /** A topic config to set; a null value keeps the default. */
    public record CreatableTopicConfig(String name, String value)
    {
        public static CreatableTopicConfig read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final String value = r.readNullableString();
            r.skipTaggedFields();
            return new CreatableTopicConfig(name, value);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeNullableString(value);
            w.writeEmptyTaggedFields();
        }
    }

    public static CreateTopicsRequest read(final ProtocolReader r, final short version)
    {
        final List<CreatableTopic> topics = ArrayFields.read(r, e -> CreatableTopic.read(e, version));
        final int timeoutMs = r.readInt();
        final boolean validateOnly = version >= 1 && r.readBoolean();
        r.skipTaggedFields();
        return new CreateTopicsRequest(topics, timeoutMs, validateOnly);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeInt(timeoutMs);
        if (version >= 1)
        {
            w.writeBoolean(validateOnly);
        }
        w.writeEmptyTaggedFields();
    }
}
