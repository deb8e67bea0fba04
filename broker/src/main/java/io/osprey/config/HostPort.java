package io.osprey.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host and port as written in configuration: {@code host:port}, {@code [::1]:port} for IPv6,
 * or {@code :port} for every interface. Nothing is resolved here: a configuration must parse
 * the same on a machine whose DNS is down.
 *
 * @param host name or address without brackets; empty for every interface
 * @param port 0..65535; 0 asks the operating system for a free port when binding
 */
public record HostPort(String host, int port)
{
    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Za-z:.%]*\\]|[^:\\[\\]/@,\\s]*):([0-9]+)$");

    public HostPort
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong, for configuration messages
     */
    public static HostPort parse(final String text)
    {
        final Matcher m = HOST_PORT.matcher(text);
        if (!m.matches())
        {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = m.group(1);
        if (host.startsWith("["))
        {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, parsePort(m.group(2)));
    }

    /**
     * Parses an endpoint a broker registered with the controller: {@code host:port} as
     * {@link #parse} reads it, and also an IPv6 address without brackets (brokers register
     * {@code host + ":" + port}), whose port follows the last colon.
     *
     * @throws IllegalArgumentException when there is no port
     */
    public static HostPort parseEndpoint(final String text)
    {
        final int colon = text.lastIndexOf(':');
        if (colon < 0 || colon == text.length() - 1)
        {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, parsePort(text.substring(colon + 1)));
    }

    static int parsePort(final String digits)
    {
        final long port;
        try
        {
            port = Long.parseLong(digits);
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("port " + digits + " is outside 0..65535", e);
        }
        if (port > 65535)
        {
            throw new IllegalArgumentException("port " + digits + " is outside 0..65535");
        }
        return (int) port;
    }

    /** True for an empty host or a wildcard address, which bind to every interface. */
    public boolean isWildcard()
    {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    @Override
    public String toString()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
