package io.osprey.protocol.message;

import java.util.List;
import java.util.UUID;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * CreateTopics response (key 19), v2-7, flexible from v5:
 * {@code throttleTimeMs int32 (v2+), topics [name string, topicId uuid (v7+), errorCode int16,
 * errorMessage nullable string (v1+), numPartitions int32 (v5+), replicationFactor int16 (v5+),
 * configs nullable [name string, value nullable string, readOnly bool, configSource int8,
 * isSensitive bool] (v5+), tagged fields: 0 = topicConfigErrorCode int16 (v5+)]}.
 * Fields absent from a version read as the schema defaults: topicId zero, numPartitions and
 * replicationFactor -1, configs empty, topicConfigErrorCode 0.
 */
public record CreateTopicsResponse(int throttleTimeMs, List<CreatableTopicResult> topics) implements Message
{
    /** The zero UUID: no topic id. */
    public static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    /** The tag of {@link CreatableTopicResult#topicConfigErrorCode()}. */
    private static final int TOPIC_CONFIG_ERROR_CODE_TAG = 0;

    /** The outcome for one topic; configs are null when they could not be described (see topicConfigErrorCode). */
    public record CreatableTopicResult(String name, UUID topicId, short errorCode, String errorMessage,
        short topicConfigErrorCode, int numPartitions, short replicationFactor, List<CreatableTopicConfigs> configs)
    {
        public static CreatableTopicResult read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final UUID topicId = version >= 7 ? r.readUuid() : NO_TOPIC_ID;
            final short errorCode = r.readShort();
            final String errorMessage = version >= 1 ? r.readNullableString() : "";
            int numPartitions = -1;
            short replicationFactor = -1;
            List<CreatableTopicConfigs> configs = List.of();
            if (version >= 5)
            {
                numPartitions = r.readInt();
                replicationFactor = r.readShort();
                configs = ArrayFields.readNullable(r, e -> CreatableTopicConfigs.read(e, version));
            }
            final short[] topicConfigErrorCode = {0};
            r.readTaggedFields((tag, size, t) ->
            {
                if (tag == TOPIC_CONFIG_ERROR_CODE_TAG && version >= 5)
                {
                    if (size != 2)
                    {
                        throw new ProtocolException("Tagged field topicConfigErrorCode has size " + size);
                    }
                    topicConfigErrorCode[0] = t.readShort();
                }
            });
            return new CreatableTopicResult(name, topicId, errorCode, errorMessage, topicConfigErrorCode[0], numPartitions,
                replicationFactor, configs);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            if (version >= 7)
            {
                w.writeUuid(topicId == null ? NO_TOPIC_ID : topicId);
            }
            w.writeShort(errorCode);
            if (version >= 1)
            {
                w.writeNullableString(errorMessage);
            }
            if (version >= 5)
            {
                w.writeInt(numPartitions);
                w.writeShort(replicationFactor);
                ArrayFields.writeNullable(w, configs, (o, c) -> c.write(o, version));
            }
            if (version >= 5 && topicConfigErrorCode != 0)
            {
                // Tagged fields are written only when they differ from their default, as Kafka does.
                w.writeUnsignedVarint(1);
                w.writeUnsignedVarint(TOPIC_CONFIG_ERROR_CODE_TAG);
                w.writeUnsignedVarint(2);
                w.writeShort(topicConfigErrorCode);
            }
            else
            {
                w.writeEmptyTaggedFields();
            }
        }
    }

    /** One config of a created topic; configSource is -1 when unknown. */
    public record CreatableTopicConfigs(String name, String value, boolean readOnly, byte configSource, boolean isSensitive)
    {
        public static CreatableTopicConfigs read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final String value = r.readNullableString();
            final boolean readOnly = r.readBoolean();
            final byte configSource = r.readByte();
            final boolean isSensitive = r.readBoolean();
            r.skipTaggedFields();
            return new CreatableTopicConfigs(name, value, readOnly, configSource, isSensitive);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeNullableString(value);
            w.writeBoolean(readOnly);
            w.writeByte(configSource);
            w.writeBoolean(isSensitive);
            w.writeEmptyTaggedFields();
        }
    }

    public static CreateTopicsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = version >= 2 ? r.readInt() : 0;
        final List<CreatableTopicResult> topics = ArrayFields.read(r, e -> CreatableTopicResult.read(e, version));
        r.skipTaggedFields();
        return new CreateTopicsResponse(throttleTimeMs, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 2)
        {
            w.writeInt(throttleTimeMs);
        }
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
