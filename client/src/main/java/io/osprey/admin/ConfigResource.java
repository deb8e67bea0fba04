package io.osprey.admin;

import java.util.Objects;

/**
 * Something that has configs: a topic, a broker (named by its node id, or "" for the cluster
 * default). Immutable.
 *
 * @param name the topic name or broker id; never null
 */
public record ConfigResource(Type type, String name)
{
    /** The kinds of resource, with their DescribeConfigs / IncrementalAlterConfigs wire ids. */
    public enum Type
    {
        UNKNOWN(0),
        TOPIC(2),
        BROKER(4),
        BROKER_LOGGER(8),
        CLIENT_METRICS(16),
        GROUP(32);

        private final byte id;

        Type(final int id)
        {
            this.id = (byte)id;
        }

        /** The id on the wire. */
        public byte id()
        {
            return id;
        }

        /** The type for a wire id; UNKNOWN for an id this client does not know. */
        public static Type forId(final byte id)
        {
            for (final Type t : values())
            {
                if (t.id == id)
                {
                    return t;
                }
            }
            return UNKNOWN;
        }
    }

    public ConfigResource
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    /** Whether this names the cluster-wide default (a broker resource with an empty name). */
    public boolean isDefault()
    {
        return name.isEmpty();
    }
}
