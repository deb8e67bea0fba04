package io.osprey.client.config;

/**
 * One client configuration key: its Kafka name, type, default, validator and doc.
 *
 * @param name         the key, spelt as in Kafka ({@code request.timeout.ms})
 * @param type         how given values are parsed
 * @param defaultValue the parsed default; {@code null} for none (meaningful only when not required)
 * @param required     whether the key has no default and must be given
 * @param validator    what parsed values are accepted
 * @param ignored      whether Osprey accepts the key for compatibility with Kafka but does not act on it
 * @param doc          what the key does; for an ignored key, why it is ignored
 */
public record ClientConfigKey(String name, ConfigType type, Object defaultValue, boolean required, ConfigValidator validator,
    boolean ignored, String doc)
{
    /** What values are accepted, in the words of messages: "an integer &gt;= 0". */
    public String allowed()
    {
        return validator.describe(type.noun());
    }
}
