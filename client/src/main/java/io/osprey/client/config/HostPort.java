package io.osprey.client.config;

/**
 * One {@code host:port} entry of {@code bootstrap.servers}. IPv6 literals are written in
 * brackets ({@code [::1]:9092}), as Kafka's clients accept them; the host is kept without them.
 */
public record HostPort(String host, int port)
{
    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong with the entry
     */
    public static HostPort parse(final String entry)
    {
        final String text = entry.trim();
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
        {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        else if (host.indexOf(':') >= 0)
        {
            throw new IllegalArgumentException("'" + text + "' has an IPv6 host without brackets: write [host]:port");
        }
        if (host.isEmpty())
        {
            throw new IllegalArgumentException("'" + text + "' has no host");
        }
        final int port;
        try
        {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("'" + text + "' has port " + port + " outside 1..65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString()
    {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
