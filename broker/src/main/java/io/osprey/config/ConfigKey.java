package io.osprey.config;

import io.osprey.common.ConfigException;
import java.util.Objects;

/**
 * One configuration key: Kafka's name, its type, its default, what values it accepts, whether
 * Osprey uses it, and one line of documentation.
 *
 * @param name         the key, spelt as in Kafka
 * @param type         how the text is parsed
 * @param required     true when the key has no default and must be given
 * @param defaultValue the parsed default; {@code null} when the key is optional and unset by default
 * @param validator    checks non-null values
 * @param usage        whether Osprey acts on the value
 * @param doc          one line; for {@link Usage#IGNORED} keys it starts with {@link Usage#IGNORED_PREFIX}
 */
public record ConfigKey(
    String name,
    ConfigType type,
    boolean required,
    Object defaultValue,
    Validator validator,
    Usage usage,
    String doc)
{
    public ConfigKey
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(doc, "doc");
        if (required && defaultValue != null)
        {
            throw new IllegalArgumentException(name + ": a required key has no default");
        }
    }

    /**
     * Builds a key from the default's text, parsing and validating it so that a wrong default
     * fails when the registry is built, not when an operator relies on it.
     *
     * @param defaultText the default as it would be written in server.properties, or {@code null}
     */
    public static ConfigKey of(
        final String name,
        final ConfigType type,
        final String defaultText,
        final Validator validator,
        final Usage usage,
        final String doc)
    {
        final String fullDoc = usage == Usage.IGNORED ? Usage.IGNORED_PREFIX + " " + doc : doc;
        final ConfigKey unparsed = new ConfigKey(name, type, false, null, validator, usage, fullDoc);
        final Object parsed = defaultText == null ? null : unparsed.parse(defaultText);
        return new ConfigKey(name, type, false, parsed, validator, usage, fullDoc);
    }

    /** A key that has no default and must be given. */
    public static ConfigKey required(
        final String name,
        final ConfigType type,
        final Validator validator,
        final Usage usage,
        final String doc)
    {
        return new ConfigKey(name, type, true, null, validator, usage, doc);
    }

    /** What this key accepts, in words that follow "expected ". */
    public String allowed()
    {
        return validator.describe(type.noun());
    }

    /** Kafka hides the value of sensitive keys in DescribeConfigs; only passwords are sensitive. */
    public boolean sensitive()
    {
        return type == ConfigType.PASSWORD;
    }

    /** The default as text, or {@code null} when there is none. */
    public String defaultText()
    {
        return type.format(defaultValue);
    }

    /**
     * Parses and validates one value.
     *
     * @throws ConfigException naming this key, the value and what is allowed
     */
    public Object parse(final String text)
    {
        final Object value;
        try
        {
            value = type.parse(text);
        }
        catch (final ConfigType.ParseException e)
        {
            throw ConfigException.invalidValue(name, text, allowed(), e.getMessage());
        }
        final String problem = validator.problem(value);
        if (problem != null)
        {
            throw ConfigException.invalidValue(name, text, allowed(), problem);
        }
        return value;
    }
}
