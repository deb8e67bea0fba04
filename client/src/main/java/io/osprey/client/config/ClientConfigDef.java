package io.osprey.client.config;

import io.osprey.common.EditDistance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import io.osprey.common.ConfigException;

/**
 * The keys one kind of client accepts, and the strict parser of a user's settings against them.
 * Each client builds its own: {@code ClientConfigDef.common("producer")} holds the keys every
 * client shares ({@link CommonClientConfigs}), then the producer {@link #define}s its own and
 * overrides shared defaults that differ ({@link #withDefault}: the producer's
 * {@code receive.buffer.bytes} is 32768, the consumer's 65536).
 * <p>
 * Parsing is strict where Kafka's clients only warn: a key that is not defined fails like an
 * invalid value, because a misspelt key that silently falls back to its default is the hardest
 * mistake to notice. Keys Kafka users commonly pass for features Osprey does not have (metrics
 * reporters, interceptors) are defined as {@linkplain #defineIgnored ignored}: accepted, typed
 * and then left alone.
 * <p>
 * Not thread-safe while keys are being defined; once built, {@link #parse} may be called from
 * any thread as long as nobody defines more keys.
 */
public final class ClientConfigDef
{
    private final String scope;
    private final Map<String, ClientConfigKey> keys = new LinkedHashMap<>();

    /** @param scope what these keys configure ("producer", "consumer", "admin"), for messages */
    public ClientConfigDef(final String scope)
    {
        this.scope = scope;
    }

    /** A definition for {@code scope} holding every key common to Osprey's clients. */
    public static ClientConfigDef common(final String scope)
    {
        return CommonClientConfigs.defineAll(new ClientConfigDef(scope));
    }

    /** The common keys alone, scoped "client": for tools and tests that talk to brokers directly. */
    public static ClientConfigDef common()
    {
        return common("client");
    }

    /**
     * Adds a key. A key defined as ignored may be redefined once the client implements it (a
     * producer with interceptors redefines {@code interceptor.classes}); any other redefinition
     * is a programming error.
     *
     * @param defaultValue the default, typed or as text; validated now, so a wrong default
     *                     fails when the definition is built, not when a user parses
     */
    public ClientConfigDef define(final String name, final ConfigType type, final Object defaultValue, final ConfigValidator validator,
        final String doc)
    {
        return add(new ClientConfigKey(name, type, checkedDefault(name, type, defaultValue, validator), false, validator, false, doc));
    }

    /** Adds a key whose every value of the type is valid. */
    public ClientConfigDef define(final String name, final ConfigType type, final Object defaultValue, final String doc)
    {
        return define(name, type, defaultValue, ConfigValidator.ANY, doc);
    }

    /** Adds a key that has no default and must be given ({@code bootstrap.servers}). */
    public ClientConfigDef defineRequired(final String name, final ConfigType type, final ConfigValidator validator, final String doc)
    {
        return add(new ClientConfigKey(name, type, null, true, validator, false, doc));
    }

    /**
     * Adds a key Osprey accepts for compatibility but does not act on. Its value is still parsed
     * against the type, so {@code metrics.num.samples=two} fails as it would in Kafka.
     *
     * @param why why the key is ignored; the doc reads "Ignored by Osprey: " + why
     */
    public ClientConfigDef defineIgnored(final String name, final ConfigType type, final Object defaultValue, final String why)
    {
        return add(new ClientConfigKey(name, type, checkedDefault(name, type, defaultValue, ConfigValidator.ANY), false,
            ConfigValidator.ANY, true, "Ignored by Osprey: " + why));
    }

    /** Changes the default of a defined key, keeping its type, validator and doc. */
    public ClientConfigDef withDefault(final String name, final Object defaultValue)
    {
        final ClientConfigKey key = keyOrThrow(name);
        keys.put(name, new ClientConfigKey(name, key.type(), checkedDefault(name, key.type(), defaultValue, key.validator()), false,
            key.validator(), key.ignored(), key.doc()));
        return this;
    }

    /** What these keys configure ("producer"). */
    public String scope()
    {
        return scope;
    }

