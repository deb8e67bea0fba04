package io.osprey.config;

import java.util.Locale;

/** The roles of {@code process.roles}: a node serves clients, takes part in the controller quorum, or both. */
public enum ProcessRole
{
    BROKER,
    CONTROLLER;

    /** The spelling in server.properties: {@code broker}, {@code controller}. */
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role spelt {@code name} in server.properties. */
    public static ProcessRole fromConfigName(final String name)
    {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
