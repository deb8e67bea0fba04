package io.osprey.client.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parsed, validated client settings: every defined key has a value (the given one or the
 * default). Immutable and thread-safe. Made by {@link ClientConfigDef#parse}.
 * <p>
 * Typed getters fail with {@link IllegalArgumentException} for an undefined key or a key of
 * another type: both are programming errors in the client, not user errors. {@link #getLong}
 * also reads INT keys, since widening loses nothing.
 */
public final class ClientConfig
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConfig.class);

    private final ClientConfigDef definition;
    private final Map<String, Object> values;
    private final Map<String, Object> originals;
    private final Set<String> ignoredGiven;

    ClientConfig(final ClientConfigDef definition, final Map<String, Object> values, final Map<String, Object> originals,
        final List<String> ignoredGiven)
    {
        this.definition = definition;
        this.values = Collections.unmodifiableMap(values);
        this.originals = Collections.unmodifiableMap(originals);
        this.ignoredGiven = Set.copyOf(ignoredGiven);
        for (final String name : ignoredGiven)
        {
            // Said once, at start-up: a user who set a metrics reporter should learn it does nothing here.
            LOG.info("Ignoring {} configuration '{}': {}", definition.scope(), name,
                definition.key(name).map(ClientConfigKey::doc).orElse(""));
        }
    }

    /** The definition these values were parsed against. */
    public ClientConfigDef definition()
    {
        return definition;
    }

    /** The parsed value of a defined key (null only for a key whose default is null and was not given). */
    public Object get(final String name)
    {
        if (!values.containsKey(name))
        {
            throw new IllegalArgumentException("Configuration '" + name + "' is not defined for " + definition.scope());
        }
        return values.get(name);
    }

    public int getInt(final String name)
    {
        return (Integer)typed(name, ConfigType.INT);
    }

    public long getLong(final String name)
    {
        final ConfigType type = typeOf(name);
        return type == ConfigType.INT ? (Integer)typed(name, ConfigType.INT) : (Long)typed(name, ConfigType.LONG);
    }

    public double getDouble(final String name)
    {
        return (Double)typed(name, ConfigType.DOUBLE);
    }

    public boolean getBoolean(final String name)
    {
        return (Boolean)typed(name, ConfigType.BOOLEAN);
    }

    /** A STRING value; may be null when the key's default is null and it was not given. */
    public String getString(final String name)
    {
        return (String)typed(name, ConfigType.STRING);
    }

    /** A LIST value, unmodifiable. */
    @SuppressWarnings("unchecked")
    public List<String> getList(final String name)
    {
        return (List<String>)typed(name, ConfigType.LIST);
    }

    /** A CLASS value (named like Kafka's {@code AbstractConfig.getClass(String)}); may be null. */
    public Class<?> getClass(final String name)
    {
        return (Class<?>)typed(name, ConfigType.CLASS);
    }

    /** Whether the user gave the key (as opposed to it taking its default). */
    public boolean isGiven(final String name)
    {
        return originals.containsKey(name);
    }

    /** Every key with its parsed value, in definition order. */
    public Map<String, Object> values()
    {
        return values;
    }

    /** The settings as given, with null values dropped. */
    public Map<String, Object> originals()
    {
        return originals;
    }

    /** The keys given that Osprey accepts but ignores (already logged once at INFO). */
    public Set<String> ignoredKeysGiven()
    {
        return ignoredGiven;
    }

    private ConfigType typeOf(final String name)
    {
        return definition.key(name).orElseThrow(
            () -> new IllegalArgumentException("Configuration '" + name + "' is not defined for " + definition.scope())).type();
    }

    private Object typed(final String name, final ConfigType expected)
    {
        final ConfigType type = typeOf(name);
        if (type != expected)
        {
            throw new IllegalArgumentException("Configuration '" + name + "' is " + type + ", not " + expected);
        }
        return values.get(name);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(definition.scope()).append(" config {");
        for (final ClientConfigKey key : definition.keys())
        {
            sb.append("\n  ").append(key.name()).append(" = ").append(key.type().format(values.get(key.name())));
        }
        return sb.append("\n}").toString();
    }
}
