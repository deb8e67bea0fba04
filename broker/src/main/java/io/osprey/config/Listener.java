package io.osprey.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code listeners} or {@code advertised.listeners}: {@code NAME://host:port}.
 * Names are case-insensitive in Kafka and kept upper-case here.
 *
 * @param name    the listener name, upper-case (PLAINTEXT, CONTROLLER, INTERNAL, ...)
 * @param address host and port; an empty host binds every interface
 */
public record Listener(String name, HostPort address)
{
    private static final Pattern LISTENER = Pattern.compile("^([A-Za-z][A-Za-z0-9_]*)://(.*)$");

    /** What a listener list accepts, for messages and docs. */
    static final String DESCRIPTION = "a comma-separated list of NAME://host:port with distinct names, port in [0, 65535]";

    /**
     * Parses {@code NAME://host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong, for configuration messages
     */
    public static Listener parse(final String text)
    {
        final Matcher m = LISTENER.matcher(text.trim());
        if (!m.matches())
        {
            throw new IllegalArgumentException("'" + text + "' is not NAME://host:port");
        }
        return new Listener(m.group(1).toUpperCase(Locale.ROOT), HostPort.parse(m.group(2)));
    }

    /**
     * Parses every entry and checks that names are distinct and, when {@code distinctPorts},
     * that no two listeners bind the same non-zero port.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static List<Listener> parseList(final List<String> entries, final boolean distinctPorts)
    {
        final List<Listener> result = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final Set<Integer> ports = new HashSet<>();
        for (final String entry : entries)
        {
            final Listener listener = parse(entry);
            if (!names.add(listener.name()))
            {
                throw new IllegalArgumentException("listener name " + listener.name() + " appears twice");
            }
            final int port = listener.address().port();
            if (distinctPorts && port != 0 && !ports.add(port))
            {
                throw new IllegalArgumentException("port " + port + " is used by two listeners");
            }
            result.add(listener);
        }
        return List.copyOf(result);
    }

    /** The validator of a listener list. */
    static Validator validator(final boolean distinctPorts)
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                try
                {
                    parseList(Validators.strings(value), distinctPorts);
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
                return DESCRIPTION;
            }
        };
    }

    public String host()
    {
        return address.host();
    }

    public int port()
    {
        return address.port();
    }

    /** The same listener at another address (used to advertise a wildcard listener under a real name). */
    public Listener withHost(final String host)
    {
        return new Listener(name, new HostPort(host, address.port()));
    }

    /** {@code NAME://host:port}, as written in configuration. */
    @Override
    public String toString()
    {
        return name + "://" + address;
    }
}
