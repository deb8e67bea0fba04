package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ElectLeaders request (key 43), v0-2, flexible from v2:
 * {@code electionType int8 (v1+), topicPartitions nullable [topic string, partitions [int32]],
 * timeoutMs int32}. Election type 0 elects the preferred replica, 1 a live replica out of the
 * ISR when none in it is live (unclean); v0 always means preferred. Null topicPartitions asks
 * for every partition.
 */
public record ElectLeadersRequest(byte electionType, List<TopicPartitions> topicPartitions, int timeoutMs) implements Message
{
    public static final byte PREFERRED = 0;
    public static final byte UNCLEAN = 1;

    /** The partitions of one topic to elect leaders for. */
    public record TopicPartitions(String topic, List<Integer> partitions)
    {
        public static TopicPartitions read(final ProtocolReader r, final short version)
        {
            final String topic = r.readString();
            final List<Integer> partitions = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new TopicPartitions(topic, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(topic);
            ArrayFields.writeInt32s(w, partitions);
            w.writeEmptyTaggedFields();
        }
    }

    public static ElectLeadersRequest read(final ProtocolReader r, final short version)
    {
        final byte electionType = version >= 1 ? r.readByte() : PREFERRED;
        final List<TopicPartitions> topicPartitions = ArrayFields.readNullable(r, e -> TopicPartitions.read(e, version));
        final int timeoutMs = r.readInt();
        r.skipTaggedFields();
        return new ElectLeadersRequest(electionType, topicPartitions, timeoutMs);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeByte(electionType);
        }
        ArrayFields.writeNullable(w, topicPartitions, (o, t) -> t.write(o, version));
        w.writeInt(timeoutMs);
        w.writeEmptyTaggedFields();
    }
}
