package io.osprey.config;

import io.osprey.common.ConfigException;
import static io.osprey.config.LogKeys.*;
import static io.osprey.config.ReplicationKeys.*;
import static io.osprey.config.ServerKeys.*;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.osprey.log.LogConfig;

/**
 * The broker's configuration: server.properties parsed against the registry (unknown keys and
 * invalid values refused), checked across keys, with typed accessors. Accessors of keys that
 * Kafka derives from several keys (retention, roll, flush age, log directories, advertised
 * listeners) apply Kafka's precedence rules, so callers never read the raw keys.
 * <p>
 * Immutable and thread-safe. Keys without a typed accessor (mostly those Osprey ignores) are
 * reachable through {@link #values()}.
 */
public final class BrokerConfig
{
    private static final ConfigDef DEFINITION = buildDefinition();

    private final ConfigValues values;
    private final Set<ProcessRole> roles;
    private final List<Listener> listeners;
    private final List<QuorumVoter> voters;
    private final Map<String, String> securityProtocols;
    private volatile List<Listener> advertisedListeners;

    private BrokerConfig(final ConfigValues values)
    {
        this.values = values;
        final EnumSet<ProcessRole> parsedRoles = EnumSet.noneOf(ProcessRole.class);
        values.getList(PROCESS_ROLES).forEach(r -> parsedRoles.add(ProcessRole.fromConfigName(r)));
        this.roles = Collections.unmodifiableSet(parsedRoles);
        this.listeners = Listener.parseList(values.getList(LISTENERS), true);
        this.voters = QuorumVoter.parseList(values.getList(CONTROLLER_QUORUM_VOTERS));
        final Map<String, String> protocols = new LinkedHashMap<>();
        for (final String entry : values.getList(LISTENER_SECURITY_PROTOCOL_MAP))
        {
            final String[] mapping = ServerKeys.checkProtocolMapping(entry);
            protocols.put(mapping[0], mapping[1]);
        }
        this.securityProtocols = Collections.unmodifiableMap(protocols);
        BrokerConfigChecks.check(this);
    }

    private static ConfigDef buildDefinition()
    {
        final ConfigDef def = new ConfigDef("broker");
        ServerKeys.define(def);
        LogKeys.define(def);
        ReplicationKeys.define(def);
        return def;
    }

    /** Every broker key, in documentation order. */
    public static ConfigDef definition()
    {
        return DEFINITION;
    }

    /**
     * Parses and checks a configuration ({@link Properties} or any map of key to value).
     *
     * @throws ConfigException for an unknown key, an invalid or missing value, or keys that contradict each other
     */
    public static BrokerConfig parse(final Map<?, ?> properties)
    {
        return new BrokerConfig(DEFINITION.parse(properties));
    }

