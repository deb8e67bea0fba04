package io.osprey.common;


/**
 * A configuration key or value that Osprey refuses. The message is written for the operator
 * and always names the key, the value that was given and what would have been accepted, so
 * that a failed start-up or a rejected CreateTopics needs no second look at the sources.
 * <p>
 * It carries {@link ErrorCode#INVALID_CONFIG}: request handlers (CreateTopics,
 * IncrementalAlterConfigs) can return it to the client as it is.
 */
public final class ConfigException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;
    private final String allowed;

    /**
     * @param key     the configuration key concerned
     * @param value   the value as given, or {@code null} when none was given
     * @param allowed what would have been accepted, or {@code null} when that is not a value
     *                (an unknown key, for example)
     * @param message the full message for the operator
     */
    public ConfigException(final String key, final String value, final String allowed, final String message)
    {
        super(ErrorCode.INVALID_CONFIG, message);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    /**
     * "Invalid value 'abc' for configuration 'num.partitions': expected an integer &gt;= 1",
     * followed by {@code reason} in parentheses when there is one.
     */
    public static ConfigException invalidValue(final String key, final String value, final String allowed, final String reason)
    {
        final StringBuilder sb = new StringBuilder()
            .append("Invalid value '").append(value).append("' for configuration '").append(key)
            .append("': expected ").append(allowed);
        if (reason != null && !reason.isEmpty())
        {
            sb.append(" (").append(reason).append(')');
        }
        return new ConfigException(key, value, allowed, sb.toString());
    }

    /** A key that the registry does not define, with the closest known key when one is close. */
    public static ConfigException unknownKey(final String key, final String value, final String suggestion, final String scope)
    {
        return unknownKey(key, value, suggestion, scope, "docs/configuration.md lists every key Osprey accepts");
    }

    /**
     * As {@link #unknownKey(String, String, String, String)}, with {@code whereListed} saying where
     * the accepted keys are listed when no key is close enough to suggest.
     */
    public static ConfigException unknownKey(final String key, final String value, final String suggestion, final String scope,
        final String whereListed)
    {
        final StringBuilder sb = new StringBuilder()
            .append("Unknown ").append(scope).append(" configuration '").append(key)
            .append("' (value '").append(value).append("')");
        if (suggestion != null)
        {
            sb.append(": did you mean '").append(suggestion).append("'?");
        }
        else
        {
            sb.append(": ").append(whereListed);
        }
        return new ConfigException(key, value, null, sb.toString());
    }

    /** A required key without a value. */
    public static ConfigException missing(final String key, final String allowed)
    {
        return new ConfigException(key, null, allowed,
            "Missing required configuration '" + key + "' which has no default value: expected " + allowed);
    }

    /** The configuration key concerned. */
    public String key()
    {
        return key;
    }

    /** The value as given, or {@code null} when the key had no value. */
    public String value()
    {
        return value;
    }

    /** What would have been accepted, or {@code null} for an unknown key. */
    public String allowed()
    {
        return allowed;
    }
}
