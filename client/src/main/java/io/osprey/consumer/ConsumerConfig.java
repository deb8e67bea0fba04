package io.osprey.consumer;

import io.osprey.client.config.ClientConfigDef;
import io.osprey.client.config.ConfigType;
import io.osprey.client.config.ConfigValidators;

/**
 * The consumer's configuration keys with Kafka's names and defaults, on top of the keys every
 * client shares ({@link io.osprey.client.config.CommonClientConfigs}). Parsing is strict: an
 * unknown key or an invalid value fails the consumer's constructor with a message naming the key.
 * <p>
 * The group keys ({@code group.id}, {@code enable.auto.commit}, the session, heartbeat and
 * poll timeouts, {@code partition.assignment.strategy}) drive {@code subscribe()} and committed
 * offsets; {@code assign()} works with or without a {@code group.id}.
 * <p>
 * Stateless; {@link #definition()} builds a fresh definition on each call.
 */
public final class ConsumerConfig
{
    public static final String KEY_DESERIALIZER_CLASS_CONFIG = "key.deserializer";
    public static final String VALUE_DESERIALIZER_CLASS_CONFIG = "value.deserializer";
    public static final String AUTO_OFFSET_RESET_CONFIG = "auto.offset.reset";
    public static final String MAX_POLL_RECORDS_CONFIG = "max.poll.records";
    public static final String FETCH_MIN_BYTES_CONFIG = "fetch.min.bytes";
    public static final String FETCH_MAX_BYTES_CONFIG = "fetch.max.bytes";
    public static final String FETCH_MAX_WAIT_MS_CONFIG = "fetch.max.wait.ms";
    public static final String MAX_PARTITION_FETCH_BYTES_CONFIG = "max.partition.fetch.bytes";
    public static final String CHECK_CRCS_CONFIG = "check.crcs";
    public static final String ISOLATION_LEVEL_CONFIG = "isolation.level";
    public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    public static final String CLIENT_RACK_CONFIG = "client.rack";
    public static final String ALLOW_AUTO_CREATE_TOPICS_CONFIG = "allow.auto.create.topics";

    public static final String GROUP_ID_CONFIG = "group.id";
    public static final String GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
    public static final String GROUP_PROTOCOL_CONFIG = "group.protocol";
    public static final String ENABLE_AUTO_COMMIT_CONFIG = "enable.auto.commit";
    public static final String AUTO_COMMIT_INTERVAL_MS_CONFIG = "auto.commit.interval.ms";
    public static final String SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
    public static final String MAX_POLL_INTERVAL_MS_CONFIG = "max.poll.interval.ms";
    public static final String PARTITION_ASSIGNMENT_STRATEGY_CONFIG = "partition.assignment.strategy";
    public static final String EXCLUDE_INTERNAL_TOPICS_CONFIG = "exclude.internal.topics";

    /** {@code isolation.level} values; Osprey has no transactions, so both read the same records. */
    public static final String READ_UNCOMMITTED = "read_uncommitted";
    public static final String READ_COMMITTED = "read_committed";

    private ConsumerConfig()
    {
    }

