package io.osprey.client;

/**
 * A broker the client can connect to. Brokers named by metadata have their real node id (0 or
 * more); bootstrap servers, used before any metadata arrives, have pseudo ids -1, -2, ... in
 * the order of {@code bootstrap.servers}, so both kinds share one id space.
 *
 * @param rack the broker's rack, or {@code null} when unknown or unassigned
 */
public record Node(int id, String host, int port, String rack)
{
    /** Whether this is a bootstrap server rather than a broker known from metadata. */
    public boolean isBootstrap()
    {
        return id < 0;
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String address()
    {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString()
    {
        return (isBootstrap() ? "bootstrap " : "node ") + id + " (" + address() + (rack == null ? "" : ", rack " + rack) + ")";
    }
}