    /** Every key, in order of definition. */
    public Collection<ClientConfigKey> keys()
    {
        return Collections.unmodifiableCollection(keys.values());
    }

    /** The key called {@code name}, if defined. */
    public Optional<ClientConfigKey> key(final String name)
    {
        return Optional.ofNullable(keys.get(name));
    }

    /** Parses properties (as loaded from a file); every key must be a String. */
    public ClientConfig parse(final Properties props)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (final Map.Entry<Object, Object> e : props.entrySet())
        {
            if (!(e.getKey() instanceof String name))
            {
                throw new ConfigException(String.valueOf(e.getKey()), String.valueOf(e.getValue()), null,
                    "Configuration key " + e.getKey() + " is a " + e.getKey().getClass().getSimpleName() + ", not a String");
            }
            map.put(name, e.getValue());
        }
        return parse(map);
    }

    /**
     * Parses a user's settings. A key given with a {@code null} value counts as not given.
     *
     * @throws ConfigException naming the key, the value and what is allowed, for the first
     *                               problem in key order (so the same input always gives the same message)
     */
    public ClientConfig parse(final Map<String, ?> props)
    {
        final Map<String, Object> given = new TreeMap<>();
        for (final Map.Entry<String, ?> e : props.entrySet())
        {
            if (e.getValue() != null)
            {
                given.put(e.getKey(), e.getValue());
            }
        }
        for (final Map.Entry<String, Object> e : given.entrySet())
        {
            if (!keys.containsKey(e.getKey()))
            {
                throw ConfigException.unknownKey(e.getKey(), text(e.getValue()), EditDistance.closest(e.getKey(), keys.keySet()),
                    scope, "it is not a key the Osprey " + scope + " accepts (see its ClientConfigDef.keys())");
            }
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        final List<String> ignoredGiven = new ArrayList<>();
        for (final ClientConfigKey key : keys.values())
        {
            final Object raw = given.get(key.name());
            if (raw == null)
            {
                if (key.required())
                {
                    throw ConfigException.missing(key.name(), key.allowed());
                }
                values.put(key.name(), key.defaultValue());
                continue;
            }
            values.put(key.name(), parseValue(key, raw));
            if (key.ignored())
            {
                ignoredGiven.add(key.name());
            }
        }
        return new ClientConfig(this, values, given, ignoredGiven);
    }

    private static Object parseValue(final ClientConfigKey key, final Object raw)
    {
        final Object value;
        try
        {
            value = key.type().parse(raw);
        }
        catch (final ConfigType.ParseException e)
        {
            throw ConfigException.invalidValue(key.name(), text(raw), key.allowed(), e.getMessage());
        }
        final String problem = key.validator().problem(value);
        if (problem != null)
        {
            throw ConfigException.invalidValue(key.name(), text(raw), key.allowed(), problem);
        }
        return value;
    }

    private static String text(final Object raw)
    {
        if (raw instanceof Collection<?> c)
        {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return raw instanceof Class<?> c ? c.getName() : String.valueOf(raw);
    }

    private ClientConfigDef add(final ClientConfigKey key)
    {
        final ClientConfigKey previous = keys.get(key.name());
        if (previous != null && !previous.ignored())
        {
            throw new IllegalStateException("Configuration '" + key.name() + "' is defined twice in the " + scope + " definition");
        }
        keys.put(key.name(), key);
        return this;
    }

    private ClientConfigKey keyOrThrow(final String name)
    {
        final ClientConfigKey key = keys.get(name);
        if (key == null)
        {
            throw new IllegalArgumentException("Configuration '" + name + "' is not defined for " + scope);
        }
        return key;
    }

    private static Object checkedDefault(final String name, final ConfigType type, final Object defaultValue,
        final ConfigValidator validator)
    {
        if (defaultValue == null)
        {
            return null;
        }
        final ClientConfigKey probe = new ClientConfigKey(name, type, null, false, validator, false, "");
        try
        {
            return parseValue(probe, defaultValue);
        }
        catch (final ConfigException e)
        {
            throw new IllegalArgumentException("Bad default for " + name + ": " + e.getMessage(), e);
        }
    }
}
