package io.osprey.client.config;

import io.osprey.common.ConfigException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The type of a client configuration value and how a given value becomes one. Values arrive as
 * text (from a properties file) or already typed (from a {@code Map<String, Object>} built in
 * code), as with Kafka's clients: text is trimmed; booleans are {@code true}/{@code false} in
 * any case; lists are comma-separated with whitespace around commas ignored; classes are loaded
 * by name with the thread's context class loader. Typed values are accepted when they fit
 * without loss (an {@code Integer} for a LONG key, a {@code Long} within int range for an INT
 * key), because a map built in code rarely gets the boxing exactly right.
 */
public enum ConfigType
{
    BOOLEAN("true or false"),
    STRING("a string"),
    INT("an integer"),
    LONG("a long integer"),
    DOUBLE("a number"),
    LIST("a comma-separated list"),
    CLASS("a class name");

    private final String noun;

    ConfigType(final String noun)
    {
        this.noun = noun;
    }

    /** How this type reads after "expected ": "an integer", "a comma-separated list". */
    public String noun()
    {
        return noun;
    }

    /** Why a value could not be converted; the caller turns it into a ConfigException. */
    static final class ParseException extends Exception
    {
        private static final long serialVersionUID = 1L;

        ParseException(final String reason)
        {
            super(reason);
        }
    }

    /**
     * Converts a non-null given value to Boolean, String, Integer, Long, Double,
     * List&lt;String&gt; (unmodifiable) or Class&lt;?&gt;.
     *
     * @throws ParseException with a reason, "" when {@link #noun()} says it all
     */
    Object parse(final Object value) throws ParseException
    {
        if (value instanceof String s)
        {
            return parseText(s.trim());
        }
        switch (this)
        {
            case BOOLEAN:
                if (value instanceof Boolean)
                {
                    return value;
                }
                break;
            case INT:
                if (isWhole(value))
                {
                    return Integer.valueOf((int)checkRange(((Number)value).longValue(), Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                break;
            case LONG:
                if (isWhole(value))
                {
                    return Long.valueOf(((Number)value).longValue());
                }
                break;
            case DOUBLE:
                if (value instanceof Number n)
                {
                    return checkFinite(n.doubleValue());
                }
                break;
            case LIST:
                if (value instanceof Collection<?> items)
                {
                    final List<String> list = new ArrayList<>(items.size());
                    for (final Object item : items)
                    {
                        list.add(item == null ? "" : item.toString().trim());
                    }
                    return List.copyOf(list);
                }
                break;
            case CLASS:
                if (value instanceof Class<?>)
                {
                    return value;
                }
                break;
            case STRING:
            default:
                break;
        }
        throw new ParseException("given as " + value.getClass().getSimpleName());
    }

    private Object parseText(final String text) throws ParseException
    {
        switch (this)
        {
            case BOOLEAN:
                return parseBoolean(text);
            case INT:
                return Integer.valueOf((int)parseWhole(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case LONG:
                return Long.valueOf(parseWhole(text, Long.MIN_VALUE, Long.MAX_VALUE));
            case DOUBLE:
                return parseDouble(text);
            case LIST:
                return parseList(text);
            case CLASS:
                return loadClass(text);
            case STRING:
            default:
                return text;
        }
    }

    /** The text form of a parsed value, as toString and messages show it. */
    public String format(final Object value)
    {
        if (value == null)
        {
            return "null";
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
        if (value instanceof Class<?> c)
        {
            return c.getName();
        }
        return value.toString();
    }

    private static boolean isWhole(final Object value)
    {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte;
    }

    private static long checkRange(final long value, final long min, final long max) throws ParseException
    {
        if (value < min || value > max)
        {
            throw new ParseException("out of range " + min + ".." + max);
        }
        return value;
    }

    private static Double checkFinite(final double value) throws ParseException
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            throw new ParseException("");
        }
        return value;
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
            // "Too big" and "not a number" puzzle a reader differently; say which.
            throw new ParseException(text.matches("[-+]?[0-9]+") ? "out of range " + min + ".." + max : "");
        }
        return checkRange(value, min, max);
    }

    private static Double parseDouble(final String text) throws ParseException
    {
        try
        {
            return checkFinite(Double.parseDouble(text));
        }
        catch (final NumberFormatException e)
        {
            throw new ParseException("");
        }
    }

    private static List<String> parseList(final String text)
    {
        if (text.isEmpty())
        {
            return List.of();
        }
        final List<String> items = new ArrayList<>();
        // Empty items ("a,,b") are kept so that validators reject them with the whole value shown.
        for (final String item : text.split(",", -1))
        {
            items.add(item.trim());
        }
        return List.copyOf(items);
    }

    private static Class<?> loadClass(final String name) throws ParseException
    {
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        try
        {
            return Class.forName(name, true, context != null ? context : ConfigType.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError e)
        {
            throw new ParseException("class not found: " + e.getMessage());
        }
    }
}
