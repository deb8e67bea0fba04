package io.osprey.admin;

import java.util.Objects;

/**
 * One config key of a resource: its value and, when it came from DescribeConfigs, where the
 * value comes from and what kind of value it is. Also the subject of an {@link AlterConfigOp},
 * for which {@link #ConfigEntry(String, String)} leaves the descriptive fields unknown.
 * Immutable.
 *
 * @param value         the value; null for a sensitive value the broker withholds, or for an
 *                      {@link AlterConfigOp.OpType#DELETE} that needs none
 * @param documentation the key's documentation, when it was asked for
 *                      ({@link DescribeConfigsOptions#includeDocumentation}); else null
 */
public record ConfigEntry(String name, String value, ConfigSource source, boolean isSensitive, boolean isReadOnly, ConfigType type,
    String documentation)
{
    /** Where a described value comes from, with the ids of Kafka's DescribeConfigs response. */
    public enum ConfigSource
    {
        UNKNOWN(0),
        DYNAMIC_TOPIC_CONFIG(1),
        DYNAMIC_BROKER_CONFIG(2),
        DYNAMIC_DEFAULT_BROKER_CONFIG(3),
        STATIC_BROKER_CONFIG(4),
        DEFAULT_CONFIG(5),
        DYNAMIC_BROKER_LOGGER_CONFIG(6),
        DYNAMIC_CLIENT_METRICS_CONFIG(7),
        DYNAMIC_GROUP_CONFIG(8);

        private final byte id;

        ConfigSource(final int id)
        {
            this.id = (byte)id;
        }

        public byte id()
        {
            return id;
        }

        /** The source for a wire id; UNKNOWN for -1 (not sent) and ids this client does not know. */
        public static ConfigSource forId(final byte id)
        {
            for (final ConfigSource s : values())
            {
                if (s.id == id)
                {
                    return s;
                }
            }
            return UNKNOWN;
        }
    }

    /** The kind of value, with the ids of Kafka's DescribeConfigs response (v3+). */
    public enum ConfigType
    {
        UNKNOWN(0),
        BOOLEAN(1),
        STRING(2),
        INT(3),
        SHORT(4),
        LONG(5),
        DOUBLE(6),
        LIST(7),
        CLASS(8),
        PASSWORD(9);

        private final byte id;

        ConfigType(final int id)
        {
            this.id = (byte)id;
        }

        public byte id()
        {
            return id;
        }

        /** The type for a wire id; UNKNOWN for ids this client does not know. */
        public static ConfigType forId(final byte id)
        {
            for (final ConfigType t : values())
            {
                if (t.id == id)
                {
                    return t;
                }
            }
            return UNKNOWN;
        }
    }

    public ConfigEntry
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
    }

    /** A key and value to alter, with nothing else known about them. */
    public ConfigEntry(final String name, final String value)
    {
        this(name, value, ConfigSource.UNKNOWN, false, false, ConfigType.UNKNOWN, null);
    }

    /** Whether the value is the default rather than set anywhere. */
    public boolean isDefault()
    {
        return source == ConfigSource.DEFAULT_CONFIG;
    }
}
