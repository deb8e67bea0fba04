package io.osprey.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import io.osprey.config.BrokerConfig;
import io.osprey.config.HostPort;
import io.osprey.config.LogKeys;
import io.osprey.config.QuorumVoter;
import io.osprey.config.ReplicationKeys;
import io.osprey.controller.quorum.QuorumConfig;
import io.osprey.controller.quorum.Voter;

/**
 * How a node's {@code server.properties} maps onto the controller quorum.
 * <ul>
 *   <li>{@code controller.quorum.voters}: as given; when empty on a combined node, a quorum of
 *   one made of this node, {@code <node.id>@<host>:<first listener port + 1>} (the host of the
 *   first listener, 127.0.0.1 when that binds every interface). The voter's port is a base:
 *   the controller uses five UDP ports from it (see {@link Voter}), so 9092 for clients puts the
 *   quorum on UDP 9093-9097.</li>
 *   <li>{@code metadata.log.dir}: the quorum's Raft log and snapshots; default
 *   {@code <first log.dirs entry>/}{@value #DEFAULT_METADATA_DIR}.</li>
 *   <li>the quorum's tuning keys ({@code controller.quorum.aeron.*}, {@code controller.quorum.idle.*},
 *   {@code controller.quorum.log.term.bytes}, {@code controller.quorum.snapshot.records},
 *   {@code metadata.log.max.snapshot.interval.ms}): as set, else the registry's defaults,
 *   which are {@link QuorumConfig}'s.</li>
 * </ul>
 */
public final class QuorumSettings
{
    /** Under the first log directory; not a {@code topic-N} name, so the log manager leaves it alone. */
    public static final String DEFAULT_METADATA_DIR = "controller-metadata";

    /** The quorum's own tuning keys, passed through as set in server.properties (or their registry defaults). */
    static final List<String> QUORUM_TUNING_KEYS = List.of(ReplicationKeys.CONTROLLER_QUORUM_AERON_DIR,
        ReplicationKeys.CONTROLLER_QUORUM_AERON_LEADER_HEARTBEAT_TIMEOUT_MS, ReplicationKeys.CONTROLLER_QUORUM_AERON_LEADER_HEARTBEAT_INTERVAL_MS,
        ReplicationKeys.CONTROLLER_QUORUM_AERON_ELECTION_TIMEOUT_MS, ReplicationKeys.CONTROLLER_QUORUM_IDLE_STRATEGY,
        ReplicationKeys.CONTROLLER_QUORUM_IDLE_PARK_MAX_MS, ReplicationKeys.CONTROLLER_QUORUM_IDLE_QUIET_PARK_MAX_MS,
        ReplicationKeys.CONTROLLER_QUORUM_LOG_TERM_BYTES,
        ReplicationKeys.CONTROLLER_QUORUM_SNAPSHOT_RECORDS, ReplicationKeys.METADATA_LOG_MAX_SNAPSHOT_INTERVAL_MS);

    private QuorumSettings()
    {
    }

    /** The voters, in {@code id@host:port,...} form. */
    public static String votersText(final BrokerConfig config)
    {
        final List<QuorumVoter> voters = config.controllerQuorumVoters();
        if (!voters.isEmpty())
        {
            return voters.stream().map(QuorumVoter::toString).collect(Collectors.joining(","));
        }
        return config.nodeId() + "@" + defaultVoterAddress(config);
    }

    public static List<Voter> voters(final BrokerConfig config)
    {
        final List<QuorumVoter> voters = config.controllerQuorumVoters();
        if (!voters.isEmpty())
        {
            return voters.stream().map(v -> voter(v.id(), v.address())).toList();
        }
        return List.of(voter(config.nodeId(), defaultVoterAddress(config)));
    }

    /** Without configured voters: this node alone, on the port after its first listener's. */
    private static HostPort defaultVoterAddress(final BrokerConfig config)
    {
        final HostPort first = config.listeners().get(0).address();
        final String host = first.isWildcard() || first.host().isEmpty() ? "127.0.0.1" : first.host();
        return new HostPort(host, first.port() + 1);
    }

    /** A voter's host is used in {@code host:port} endpoints as it stands, so an IPv6 address keeps its brackets. */
    private static Voter voter(final int id, final HostPort address)
    {
        final String host = address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host();
        return new Voter(id, host, address.port());
    }

    public static Path metadataLogDir(final BrokerConfig config)
    {
        final String dir = config.values().getString(LogKeys.METADATA_LOG_DIR);
        return dir != null ? Path.of(dir) : config.logDirs().get(0).resolve(DEFAULT_METADATA_DIR);
    }

    /** The settings of this node's controller voter. */
    public static QuorumConfig quorumConfig(final BrokerConfig config)
    {
        final Map<String, String> p = new TreeMap<>();
        p.put(QuorumConfig.NODE_ID, Integer.toString(config.nodeId()));
        p.put(QuorumConfig.VOTERS, votersText(config));
        p.put(QuorumConfig.DATA_DIR, metadataLogDir(config).toString());
        p.put(QuorumConfig.BROKER_SESSION_TIMEOUT_MS, Integer.toString(config.brokerSessionTimeoutMs()));
        p.put(QuorumConfig.UNCLEAN_LEADER_ELECTION_ENABLE, Boolean.toString(config.uncleanLeaderElectionEnable()));
        for (final String key : QUORUM_TUNING_KEYS)
        {
            final Object value = config.values().get(key);
            if (value != null)
            {
                p.put(key, value.toString());
            }
        }
        return QuorumConfig.from(p);
    }
}
