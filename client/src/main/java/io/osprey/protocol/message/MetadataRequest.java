package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Metadata request (key 3), v0-12, flexible from v9:
 * {@code topics [topicId uuid (v10+), name string (nullable v10+), tags] (nullable v1+: null =
 * all topics; in v0 an empty array means all topics), allowAutoTopicCreation bool (v4+),
 * includeClusterAuthorizedOperations bool (v8-10), includeTopicAuthorizedOperations bool (v8+),
 * tags}.
 * <p>
 * Fields absent from a version read as their defaults: {@code allowAutoTopicCreation} true,
 * the others false, topic ids zero.
 */
public record MetadataRequest(List<Topic> topics, boolean allowAutoTopicCreation, boolean includeClusterAuthorizedOperations,
    boolean includeTopicAuthorizedOperations) implements Message
{
    /** The all-zero topic id: unknown or not given. */
    public static final UUID ZERO_UUID = new UUID(0L, 0L);

    /** One topic asked for, by id (v10+, zero when not given) or by name (null when asked by id, v10+). */
    public record Topic(UUID topicId, String name)
    {
    }

    /** True when the request asks for every topic: a null list, or an empty one in v0. */
    public boolean allTopics(final short version)
    {
        return topics == null || (version == 0 && topics.isEmpty());
    }

    public static MetadataRequest read(final ProtocolReader r, final short version)
    {
        final int n = r.readArrayLength();
        List<Topic> topics = null;
        if (n < 0)
        {
            if (version < 1)
            {
                throw new ProtocolException("Metadata v0 topics cannot be null");
            }
        }
        else
        {
            topics = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                final UUID topicId = version >= 10 ? r.readUuid() : ZERO_UUID;
                final String name = version >= 10 ? r.readNullableString() : r.readString();
                r.skipTaggedFields();
                topics.add(new Topic(topicId, name));
            }
        }
        final boolean allowAuto = version >= 4 ? r.readBoolean() : true;
        final boolean includeCluster = version >= 8 && version <= 10 ? r.readBoolean() : false;
        final boolean includeTopic = version >= 8 ? r.readBoolean() : false;
        r.skipTaggedFields();
        return new MetadataRequest(topics, allowAuto, includeCluster, includeTopic);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (topics == null)
        {
            // v0 has no null array: an empty one means all topics there.
            w.writeArrayLength(version >= 1 ? -1 : 0);
        }
        else
        {
            w.writeArrayLength(topics.size());
            for (final Topic t : topics)
            {
                if (version >= 10)
                {
                    w.writeUuid(t.topicId() == null ? ZERO_UUID : t.topicId());
                    w.writeNullableString(t.name());
                }
                else
                {
                    w.writeString(t.name());
                }
                w.writeEmptyTaggedFields();
            }
        }
        if (version >= 4)
        {
            w.writeBoolean(allowAutoTopicCreation);
        }
        if (version >= 8 && version <= 10)
        {
            w.writeBoolean(includeClusterAuthorizedOperations);
        }
        if (version >= 8)
        {
            w.writeBoolean(includeTopicAuthorizedOperations);
        }
        w.writeEmptyTaggedFields();
    }
}
