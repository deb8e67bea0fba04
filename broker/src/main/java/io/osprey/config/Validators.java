package io.osprey.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The validators the registry uses; each knows how to describe itself for messages and docs. */
public final class Validators
{
    private Validators()
    {
    }

    /** A whole number (INT, SHORT or LONG) of at least {@code min}. */
    public static Validator atLeast(final long min)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                return ((Number) value).longValue() >= min ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return noun + " >= " + min;
            }
        };
    }

    /** A whole number (INT, SHORT or LONG) in {@code [min, max]}. */
    public static Validator between(final long min, final long max)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                final long v = ((Number) value).longValue();
                return v >= min && v <= max ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return noun + " in [" + min + ", " + max + "]";
            }
        };
    }

    /** A whole number (INT or LONG) that is a power of two of at least {@code min}. */
    public static Validator powerOfTwoAtLeast(final long min)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                final long v = ((Number) value).longValue();
                return v >= min && Long.bitCount(v) == 1 ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return "a power of two >= " + min;
            }
        };
    }

    /** A DOUBLE in {@code [min, max]}. */
    public static Validator betweenDouble(final double min, final double max)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                final double v = ((Number) value).doubleValue();
                return v >= min && v <= max ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return noun + " in [" + min + ", " + max + "]";
            }
        };
    }

    /** A STRING equal (case-sensitively, as in Kafka) to one of {@code allowed}. */
    public static Validator oneOf(final String... allowed)
    {
        final List<String> values = List.of(allowed);
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                return values.contains(value) ? null : "";
            }

            @Override
            public String describe(final String noun)
            {
                return "one of " + values;
            }
        };
    }

    /** A LIST whose items are distinct and each one of {@code allowed}; empty only when {@code allowEmpty}. */
    public static Validator listOf(final boolean allowEmpty, final String... allowed)
    {
        final List<String> values = List.of(allowed);
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                final List<String> items = strings(value);
                if (items.isEmpty() && !allowEmpty)
                {
                    return "the list is empty";
                }
                final Set<String> seen = new HashSet<>();
                for (final String item : items)
                {
                    if (!values.contains(item))
                    {
                        return "'" + item + "' is not allowed";
                    }
                    if (!seen.add(item))
                    {
                        return "'" + item + "' appears twice";
                    }
                }
                return null;
            }

            @Override
            public String describe(final String noun)
            {
                return (allowEmpty ? "a comma-separated list" : "a non-empty comma-separated list")
                    + " of distinct items from " + values;
            }
        };
    }

    /** A STRING that is not blank. */
    public static Validator nonEmptyString()
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                return ((String) value).isBlank() ? "" : null;
            }

            @Override
            public String describe(final String noun)
            {
                return "a non-empty string";
            }
        };
    }

    /** A LIST of distinct, non-empty items; empty only when {@code allowEmpty}. */
    public static Validator distinctItems(final boolean allowEmpty)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                final List<String> items = strings(value);
                if (items.isEmpty() && !allowEmpty)
                {
                    return "the list is empty";
                }
                final Set<String> seen = new HashSet<>();
                for (final String item : items)
                {
                    if (item.isEmpty())
                    {
                        return "an item is empty";
                    }
                    if (!seen.add(item))
                    {
                        return "'" + item + "' appears twice";
                    }
                }
                return null;
            }

            @Override
            public String describe(final String noun)
            {
                return (allowEmpty ? "a comma-separated list" : "a non-empty comma-separated list") + " of distinct items";
            }
        };
    }

    /**
     * A STRING (or each item of a LIST) that {@code parser} accepts; the parser's
     * {@link IllegalArgumentException} message becomes the reason.
     *
     * @param description the whole "expected ..." phrase
     */
    public static Validator parsedBy(final String description, final Function<String, ?> parser)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                try
                {
                    if (value instanceof List<?>)
                    {
                        for (final String item : strings(value))
                        {
                            parser.apply(item);
                        }
                    }
                    else
                    {
                        parser.apply((String) value);
                    }
                    return null;
                }
                catch (final IllegalArgumentException e)
                {
                    return e.getMessage();
                }
            }

            @Override
            public String describe(final String noun)
            {
                return description;
            }
        };
    }

    /** A LIST's items as strings, without an unchecked cast. */
    static List<String> strings(final Object list)
    {
        return ((List<?>) list).stream().map(String.class::cast).toList();
    }
}
