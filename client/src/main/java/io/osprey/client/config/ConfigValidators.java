package io.osprey.client.config;

import java.util.List;
import java.util.Locale;

/** The validators client keys use; each describes itself for messages. Thread-safe (immutable). */
public final class ConfigValidators
{
    private ConfigValidators()
    {
    }

    /** A whole number (INT or LONG) of at least {@code min}. */
    public static ConfigValidator atLeast(final long min)
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                return ((Number)value).longValue() >= min ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return noun + " >= " + min;
            }
        };
    }

    /** A whole number (INT or LONG) in {@code [min, max]}. */
    public static ConfigValidator between(final long min, final long max)
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                final long v = ((Number)value).longValue();
                return v >= min && v <= max ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return noun + " in [" + min + ", " + max + "]";
            }
        };
    }

    /** A STRING equal to one of {@code allowed}, exactly (Kafka's case-sensitive enums such as {@code acks}). */
    public static ConfigValidator oneOf(final String... allowed)
    {
        return oneOf(false, allowed);
    }

    /** A STRING equal to one of {@code allowed} ignoring case (Kafka's {@code client.dns.lookup}, {@code security.protocol}). */
    public static ConfigValidator oneOfIgnoreCase(final String... allowed)
    {
        return oneOf(true, allowed);
    }

    private static ConfigValidator oneOf(final boolean ignoreCase, final String... allowed)
    {
        final List<String> values = List.of(allowed);
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                for (final String v : values)
                {
                    if (ignoreCase ? v.equalsIgnoreCase((String)value) : v.equals(value))
                    {
                        return null;
                    }
                }
                return "";
            }

            @Override
            public String describe(final String noun)
            {
                return "one of " + values + (ignoreCase ? " (any case)" : "");
            }
        };
    }

    /**
     * A STRING that names one of {@code supported} (any case); the names in {@code unsupported}
     * are real Kafka values that Osprey refuses, with {@code why} as the reason given, so a user
     * who asks for TLS learns it is missing rather than that they misspelt it.
     */
    public static ConfigValidator supportedOnly(final List<String> supported, final List<String> unsupported, final String why)
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                final String upper = ((String)value).toUpperCase(Locale.ROOT);
                if (supported.contains(upper))
                {
                    return null;
                }
                return unsupported.contains(upper) ? why : "";
            }

            @Override
            public String describe(final String noun)
            {
                return supported.size() == 1 ? supported.get(0) : "one of " + supported;
            }
        };
    }

    /** A LIST with at least one item and no empty item. */
    public static ConfigValidator nonEmptyList()
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                final List<?> items = (List<?>)value;
                if (items.isEmpty())
                {
                    return "the list is empty";
                }
                return items.contains("") ? "the list has an empty item" : null;
            }

            @Override
            public String describe(final String noun)
            {
                return "a non-empty " + noun.substring(2);
            }
        };
    }

    /** A non-empty LIST of {@code host:port} entries ({@code bootstrap.servers}). */
    public static ConfigValidator hostPortList()
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                final List<?> items = (List<?>)value;
                if (items.isEmpty())
                {
                    return "the list is empty";
                }
                for (final Object item : items)
                {
                    try
                    {
                        HostPort.parse((String)item);
                    }
                    catch (final IllegalArgumentException e)
                    {
                        return e.getMessage();
                    }
                }
                return null;
            }

            @Override
            public String describe(final String noun)
            {
                return "a non-empty comma-separated list of host:port";
            }
        };
    }
}
