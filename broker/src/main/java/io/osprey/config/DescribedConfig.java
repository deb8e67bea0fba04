package io.osprey.config;

/**
 * One entry of a DescribeConfigs response.
 *
 * @param name          the key
 * @param value         the effective value as text; {@code null} when unset or sensitive
 * @param source        where the value comes from
 * @param type          the key's type ({@link ConfigType#kafkaId()} goes on the wire)
 * @param sensitive     true when the value is withheld
 * @param readOnly      true when IncrementalAlterConfigs cannot change it (every broker key:
 *                      Osprey has no dynamic broker configuration)
 * @param documentation the key's one-line documentation
 */
public record DescribedConfig(
    String name,
    String value,
    ConfigSource source,
    ConfigType type,
    boolean sensitive,
    boolean readOnly,
    String documentation)
{
    /** Describes {@code key} with value {@code text}, withholding it when the key is sensitive. */
    static DescribedConfig of(final ConfigKey key, final String text, final ConfigSource source, final boolean readOnly)
    {
        return new DescribedConfig(key.name(), key.sensitive() ? null : text, source, key.type(), key.sensitive(),
            readOnly, key.doc());
    }
}
