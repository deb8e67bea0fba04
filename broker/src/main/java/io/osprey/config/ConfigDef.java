package io.osprey.config;

import io.osprey.common.ConfigException;
import io.osprey.common.EditDistance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A registry of configuration keys and the parser of a set of values against it. Parsing is
 * strict: an unknown key fails like an invalid value, because a misspelt key that silently
 * falls back to its default is the hardest configuration mistake to notice.
 */
public final class ConfigDef
{
    private final String scope;
    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

    /** @param scope what the keys configure ("broker", "topic"), for messages */
    public ConfigDef(final String scope)
    {
        this.scope = scope;
    }

    /** Adds a key; keys keep the order of definition, which is the order of the docs. */
    public ConfigDef define(final ConfigKey key)
    {
        if (keys.putIfAbsent(key.name(), key) != null)
        {
            throw new IllegalStateException("Configuration '" + key.name() + "' is defined twice");
        }
        return this;
    }

    /** Adds an optional key; see {@link ConfigKey#of}. */
    public ConfigDef define(
        final String name,
        final ConfigType type,
        final String defaultText,
        final Validator validator,
        final Usage usage,
        final String doc)
    {
        return define(ConfigKey.of(name, type, defaultText, validator, usage, doc));
    }

    /** Adds a key that has no default and must be given. */
    public ConfigDef defineRequired(
        final String name,
        final ConfigType type,
        final Validator validator,
        final Usage usage,
        final String doc)
    {
        return define(ConfigKey.required(name, type, validator, usage, doc));
    }

    /** What these keys configure ("broker", "topic"). */
    public String scope()
    {
        return scope;
    }

    /** Every key, in order of definition. */
    public Collection<ConfigKey> keys()
    {
        return Collections.unmodifiableCollection(keys.values());
    }

    /** The key called {@code name}, if defined. */
    public Optional<ConfigKey> key(final String name)
    {
        return Optional.ofNullable(keys.get(name));
    }

    /**
     * The key called {@code name}.
     *
     * @throws ConfigException for an unknown key, with the closest known key as a hint
     */
    public ConfigKey knownKey(final String name, final String value)
    {
        final ConfigKey key = keys.get(name);
        if (key == null)
        {
            throw ConfigException.unknownKey(name, value, EditDistance.closest(name, keys.keySet()), scope);
        }
        return key;
    }

    /**
     * Parses {@code properties} (a {@link java.util.Properties} or any map of names to values;
     * values other than strings are converted with {@code toString}, lists joined with commas).
     *
     * @throws ConfigException for the first unknown key (in name order), then for the first
     *                         invalid or missing value (in order of definition)
     */
    public ConfigValues parse(final Map<?, ?> properties)
    {
        final Map<String, String> originals = new TreeMap<>();
        for (final Map.Entry<?, ?> e : properties.entrySet())
        {
            originals.put(String.valueOf(e.getKey()).trim(), text(e.getValue()));
        }
        for (final Map.Entry<String, String> e : originals.entrySet())
        {
            knownKey(e.getKey(), e.getValue());
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        for (final ConfigKey key : keys.values())
        {
            final String given = originals.get(key.name());
            if (given != null)
            {
                values.put(key.name(), key.parse(given));
            }
            else if (key.required())
            {
                throw ConfigException.missing(key.name(), key.allowed());
            }
            else
            {
                values.put(key.name(), key.defaultValue());
            }
        }
        return new ConfigValues(this, values, originals);
    }

    private static String text(final Object value)
    {
        if (value == null)
        {
            return "";
        }
        if (value instanceof Collection<?> items)
        {
            final List<String> parts = new ArrayList<>();
            for (final Object item : items)
            {
                parts.add(String.valueOf(item));
            }
            return String.join(",", parts);
        }
        return value.toString();
    }
}
