package io.osprey.controller.quorum;

import io.osprey.controller.ControllerConfig;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A controller node's settings, read from Kafka-style keys.
 * <pre>
 *   node.id                                      this voter's id (required)
 *   controller.quorum.voters                     id@host:port,... (required); port = the node's port base
 *   metadata.log.dir                             archive + cluster directories, kept across restarts (required)
 *   controller.quorum.aeron.dir                  media driver directory, deleted on start
 *                                                (default /dev/shm/osprey-controller-&lt;id&gt;-&lt;port&gt;)
 *   controller.quorum.aeron.leader.heartbeat.timeout.ms   a follower that hears nothing from the
 *                                                leader this long starts an election (1000)
 *   controller.quorum.aeron.leader.heartbeat.interval.ms  (100)
 *   controller.quorum.aeron.election.timeout.ms  (500)
 *   controller.quorum.idle.strategy              quiet, sleep (a fixed sleep of the max) or backoff (park from
 *                                                1 ms doubling to the max); quiet (the default) is
 *                                                {@link QuietIdleStrategy} with a single voter and sleep
 *                                                with more, whose commands arrive from other nodes
 *   controller.quorum.idle.park.max.ms           longest park or sleep of an idle agent (10)
 *   controller.quorum.idle.quiet.park.max.ms     longest park of a quiet agent (100)
 *   controller.quorum.log.term.bytes             log channel term length, power of two &gt;= 64 KiB (4 MiB)
 *   controller.quorum.snapshot.records           records after which the leader triggers a snapshot (10000)
 *   metadata.log.max.snapshot.interval.ms        longest time between snapshots while records arrive (3600000)
 *   broker.session.timeout.ms                    broker lease (1500)
 *   unclean.leader.election.enable               (false)
 * </pre>
 * The Aeron timing keys are not Kafka's {@code controller.quorum.election.timeout.ms} and
 * {@code controller.quorum.fetch.timeout.ms}: those keep Kafka's defaults and meaning in the
 * node's config registry, while these carry Osprey's tuned values.
 */
