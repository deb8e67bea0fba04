package io.osprey.benchmarks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the perf tools, in the style of Kafka's tools: {@code --name value},
 * flags without a value, and property lists ({@code --producer-props k=v k=v ...}) that run to
 * the next {@code --option}. Every option must be read by the tool: {@link #checkAllUsed()}
 * rejects unknown ones, so a typo is an error rather than a silently different run.
 * Not thread-safe; used once in {@code main}.
 */
final class PerfArgs
{
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Map<String, String>> propertyLists = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final Set<String> used = new HashSet<>();
    private final String usage;

    /**
     * @param propertyListNames the options that take {@code k=v} lists
     * @param flagNames         the options that take no value
     */
    PerfArgs(final String[] args, final Set<String> propertyListNames, final Set<String> flagNames, final String usage)
    {
        this.usage = usage;
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i];
            if (name.equals("--help") || name.equals("-h"))
            {
                System.out.println(usage);
                System.exit(0);
            }
            if (!name.startsWith("--"))
            {
                throw fail("expected an option, got '" + name + "'");
            }
            if (flagNames.contains(name))
            {
                flags.add(name);
            }
            else if (propertyListNames.contains(name))
            {
                final Map<String, String> list = propertyLists.computeIfAbsent(name, n -> new LinkedHashMap<>());
                while (i + 1 < args.length && !args[i + 1].startsWith("--"))
                {
                    final String kv = args[++i];
                    final int eq = kv.indexOf('=');
                    if (eq <= 0)
                    {
                        throw fail(name + " takes key=value pairs, got '" + kv + "'");
                    }
                    list.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            else
            {
                if (i + 1 >= args.length)
                {
                    throw fail(name + " needs a value");
                }
                values.put(name, args[++i]);
            }
        }
    }

    String string(final String name, final String defaultValue)
    {
        used.add(name);
        return values.getOrDefault(name, defaultValue);
    }

    long longValue(final String name, final long defaultValue)
    {
        final String v = string(name, null);
        try
        {
            return v == null ? defaultValue : Long.parseLong(v.replace("_", ""));
        }
        catch (final NumberFormatException e)
        {
            throw fail(name + " takes a whole number, got '" + v + "'");
        }
    }

    int intValue(final String name, final int defaultValue)
    {
        return Math.toIntExact(longValue(name, defaultValue));
    }

    double doubleValue(final String name, final double defaultValue)
    {
        final String v = string(name, null);
        try
        {
            return v == null ? defaultValue : Double.parseDouble(v);
        }
        catch (final NumberFormatException e)
        {
            throw fail(name + " takes a number, got '" + v + "'");
        }
    }

    /** {@code --client osprey|kafka}, default osprey. */
    PerfClient client()
    {
        final String name = string("--client", "osprey");
        return switch (name)
        {
            case "osprey" -> new OspreyPerfClient();
            case "kafka" -> new KafkaPerfClient();
            default -> throw fail("--client takes osprey or kafka, got '" + name + "'");
        };
    }

    boolean flag(final String name)
    {
        used.add(name);
        return flags.contains(name);
    }

    /** The k=v pairs given after {@code name}, in order; empty when the option was not given. */
    Map<String, String> properties(final String name)
    {
        used.add(name);
        return propertyLists.getOrDefault(name, Map.of());
    }

    /** Call after reading every option: anything not read was not understood. */
    void checkAllUsed()
    {
        for (final String name : values.keySet())
        {
            if (!used.contains(name))
            {
                throw fail("unknown option " + name);
            }
        }
        for (final String name : propertyLists.keySet())
        {
            if (!used.contains(name))
            {
                throw fail("unknown option " + name);
            }
        }
        for (final String name : flags)
        {
            if (!used.contains(name))
            {
                throw fail("unknown option " + name);
            }
        }
    }

    IllegalArgumentException fail(final String message)
    {
        return new UsageException(message + "\n" + usage);
    }

    /** A tool's body, run by {@link #run}. */
    @FunctionalInterface
    interface Tool
    {
        void run(String[] args) throws Exception;
    }

    /** Runs a tool; a usage error prints its message and the usage, without a stack trace, and exits 2. */
    static void run(final String[] args, final Tool tool) throws Exception
    {
        try
        {
            tool.run(args);
        }
        catch (final UsageException e)
        {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The command line was wrong: an unknown option, a missing or malformed value. */
    static final class UsageException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }
}
