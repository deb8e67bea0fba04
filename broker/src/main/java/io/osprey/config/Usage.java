package io.osprey.config;

/**
 * Whether Osprey acts on a key. Operators copy Kafka's server.properties, so keys of Kafka
 * features that Osprey does not have are accepted (an unknown key would stop start-up) but do
 * nothing; their documentation says so, and docs/configuration.md marks them.
 */
public enum Usage
{
    /** Osprey acts on the value. */
    USED,
    /** Accepted and validated so that Kafka configurations load, but it has no effect. */
    IGNORED;

    /** The sentence that starts the documentation of an ignored key. */
    public static final String IGNORED_PREFIX = "Accepted for Kafka compatibility; ignored by Osprey.";
}