    /** Every key the consumer accepts: the common client keys, then the consumer's own. */
    public static ClientConfigDef definition()
    {
        final ClientConfigDef def = ClientConfigDef.common("consumer");
        def.define(KEY_DESERIALIZER_CLASS_CONFIG, ConfigType.CLASS, null,
                "A class implementing io.osprey.serialization.Deserializer for record keys; required unless a deserializer "
                    + "instance is given to the constructor.")
            .define(VALUE_DESERIALIZER_CLASS_CONFIG, ConfigType.CLASS, null,
                "A class implementing io.osprey.serialization.Deserializer for record values; required unless a deserializer "
                    + "instance is given to the constructor.")
            .define(AUTO_OFFSET_RESET_CONFIG, ConfigType.STRING, "latest",
                ConfigValidators.oneOfIgnoreCase("latest", "earliest", "none"),
                "Where to start when a partition has no position (assigned without a seek) or its position is out of range: "
                    + "latest (the end), earliest (the log start) or none (throw NoOffsetForPartitionException or "
                    + "OffsetOutOfRangeException naming the partition).")
            .define(MAX_POLL_RECORDS_CONFIG, ConfigType.INT, 500, ConfigValidators.atLeast(1),
                "The most records one poll() returns.")
            .define(FETCH_MIN_BYTES_CONFIG, ConfigType.INT, 1, ConfigValidators.atLeast(0),
                "The least data the broker should gather before answering a fetch, waiting up to fetch.max.wait.ms.")
            .define(FETCH_MAX_BYTES_CONFIG, ConfigType.INT, 52428800, ConfigValidators.atLeast(0),
                "The most data one fetch response should carry (the first batch is returned whole even if larger); also the "
                    + "most fetched data the consumer buffers ahead of poll() before it stops fetching.")
            .define(FETCH_MAX_WAIT_MS_CONFIG, ConfigType.INT, 500, ConfigValidators.atLeast(0),
                "How long the broker may hold a fetch waiting for fetch.min.bytes (the long poll).")
            .define(MAX_PARTITION_FETCH_BYTES_CONFIG, ConfigType.INT, 1048576, ConfigValidators.atLeast(0),
                "The most data per partition in one fetch response (the first batch is returned whole even if larger); a "
                    + "partition is fetched again only while less than this much of it is buffered ahead of poll().")
            .define(CHECK_CRCS_CONFIG, ConfigType.BOOLEAN, true,
                "Verify the CRC-32C of every fetched batch; a corrupt batch throws naming its partition and offset.")
            .define(ISOLATION_LEVEL_CONFIG, ConfigType.STRING, READ_UNCOMMITTED,
                ConfigValidators.oneOfIgnoreCase(READ_UNCOMMITTED, READ_COMMITTED),
                "Sent with fetches and offset lookups. Osprey has no transactions, so the last stable offset is the high "
                    + "watermark and both levels read exactly the same records.")
            .define(DEFAULT_API_TIMEOUT_MS_CONFIG, ConfigType.INT, 60000, ConfigValidators.atLeast(0),
                "How long blocking calls without a timeout argument (position, beginningOffsets, endOffsets, "
                    + "offsetsForTimes, partitionsFor, listTopics) may block.")
            .define(CLIENT_RACK_CONFIG, ConfigType.STRING, "",
                "The consumer's rack, sent with fetches. Osprey brokers do not yet pick a nearer replica with it.")
            .define(ALLOW_AUTO_CREATE_TOPICS_CONFIG, ConfigType.BOOLEAN, true,
                "Whether asking for the metadata of a missing topic may create it (when the broker's "
                    + "auto.create.topics.enable allows it too).")
            .define(GROUP_ID_CONFIG, ConfigType.STRING, null,
                "The consumer group this consumer belongs to; needed by subscribe() and by committed offsets "
                    + "(commitSync, commitAsync, committed). assign() works with or without it.")
            .define(GROUP_INSTANCE_ID_CONFIG, ConfigType.STRING, null,
                "A stable member name for static membership: the member keeps its identity across restarts within "
                    + "session.timeout.ms, and close() does not leave the group (as Kafka).")
            .define(GROUP_PROTOCOL_CONFIG, ConfigType.STRING, "classic", ConfigValidators.oneOfIgnoreCase("classic"),
                "The group protocol; Osprey's consumer implements the classic protocol (JoinGroup/SyncGroup) only.")
            .define(ENABLE_AUTO_COMMIT_CONFIG, ConfigType.BOOLEAN, true,
                "Commit the positions of owned partitions every auto.commit.interval.ms from poll(), before a rebalance "
                    + "revokes partitions, and on close. Only with a group.id.")
            .define(AUTO_COMMIT_INTERVAL_MS_CONFIG, ConfigType.INT, 5000, ConfigValidators.atLeast(0),
                "How often poll() commits positions when enable.auto.commit is true.")
            .define(SESSION_TIMEOUT_MS_CONFIG, ConfigType.INT, 45000, ConfigValidators.atLeast(1),
                "How long the group coordinator waits without a heartbeat before it removes the member.")
            .define(HEARTBEAT_INTERVAL_MS_CONFIG, ConfigType.INT, 3000, ConfigValidators.atLeast(1),
                "How often the network thread heartbeats to the group coordinator; keep it well below session.timeout.ms.")
            .define(MAX_POLL_INTERVAL_MS_CONFIG, ConfigType.INT, 300000, ConfigValidators.atLeast(1),
                "The longest time between two poll() calls: past it the network thread leaves the group (its partitions go "
                    + "to other members) and the next poll() rejoins. Also the rebalance timeout sent in JoinGroup.")
            .define(PARTITION_ASSIGNMENT_STRATEGY_CONFIG, ConfigType.LIST,
                "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
                ConfigValidators.nonEmptyList(),
                "Assignment strategies in order of preference: range, roundrobin, cooperative-sticky, or Kafka's or "
                    + "Osprey's class names for them. The rebalance protocol is cooperative only when every strategy listed "
                    + "supports it.")
            .define(EXCLUDE_INTERNAL_TOPICS_CONFIG, ConfigType.BOOLEAN, true,
                "Whether pattern subscriptions leave out internal topics (those starting with '__').");
        return def;
    }
}
