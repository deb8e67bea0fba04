package io.osprey.client;

import io.osprey.common.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.config.CommonClientConfigs;
import io.osprey.client.config.HostPort;

/**
 * Turns {@code bootstrap.servers} into pseudo nodes -1, -2, ... As in Kafka's clients, every
 * entry is resolved once up front: entries that do not resolve are logged and dropped, and if
 * none resolves the configuration is refused, since a client that can reach no broker at all
 * would otherwise retry forever in silence. Stateless.
 */
final class BootstrapServers
{
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapServers.class);

    private BootstrapServers()
    {
    }

    static List<Node> resolve(final List<String> servers, final String dnsLookup)
    {
        final boolean canonical = CommonClientConfigs.RESOLVE_CANONICAL_BOOTSTRAP_SERVERS_ONLY.equals(dnsLookup.toLowerCase(Locale.ROOT));
        final Set<HostPort> endpoints = new LinkedHashSet<>();
        for (final String server : servers)
        {
            final HostPort hp = HostPort.parse(server);
            try
            {
                final InetAddress[] addresses = InetAddress.getAllByName(hp.host());
                if (canonical)
                {
                    for (final InetAddress address : addresses)
                    {
                        endpoints.add(new HostPort(address.getCanonicalHostName(), hp.port()));
                    }
                }
                else
                {
                    endpoints.add(hp);
                }
            }
            catch (final UnknownHostException e)
            {
                LOG.warn("Bootstrap server {} does not resolve and is skipped: {}", hp, e.getMessage());
            }
        }
        if (endpoints.isEmpty())
        {
            final String value = String.join(",", servers);
            throw new ConfigException(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, value, "host:port entries that resolve",
                "Invalid value '" + value + "' for configuration '" + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG
                    + "': no entry resolves to an address; expected host:port entries that resolve");
        }
        final List<Node> nodes = new ArrayList<>(endpoints.size());
        int id = -1;
        for (final HostPort hp : endpoints)
        {
            nodes.add(new Node(id--, hp.host(), hp.port(), null));
        }
        return List.copyOf(nodes);
    }
}