public record QuorumConfig(int nodeId, List<Voter> voters, File dataDir, String aeronDir, long leaderHeartbeatTimeoutMs,
    long leaderHeartbeatIntervalMs, long electionTimeoutMs, String idleStrategy, long idleParkMaxMs, long quietParkMaxMs, int logTermBytes, long snapshotRecords,
    long snapshotIntervalMs, ControllerConfig controller)
{
    public static final String NODE_ID = "node.id";
    public static final String VOTERS = "controller.quorum.voters";
    public static final String DATA_DIR = "metadata.log.dir";
    public static final String AERON_DIR = "controller.quorum.aeron.dir";
    public static final String LEADER_HEARTBEAT_TIMEOUT_MS = "controller.quorum.aeron.leader.heartbeat.timeout.ms";
    public static final String LEADER_HEARTBEAT_INTERVAL_MS = "controller.quorum.aeron.leader.heartbeat.interval.ms";
    public static final String ELECTION_TIMEOUT_MS = "controller.quorum.aeron.election.timeout.ms";
    public static final String IDLE_STRATEGY = "controller.quorum.idle.strategy";
    public static final String IDLE_PARK_MAX_MS = "controller.quorum.idle.park.max.ms";
    public static final String QUIET_PARK_MAX_MS = "controller.quorum.idle.quiet.park.max.ms";
    public static final String LOG_TERM_BYTES = "controller.quorum.log.term.bytes";
    public static final String SNAPSHOT_RECORDS = "controller.quorum.snapshot.records";
    public static final String SNAPSHOT_INTERVAL_MS = "metadata.log.max.snapshot.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE;

    public static final long DEFAULT_LEADER_HEARTBEAT_TIMEOUT_MS = 1_000;
    public static final long DEFAULT_LEADER_HEARTBEAT_INTERVAL_MS = 100;
    public static final long DEFAULT_ELECTION_TIMEOUT_MS = 500;
    public static final String DEFAULT_IDLE_STRATEGY = "quiet";
    public static final long DEFAULT_IDLE_PARK_MAX_MS = 10;
    public static final long DEFAULT_QUIET_PARK_MAX_MS = 100;
    public static final int DEFAULT_LOG_TERM_BYTES = 4 * 1024 * 1024;
    public static final long DEFAULT_SNAPSHOT_RECORDS = 10_000;
    public static final long DEFAULT_SNAPSHOT_INTERVAL_MS = 3_600_000;

    /** Keys this class reads; others are left to the rest of the node's configuration. */
    public static final Set<String> KEYS = Set.of(NODE_ID, VOTERS, DATA_DIR, AERON_DIR, LEADER_HEARTBEAT_TIMEOUT_MS, LEADER_HEARTBEAT_INTERVAL_MS,
        ELECTION_TIMEOUT_MS, IDLE_STRATEGY, IDLE_PARK_MAX_MS, QUIET_PARK_MAX_MS, LOG_TERM_BYTES, SNAPSHOT_RECORDS, SNAPSHOT_INTERVAL_MS, BROKER_SESSION_TIMEOUT_MS,
        UNCLEAN_LEADER_ELECTION_ENABLE);

    public QuorumConfig
    {
        voters = List.copyOf(voters);
        if (voters.stream().noneMatch(v -> v.id() == nodeId))
        {
            throw new IllegalArgumentException(NODE_ID + "=" + nodeId + " is not among " + VOTERS + " " + voters);
        }
        if (!idleStrategy.equals("quiet") && !idleStrategy.equals("backoff") && !idleStrategy.equals("sleep"))
        {
            throw new IllegalArgumentException(IDLE_STRATEGY + "=" + idleStrategy + " must be quiet, backoff or sleep");
        }
        if (idleParkMaxMs <= 0)
        {
            throw new IllegalArgumentException(IDLE_PARK_MAX_MS + "=" + idleParkMaxMs + " must be positive");
        }
        if (quietParkMaxMs <= 0)
        {
            throw new IllegalArgumentException(QUIET_PARK_MAX_MS + "=" + quietParkMaxMs + " must be positive");
        }
        if (logTermBytes < 64 * 1024 || Integer.bitCount(logTermBytes) != 1)
        {
            throw new IllegalArgumentException(LOG_TERM_BYTES + "=" + logTermBytes + " must be a power of two of at least 65536");
        }
        if (!(leaderHeartbeatIntervalMs > 0 && leaderHeartbeatIntervalMs < leaderHeartbeatTimeoutMs && electionTimeoutMs > 0))
        {
            throw new IllegalArgumentException("need 0 < " + LEADER_HEARTBEAT_INTERVAL_MS + " (" + leaderHeartbeatIntervalMs + ") < " +
                LEADER_HEARTBEAT_TIMEOUT_MS + " (" + leaderHeartbeatTimeoutMs + ") and a positive " + ELECTION_TIMEOUT_MS);
        }
    }

    /** A fresh idle strategy per agent, as configured. */
    public IdleStrategy newIdleStrategy()
    {
        if (quiet())
        {
            return new QuietIdleStrategy(TimeUnit.MILLISECONDS.toNanos(quietParkMaxMs), TimeUnit.MILLISECONDS.toNanos(idleParkMaxMs));
        }
        final long maxNs = TimeUnit.MILLISECONDS.toNanos(idleParkMaxMs);
        return idleStrategy.equals("backoff") ? new BackoffIdleStrategy(1, 1, TimeUnit.MILLISECONDS.toNanos(1), maxNs) : new SleepingIdleStrategy(maxNs);
    }

    /** Whether the agents idle with {@link QuietIdleStrategy}: the quiet strategy and a quorum of one voter. */
    public boolean quiet()
    {
        return idleStrategy.equals("quiet") && voters.size() == 1;
    }

    public Voter self()
    {
        return voters.stream().filter(v -> v.id() == nodeId).findFirst().orElseThrow();
    }

    /** Reads the keys above from {@code props}; missing optional keys take their defaults. */
    public static QuorumConfig from(final Map<String, String> props)
    {
        final Map<String, String> p = new TreeMap<>(props);
        final int nodeId = Integer.parseInt(required(p, NODE_ID));
        final List<Voter> voters = Voter.parseList(required(p, VOTERS));
        final File dataDir = new File(required(p, DATA_DIR));
        final Voter self = voters.stream().filter(v -> v.id() == nodeId).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(NODE_ID + "=" + nodeId + " is not among " + VOTERS + " " + voters));
        final String shm = new File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        final String aeronDir = p.getOrDefault(AERON_DIR, shm + "/osprey-controller-" + nodeId + "-" + self.port());
        final ControllerConfig controller = new ControllerConfig(
            longOf(p, BROKER_SESSION_TIMEOUT_MS, ControllerConfig.DEFAULT.brokerSessionTimeoutMs()),
            Boolean.parseBoolean(p.getOrDefault(UNCLEAN_LEADER_ELECTION_ENABLE, "false")));
        return new QuorumConfig(nodeId, voters, dataDir, aeronDir,
            longOf(p, LEADER_HEARTBEAT_TIMEOUT_MS, DEFAULT_LEADER_HEARTBEAT_TIMEOUT_MS),
            longOf(p, LEADER_HEARTBEAT_INTERVAL_MS, DEFAULT_LEADER_HEARTBEAT_INTERVAL_MS),
            longOf(p, ELECTION_TIMEOUT_MS, DEFAULT_ELECTION_TIMEOUT_MS), p.getOrDefault(IDLE_STRATEGY, DEFAULT_IDLE_STRATEGY).trim(),
            longOf(p, IDLE_PARK_MAX_MS, DEFAULT_IDLE_PARK_MAX_MS), longOf(p, QUIET_PARK_MAX_MS, DEFAULT_QUIET_PARK_MAX_MS), (int)longOf(p, LOG_TERM_BYTES, DEFAULT_LOG_TERM_BYTES),
            longOf(p, SNAPSHOT_RECORDS, DEFAULT_SNAPSHOT_RECORDS), longOf(p, SNAPSHOT_INTERVAL_MS, DEFAULT_SNAPSHOT_INTERVAL_MS), controller);
    }

    private static String required(final Map<String, String> p, final String key)
    {
        final String v = p.get(key);
        if (v == null || v.isBlank())
        {
            throw new IllegalArgumentException("missing required controller setting " + key);
        }
        return v.trim();
    }

    private static long longOf(final Map<String, String> p, final String key, final long defaultValue)
    {
        final String v = p.get(key);
        if (v == null)
        {
            return defaultValue;
        }
        try
        {
            return Long.parseLong(v.trim());
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(key + "=" + v + " is not a number", e);
        }
    }
}
