package io.osprey.protocol.message;

import java.util.List;
import java.util.UUID;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DeleteTopics response (key 20), v1-6, flexible from v4:
 * {@code throttleTimeMs int32 (v1+), responses [name string (nullable v6+), topicId uuid (v6+),
 * errorCode int16, errorMessage nullable string (v5+)]}. Absent fields read as the zero UUID and
 * a null message.
 */
public record DeleteTopicsResponse(int throttleTimeMs, List<DeletableTopicResult> responses) implements Message
{
    /** The zero UUID: no topic id. */
    public static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    /** The outcome for one topic. */
    public record DeletableTopicResult(String name, UUID topicId, short errorCode, String errorMessage)
    {
        public static DeletableTopicResult read(final ProtocolReader r, final short version)
        {
            final String name = version >= 6 ? r.readNullableString() : r.readString();
            final UUID topicId = version >= 6 ? r.readUuid() : NO_TOPIC_ID;
            final short errorCode = r.readShort();
            final String errorMessage = version >= 5 ? r.readNullableString() : null;
            r.skipTaggedFields();
            return new DeletableTopicResult(name, topicId, errorCode, errorMessage);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            if (version >= 6)
            {
                w.writeNullableString(name);
                w.writeUuid(topicId == null ? NO_TOPIC_ID : topicId);
            }
            else
            {
                w.writeString(name);
            }
            w.writeShort(errorCode);
            if (version >= 5)
            {
                w.writeNullableString(errorMessage);
            }
            w.writeEmptyTaggedFields();
        }
    }

    public static DeleteTopicsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = version >= 1 ? r.readInt() : 0;
        final List<DeletableTopicResult> responses = ArrayFields.read(r, e -> DeletableTopicResult.read(e, version));
        r.skipTaggedFields();
        return new DeleteTopicsResponse(throttleTimeMs, responses);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        ArrayFields.write(w, responses, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
