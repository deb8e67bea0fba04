package io.osprey.admin;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configs of one resource, by name, in the order the broker listed them. Immutable. */
public final class Config
{
    private final Map<String, ConfigEntry> entries;

    public Config(final Collection<ConfigEntry> entries)
    {
        final Map<String, ConfigEntry> byName = new LinkedHashMap<>();
        for (final ConfigEntry e : entries)
        {
            byName.put(e.name(), e);
        }
        this.entries = Collections.unmodifiableMap(byName);
    }

    public Collection<ConfigEntry> entries()
    {
        return entries.values();
    }

    /** The entry called {@code name}, or null. */
    public ConfigEntry get(final String name)
    {
        return entries.get(name);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Config other && entries.equals(other.entries);
    }

    @Override
    public int hashCode()
    {
        return entries.hashCode();
    }

    @Override
    public String toString()
    {
        return "Config(entries=" + entries.values() + ")";
    }
}
