package io.osprey.config;

import io.osprey.common.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The type of a configuration value, with the id Kafka's DescribeConfigs response uses for it
 * ({@code ConfigEntry.ConfigType}). Parsing follows Kafka's rules: values are trimmed, booleans
 * are {@code true} or {@code false} in any case, lists are comma-separated with whitespace
 * around the commas ignored.
 */
public enum ConfigType
{
    BOOLEAN(1, "true or false"),
    STRING(2, "a string"),
    INT(3, "an integer"),
    SHORT(4, "a short integer"),
    LONG(5, "a long integer"),
    DOUBLE(6, "a number"),
    LIST(7, "a comma-separated list"),
    CLASS(8, "a class name"),
    PASSWORD(9, "a password");

    private final int kafkaId;
    private final String noun;

    ConfigType(final int kafkaId, final String noun)
    {
        this.kafkaId = kafkaId;
        this.noun = noun;
    }

    /** The id of this type in DescribeConfigs responses. */
    public int kafkaId()
    {
        return kafkaId;
    }

    /** How this type reads in "expected ..." messages: "an integer", "a comma-separated list". */
    public String noun()
    {
        return noun;
    }

    /** The failure of {@link #parse}: carries a reason that the caller puts into a {@link ConfigException}. */
    static final class ParseException extends Exception
    {
        private static final long serialVersionUID = 1L;

        ParseException(final String reason)
        {
            super(reason);
        }

        ParseException(final String reason, final Throwable cause)
        {
            super(reason, cause);
        }
    }

    /**
     * Parses trimmed text into Boolean, String, Integer, Short, Long, Double or List&lt;String&gt;.
     *
     * @throws ParseException with a reason ("" when the type's noun says it all)
     */
    Object parse(final String raw) throws ParseException
    {
        final String text = raw.trim();
        try
        {
            switch (this)
            {
                case BOOLEAN:
                    return parseBoolean(text);
                case INT:
                    return Integer.valueOf((int) parseWhole(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case SHORT:
                    return Short.valueOf((short) parseWhole(text, Short.MIN_VALUE, Short.MAX_VALUE));
                case LONG:
                    return Long.valueOf(parseWhole(text, Long.MIN_VALUE, Long.MAX_VALUE));
                case DOUBLE:
                    return parseDouble(text);
                case LIST:
                    return parseList(text);
                case STRING:
                case CLASS:
                case PASSWORD:
                default:
                    return text;
            }
        }
        catch (final NumberFormatException e)
        {
            throw new ParseException("");
        }
    }

    /** The text form of a parsed value, as DescribeConfigs and the docs show it; {@code null} stays null. */
    public String format(final Object value)
    {
        if (value == null)
        {
            return null;
        }
        if (value instanceof List<?> list)
        {
            final StringBuilder sb = new StringBuilder();
            for (final Object item : list)
            {
                if (sb.length() > 0)
                {
                    sb.append(',');
                }
                sb.append(item);
            }
            return sb.toString();
        }
        return value.toString();
    }

    private static Boolean parseBoolean(final String text) throws ParseException
    {
        final String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("true"))
        {
            return Boolean.TRUE;
        }
        if (lower.equals("false"))
        {
            return Boolean.FALSE;
        }
        throw new ParseException("");
    }

    private static long parseWhole(final String text, final long min, final long max) throws ParseException
    {
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException e)
        {
            // Distinguish "too big" from "not a number": the former is the likelier typo to puzzle over.
            if (text.matches("[-+]?[0-9]+"))
            {
                throw new ParseException("out of range " + min + ".." + max, e);
            }
            throw new ParseException("");
        }
        if (value < min || value > max)
        {
            throw new ParseException("out of range " + min + ".." + max);
        }
        return value;
    }

    private static Double parseDouble(final String text) throws ParseException
    {
        final double value = Double.parseDouble(text);
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            throw new ParseException("");
        }
        return value;
    }

    private static List<String> parseList(final String text)
    {
        final List<String> items = new ArrayList<>();
        if (text.isEmpty())
        {
            return List.copyOf(items);
        }
        // Keep empty items ("a,,b"): the validators reject them with the whole value in the message.
        for (final String item : text.split(",", -1))
        {
            items.add(item.trim());
        }
        return List.copyOf(items);
    }
}
