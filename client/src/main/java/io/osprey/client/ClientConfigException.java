package io.osprey.client;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * A client configuration that Osprey refuses: an unknown key, a value of the wrong type or out
 * of range, a required key left out. The message is written for the application developer and
 * always names the key, the value given and what would have been accepted, so a failed
 * {@code new Producer(props)} needs no second look at the sources.
 * <p>
 * Carries {@link ErrorCode#INVALID_CONFIG}, like the broker's configuration errors.
 */
public final class ClientConfigException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;
    private final String allowed;

    /**
     * @param key     the configuration key concerned
     * @param value   the value as given (its text form), or {@code null} when none was given
     * @param allowed what would have been accepted, or {@code null} for an unknown key
     * @param message the full message
     */
    public ClientConfigException(final String key, final String value, final String allowed, final String message)
    {
        super(ErrorCode.INVALID_CONFIG, message);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    /** "Invalid value 'abc' for configuration 'request.timeout.ms': expected an integer &gt;= 0", then the reason if any. */
    public static ClientConfigException invalidValue(final String key, final String value, final String allowed, final String reason)
    {
        final StringBuilder sb = new StringBuilder()
            .append("Invalid value '").append(value).append("' for configuration '").append(key)
            .append("': expected ").append(allowed);
        if (reason != null && !reason.isEmpty())
        {
            sb.append(" (").append(reason).append(')');
        }
        return new ClientConfigException(key, value, allowed, sb.toString());
    }

    /** A key the client does not define, with the closest defined key when one is close enough to be a typo. */
    public static ClientConfigException unknownKey(final String scope, final String key, final String value, final String suggestion)
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
            sb.append(": it is not a key the Osprey ").append(scope).append(" accepts (see its ClientConfigDef.keys())");
        }
        return new ClientConfigException(key, value, null, sb.toString());
    }

    /** A required key that was not given. */
    public static ClientConfigException missing(final String key, final String allowed)
    {
        return new ClientConfigException(key, null, allowed,
            "Missing required configuration '" + key + "' which has no default value: expected " + allowed);
    }

    public String key()
    {
        return key;
    }

    /** The value as given, or {@code null} when none was. */
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
