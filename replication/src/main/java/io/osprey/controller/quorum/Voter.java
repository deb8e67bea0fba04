package io.osprey.controller.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code controller.quorum.voters} ({@code id@host:port}, Kafka's format). The port
 * is the node's port base: the node listens on five consecutive UDP ports from it.
 */
public record Voter(int id, String host, int port)
{
    /** Client ingress: what brokers connect to, and the port written in the voters list. */
    public static final int INGRESS_PORT_OFFSET = 0;
    /** Consensus traffic between the voters (votes, appends positions, heartbeats). */
    public static final int CONSENSUS_PORT_OFFSET = 1;
    /** The replicated log stream from the leader. */
    public static final int LOG_PORT_OFFSET = 2;
    /** Catch-up replay to a lagging follower. */
    public static final int CATCHUP_PORT_OFFSET = 3;
    /** Archive control requests (log and snapshot replication between voters). */
    public static final int ARCHIVE_PORT_OFFSET = 4;
    /** How many ports from the base one node uses. */
    public static final int PORTS_PER_NODE = 5;

    public Voter
    {
        if (id < 0)
        {
            throw new IllegalArgumentException("voter id must not be negative: " + id);
        }
        if (port <= 0 || port + PORTS_PER_NODE - 1 > 65_535)
        {
            throw new IllegalArgumentException("voter " + id + " port base " + port + " leaves no room for " + PORTS_PER_NODE + " ports");
        }
    }

    public String endpoint(final int portOffset)
    {
        return host + ":" + (port + portOffset);
    }

    /** Parses {@code id@host:port,id@host:port,...}. */
    public static List<Voter> parseList(final String voters)
    {
        final List<Voter> result = new ArrayList<>();
        for (final String entry : voters.split(","))
        {
            final String e = entry.trim();
            final int at = e.indexOf('@');
            final int colon = e.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == e.length() - 1)
            {
                throw new IllegalArgumentException("controller.quorum.voters entry '" + e + "' is not id@host:port");
            }
            try
            {
                result.add(new Voter(Integer.parseInt(e.substring(0, at)), e.substring(at + 1, colon),
                    Integer.parseInt(e.substring(colon + 1))));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("controller.quorum.voters entry '" + e + "' is not id@host:port", ex);
            }
        }
        if (result.stream().map(Voter::id).distinct().count() != result.size())
        {
            throw new IllegalArgumentException("controller.quorum.voters lists an id twice: " + voters);
        }
        return List.copyOf(result);
    }

    /** Aeron's member list: {@code id,ingress,consensus,log,catchup,archive|...}. */
    static String clusterMembers(final List<Voter> voters)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Voter v : voters)
        {
            if (sb.length() > 0)
            {
                sb.append('|');
            }
            sb.append(v.id())
                .append(',').append(v.endpoint(INGRESS_PORT_OFFSET))
                .append(',').append(v.endpoint(CONSENSUS_PORT_OFFSET))
                .append(',').append(v.endpoint(LOG_PORT_OFFSET))
                .append(',').append(v.endpoint(CATCHUP_PORT_OFFSET))
                .append(',').append(v.endpoint(ARCHIVE_PORT_OFFSET));
        }
        return sb.toString();
    }

    /** Aeron client ingress endpoints: {@code id=host:port,...}. */
    static String ingressEndpoints(final List<Voter> voters)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Voter v : voters)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(v.id()).append('=').append(v.endpoint(INGRESS_PORT_OFFSET));
        }
        return sb.toString();
    }
}
