package io.osprey.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The parsed values of every key of a {@link ConfigDef}: those given, and the defaults of the
 * others. Typed getters return {@code null} for an optional key without a value.
 */
public final class ConfigValues
{
    private final ConfigDef def;
    private final Map<String, Object> values;
    private final Map<String, String> originals;

    ConfigValues(final ConfigDef def, final Map<String, Object> values, final Map<String, String> originals)
    {
        this.def = def;
        this.values = Collections.unmodifiableMap(values);
        this.originals = Collections.unmodifiableMap(originals);
    }

    /** The registry these values were parsed against. */
    public ConfigDef def()
    {
        return def;
    }

    /** The keys that were given, with their text as given (trimmed), sorted by name. */
    public Map<String, String> originals()
    {
        return originals;
    }

    /** Whether {@code name} was given rather than defaulted. */
    public boolean isSet(final String name)
    {
        return originals.containsKey(name);
    }

    /** The parsed value of {@code name}; {@code null} for an optional key without a value. */
    public Object get(final String name)
    {
        if (!values.containsKey(name))
        {
            throw new IllegalArgumentException("No configuration '" + name + "' in the " + def.scope() + " registry");
        }
        return values.get(name);
    }

    /** The value of {@code name} as text, as DescribeConfigs shows it; {@code null} when unset. */
    public String text(final String name)
    {
        return def.key(name).orElseThrow().type().format(get(name));
    }

    public Boolean getBoolean(final String name)
    {
        return (Boolean) get(name);
    }

    public Integer getInt(final String name)
    {
        return (Integer) get(name);
    }

    public Short getShort(final String name)
    {
        return (Short) get(name);
    }

    public Long getLong(final String name)
    {
        return (Long) get(name);
    }

    public Double getDouble(final String name)
    {
        return (Double) get(name);
    }

    public String getString(final String name)
    {
        return (String) get(name);
    }

    public List<String> getList(final String name)
    {
        final Object value = get(name);
        return value == null ? null : Validators.strings(value);
    }
}
