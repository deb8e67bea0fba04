package io.osprey.protocol.message;

import java.util.List;
import java.util.UUID;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DeleteTopics request (key 20), v1-6, flexible from v4:
 * {@code topics [name nullable string, topicId uuid] (v6+), topicNames [string] (v0-5), timeoutMs int32}.
 * From v6 each topic is named by name or by id (the other being null or the zero UUID); the
 * field of the other versions reads as an empty list.
 */
public record DeleteTopicsRequest(List<DeleteTopicState> topics, List<String> topicNames, int timeoutMs) implements Message
{
    /** The zero UUID: no topic id. */
    public static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    /** One topic to delete (v6+), by name or by id. */
    public record DeleteTopicState(String name, UUID topicId)
    {
        public static DeleteTopicState read(final ProtocolReader r, final short version)
        {
            final String name = r.readNullableString();
            final UUID topicId = r.readUuid();
            r.skipTaggedFields();
            return new DeleteTopicState(name, topicId);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeNullableString(name);
            w.writeUuid(topicId == null ? NO_TOPIC_ID : topicId);
            w.writeEmptyTaggedFields();
        }
    }

    public static DeleteTopicsRequest read(final ProtocolReader r, final short version)
    {
        List<DeleteTopicState> topics = List.of();
        List<String> topicNames = List.of();
        if (version >= 6)
        {
            topics = ArrayFields.read(r, e -> DeleteTopicState.read(e, version));
        }
        else
        {
            topicNames = ArrayFields.read(r, ProtocolReader::readString);
        }
        final int timeoutMs = r.readInt();
        r.skipTaggedFields();
        return new DeleteTopicsRequest(topics, topicNames, timeoutMs);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 6)
        {
            ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        }
        else
        {
            ArrayFields.write(w, topicNames, ProtocolWriter::writeString);
        }
        w.writeInt(timeoutMs);
        w.writeEmptyTaggedFields();
    }
}