    /**
     * Reads a server.properties file (UTF-8) and applies {@code overrides} on top, as a command
     * line's {@code --override key=value} would.
     *
     * @throws IOException     when the file cannot be read
     * @throws ConfigException when the result is not a valid configuration
     */
    public static BrokerConfig load(final Path file, final Map<String, String> overrides) throws IOException
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        properties.putAll(overrides);
        return parse(properties);
    }

    /** Reads a server.properties file (UTF-8); see {@link #load(Path, Map)}. */
    public static BrokerConfig load(final Path file) throws IOException
    {
        return load(file, Map.of());
    }

    /** Every key's parsed value, for keys without a typed accessor and for DescribeConfigs. */
    public ConfigValues values()
    {
        return values;
    }

    /**
     * Every broker key with its value and source, for DescribeConfigs on a BROKER resource:
     * STATIC_BROKER_CONFIG when server.properties sets it, DEFAULT_CONFIG otherwise. All are
     * read-only: Osprey has no dynamic broker configuration.
     */
    public List<DescribedConfig> describe()
    {
        final List<DescribedConfig> result = new ArrayList<>();
        for (final ConfigKey key : DEFINITION.keys())
        {
            final ConfigSource source = values.isSet(key.name()) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
            result.add(DescribedConfig.of(key, values.text(key.name()), source, true));
        }
        return result;
    }

    /** The topic-level registry with this broker's values as defaults. */
    public TopicConfigs topicConfigs()
    {
        return new TopicConfigs(this);
    }

    /** The {@link LogConfig} of a topic without overrides. */
    public LogConfig defaultLogConfig()
    {
        return topicConfigs().resolve(Map.of()).logConfig();
    }

    // ---- identity and roles

    /** {@code node.id}. */
    public int nodeId()
    {
        return values.getInt(NODE_ID);
    }

    /** {@code process.roles}. */
    public Set<ProcessRole> processRoles()
    {
        return roles;
    }

    /** Whether {@code process.roles} includes broker. */
    public boolean isBroker()
    {
        return roles.contains(ProcessRole.BROKER);
    }

    /** Whether {@code process.roles} includes controller. */
    public boolean isController()
    {
        return roles.contains(ProcessRole.CONTROLLER);
    }

    /** {@code cluster.id}: the cluster the log directories must belong to, if configured. */
    public Optional<String> clusterId()
    {
        return Optional.ofNullable(values.getString(CLUSTER_ID));
    }

    /** {@code broker.rack}. */
    public Optional<String> rack()
    {
        return Optional.ofNullable(values.getString(BROKER_RACK));
    }

    // ---- listeners and the quorum

    /** {@code listeners}: where to bind. */
    public List<Listener> listeners()
    {
        return listeners;
    }

    /**
     * {@code advertised.listeners}; when not given, the listeners other than the controller's,
     * with an empty host replaced by this machine's canonical host name (Kafka's rule). The
     * name is looked up on first call, not at parse time, so that parsing never waits on DNS.
     */
    public List<Listener> advertisedListeners()
    {
        List<Listener> result = advertisedListeners;
        if (result == null)
        {
            result = computeAdvertisedListeners();
            advertisedListeners = result;
        }
        return result;
    }

    /** The listener called {@code name} (upper-case), if any. */
    public Optional<Listener> listener(final String name)
    {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** {@code controller.listener.names}, upper-case. */
    public List<String> controllerListenerNames()
    {
        return values.getList(CONTROLLER_LISTENER_NAMES).stream().map(n -> n.toUpperCase(Locale.ROOT)).toList();
    }

    /**
     * {@code inter.broker.listener.name}; when not given, PLAINTEXT if such a listener exists,
     * otherwise the first listener that is not a controller listener.
     */
    public String interBrokerListenerName()
    {
        final String explicit = values.getString(INTER_BROKER_LISTENER_NAME);
        if (explicit != null)
        {
            return explicit.toUpperCase(Locale.ROOT);
        }
        if (listener("PLAINTEXT").isPresent())
        {
            return "PLAINTEXT";
        }
        final List<String> controllerNames = controllerListenerNames();
        return listeners.stream().map(Listener::name).filter(n -> !controllerNames.contains(n)).findFirst()
            .orElse("PLAINTEXT");
    }

    /** {@code listener.security.protocol.map}, names and protocols upper-case. */
    public Map<String, String> securityProtocolMap()
    {
        return securityProtocols;
    }

    /** {@code controller.quorum.voters}; empty on a combined node that is its own quorum. */
    public List<QuorumVoter> controllerQuorumVoters()
    {
        return voters;
    }

    /** {@code osprey.admin.http.listener}; empty when disabled. */
    public Optional<HostPort> adminHttpListener()
    {
        final String text = values.getString(ADMIN_HTTP_LISTENER);
        return text.isEmpty() ? Optional.empty() : Optional.of(HostPort.parse(text));
    }

    // ---- network and request threads

    public int numNetworkThreads()
    {
        return values.getInt(NUM_NETWORK_THREADS);
    }

    /** {@code num.io.threads}: the log agents. */
    public int numIoThreads()
    {
        return values.getInt(NUM_IO_THREADS);
    }

    public int queuedMaxRequests()
    {
        return values.getInt(QUEUED_MAX_REQUESTS);
    }

    /** {@code socket.send.buffer.bytes}; -1 keeps the OS default. */
    public int socketSendBufferBytes()
    {
        return values.getInt(SOCKET_SEND_BUFFER_BYTES);
    }

    /** {@code socket.receive.buffer.bytes}; -1 keeps the OS default. */
    public int socketReceiveBufferBytes()
    {
        return values.getInt(SOCKET_RECEIVE_BUFFER_BYTES);
    }

    public int socketRequestMaxBytes()
    {
        return values.getInt(SOCKET_REQUEST_MAX_BYTES);
    }

    public int socketListenBacklogSize()
    {
        return values.getInt(SOCKET_LISTEN_BACKLOG_SIZE);
    }

    public long connectionsMaxIdleMs()
    {
        return values.getLong(CONNECTIONS_MAX_IDLE_MS);
    }

    // ---- topic creation and limits

    public boolean autoCreateTopicsEnable()
    {
        return values.getBoolean(AUTO_CREATE_TOPICS_ENABLE);
    }

    public boolean deleteTopicEnable()
    {
        return values.getBoolean(DELETE_TOPIC_ENABLE);
    }

    public int numPartitions()
    {
        return values.getInt(NUM_PARTITIONS);
    }

    public int defaultReplicationFactor()
    {
        return values.getInt(DEFAULT_REPLICATION_FACTOR);
    }

    public int messageMaxBytes()
    {
        return values.getInt(MESSAGE_MAX_BYTES);
    }

    public int fetchMaxBytes()
    {
        return values.getInt(FETCH_MAX_BYTES);
    }

    /** {@code compression.type} (accepted, not acted on: batches are stored as produced). */
    public String compressionType()
    {
        return values.getString(COMPRESSION_TYPE);
    }

    // ---- logs

    /** {@code log.dirs} when given, otherwise {@code log.dir}. */
    public List<Path> logDirs()
    {
        final List<String> dirs = values.getList(LOG_DIRS);
        if (dirs == null)
        {
            return List.of(Path.of(values.getString(LOG_DIR)));
        }
        return dirs.stream().map(Path::of).toList();
    }

    public int logSegmentBytes()
    {
        return values.getInt(LOG_SEGMENT_BYTES);
    }

    /** {@code log.roll.ms} when given, otherwise {@code log.roll.hours} in ms. */
    public long logRollMs()
    {
        final Long ms = values.getLong(LOG_ROLL_MS);
        return ms != null ? ms : values.getInt(LOG_ROLL_HOURS) * 3_600_000L;
    }

    /** {@code log.roll.jitter.ms} when given, otherwise {@code log.roll.jitter.hours} in ms (accepted, not acted on). */
    public long logRollJitterMs()
    {
        final Long ms = values.getLong(LOG_ROLL_JITTER_MS);
        return ms != null ? ms : values.getInt(LOG_ROLL_JITTER_HOURS) * 3_600_000L;
    }

    public int logIndexSizeMaxBytes()
    {
        return values.getInt(LOG_INDEX_SIZE_MAX_BYTES);
    }

    public int logIndexIntervalBytes()
    {
        return values.getInt(LOG_INDEX_INTERVAL_BYTES);
    }

    /**
     * Retention in ms with Kafka's precedence: {@code log.retention.ms}, else
     * {@code log.retention.minutes}, else {@code log.retention.hours}; any negative result is
     * -1 (keep forever).
     */
    public long logRetentionMs()
    {
        final Long ms = values.getLong(LOG_RETENTION_MS);
        final Integer minutes = values.getInt(LOG_RETENTION_MINUTES);
        final long millis;
        if (ms != null)
        {
            millis = ms;
        }
        else if (minutes != null)
        {
            millis = minutes * 60_000L;
        }
        else
        {
            millis = values.getInt(LOG_RETENTION_HOURS) * 3_600_000L;
        }
        return millis < 0 ? -1 : millis;
    }

    /** {@code log.retention.bytes}: per partition, -1 for no limit. */
    public long logRetentionBytes()
    {
        return values.getLong(LOG_RETENTION_BYTES);
    }

    public long logRetentionCheckIntervalMs()
    {
        return values.getLong(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    /** {@code log.cleanup.policy}: delete and/or compact. */
    public List<String> logCleanupPolicy()
    {
        return values.getList(LOG_CLEANUP_POLICY);
    }

    /** The {@code log.cleaner.*} keys of the cleaner threads (the per-topic ones reach each log through its LogConfig). */
    public io.osprey.log.CleanerConfig cleanerConfig()
    {
        return new io.osprey.log.CleanerConfig(values.getBoolean(LOG_CLEANER_ENABLE), values.getInt(LOG_CLEANER_THREADS),
            values.getLong(LOG_CLEANER_DEDUPE_BUFFER_SIZE), values.getDouble(LOG_CLEANER_IO_BUFFER_LOAD_FACTOR),
            values.getLong(LOG_CLEANER_BACKOFF_MS), values.getDouble(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND));
    }

    public long logFlushIntervalMessages()
    {
        return values.getLong(LOG_FLUSH_INTERVAL_MESSAGES);
    }

    /** {@code log.flush.interval.ms} when given, otherwise {@code log.flush.scheduler.interval.ms} (Kafka's rule). */
    public long logFlushIntervalMs()
    {
        final Long ms = values.getLong(LOG_FLUSH_INTERVAL_MS);
        return ms != null ? ms : logFlushSchedulerIntervalMs();
    }

    public boolean autoLeaderRebalanceEnable()
    {
        return values.getBoolean(ServerKeys.AUTO_LEADER_REBALANCE_ENABLE);
    }

    public long leaderImbalanceCheckIntervalSeconds()
    {
        return values.getLong(ServerKeys.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS);
    }

    public long logFlushSchedulerIntervalMs()
    {
        return values.getLong(LOG_FLUSH_SCHEDULER_INTERVAL_MS);
    }

    public int logFlushOffsetCheckpointIntervalMs()
    {
        return values.getInt(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS);
    }

    public int logFlushStartOffsetCheckpointIntervalMs()
    {
        return values.getInt(LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS);
    }

    public long logSegmentDeleteDelayMs()
    {
        return values.getLong(LOG_SEGMENT_DELETE_DELAY_MS);
    }

    /** {@code log.message.timestamp.type}: CreateTime or LogAppendTime. */
    public String logMessageTimestampType()
    {
        return values.getString(LOG_MESSAGE_TIMESTAMP_TYPE);
    }

    // ---- replication and liveness

    public int minInsyncReplicas()
    {
        return values.getInt(MIN_INSYNC_REPLICAS);
    }

    public boolean uncleanLeaderElectionEnable()
    {
        return values.getBoolean(UNCLEAN_LEADER_ELECTION_ENABLE);
    }

    public long replicaLagTimeMaxMs()
    {
        return values.getLong(REPLICA_LAG_TIME_MAX_MS);
    }

    public int numReplicaFetchers()
    {
        return values.getInt(NUM_REPLICA_FETCHERS);
    }

    public int replicaFetchMaxBytes()
    {
        return values.getInt(REPLICA_FETCH_MAX_BYTES);
    }

    public int replicaFetchResponseMaxBytes()
    {
        return values.getInt(REPLICA_FETCH_RESPONSE_MAX_BYTES);
    }

    public int replicaFetchWaitMaxMs()
    {
        return values.getInt(REPLICA_FETCH_WAIT_MAX_MS);
    }

    public int replicaFetchMinBytes()
    {
        return values.getInt(REPLICA_FETCH_MIN_BYTES);
    }

    public int replicaFetchBackoffMs()
    {
        return values.getInt(REPLICA_FETCH_BACKOFF_MS);
    }

    public int replicaSocketTimeoutMs()
    {
        return values.getInt(REPLICA_SOCKET_TIMEOUT_MS);
    }

    public long replicaHighWatermarkCheckpointIntervalMs()
    {
        return values.getLong(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS);
    }

    public int brokerHeartbeatIntervalMs()
    {
        return values.getInt(BROKER_HEARTBEAT_INTERVAL_MS);
    }

    public int brokerSessionTimeoutMs()
    {
        return values.getInt(BROKER_SESSION_TIMEOUT_MS);
    }

    // ---- groups, offsets and producer ids

    public int offsetsTopicNumPartitions()
    {
        return values.getInt(OFFSETS_TOPIC_NUM_PARTITIONS);
    }

    public short offsetsTopicReplicationFactor()
    {
        return values.getShort(OFFSETS_TOPIC_REPLICATION_FACTOR);
    }

    public int offsetsTopicSegmentBytes()
    {
        return values.getInt(OFFSETS_TOPIC_SEGMENT_BYTES);
    }

    /** {@code offsets.retention.minutes} in ms. */
    public long offsetsRetentionMs()
    {
        return values.getInt(OFFSETS_RETENTION_MINUTES) * 60_000L;
    }

    public long offsetsRetentionCheckIntervalMs()
    {
        return values.getLong(OFFSETS_RETENTION_CHECK_INTERVAL_MS);
    }

    public int offsetsCommitTimeoutMs()
    {
        return values.getInt(OFFSETS_COMMIT_TIMEOUT_MS);
    }

    public int groupInitialRebalanceDelayMs()
    {
        return values.getInt(GROUP_INITIAL_REBALANCE_DELAY_MS);
    }

    public int groupMinSessionTimeoutMs()
    {
        return values.getInt(GROUP_MIN_SESSION_TIMEOUT_MS);
    }

    public int groupMaxSessionTimeoutMs()
    {
        return values.getInt(GROUP_MAX_SESSION_TIMEOUT_MS);
    }

    public int groupMaxSize()
    {
        return values.getInt(GROUP_MAX_SIZE);
    }

    public long producerIdExpirationMs()
    {
        return values.getInt(PRODUCER_ID_EXPIRATION_MS);
    }

    public long producerIdExpirationCheckIntervalMs()
    {
        return values.getInt(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS);
    }

    @Override
    public String toString()
    {
        return "BrokerConfig" + values.originals();
    }

    private List<Listener> computeAdvertisedListeners()
    {
        final List<String> explicit = values.getList(ADVERTISED_LISTENERS);
        if (explicit != null)
        {
            return Listener.parseList(explicit, false);
        }
        final List<String> controllerNames = controllerListenerNames();
        final List<Listener> result = new ArrayList<>();
        for (final Listener listener : listeners)
        {
            if (!controllerNames.contains(listener.name()))
            {
                result.add(listener.host().isEmpty() ? listener.withHost(localHostName()) : listener);
            }
        }
        return List.copyOf(result);
    }

    private static String localHostName()
    {
        try
        {
            return InetAddress.getLocalHost().getCanonicalHostName();
        }
        catch (final UnknownHostException e)
        {
            // A machine whose own name does not resolve can still serve itself.
            return "localhost";
        }
    }
}
