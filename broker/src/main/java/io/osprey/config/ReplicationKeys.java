package io.osprey.config;

import static io.osprey.config.ConfigType.BOOLEAN;
import static io.osprey.config.ConfigType.INT;
import static io.osprey.config.ConfigType.LONG;
import static io.osprey.config.ConfigType.SHORT;
import static io.osprey.config.ConfigType.STRING;
import static io.osprey.config.Usage.IGNORED;
import static io.osprey.config.Usage.USED;
import static io.osprey.config.Validators.atLeast;

import io.osprey.controller.quorum.QuorumConfig;

/**
 * Broker keys of replication, broker liveness, the group coordinator and its offsets topic,
 * producer ids, and the Kafka coordinators Osprey does not have (transactions, share groups).
 */
public final class ReplicationKeys
{
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = "replica.high.watermark.checkpoint.interval.ms";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    public static final String CONTROLLER_QUORUM_FETCH_TIMEOUT_MS = "controller.quorum.fetch.timeout.ms";
    public static final String CONTROLLER_QUORUM_AERON_DIR = QuorumConfig.AERON_DIR;
    public static final String CONTROLLER_QUORUM_AERON_LEADER_HEARTBEAT_TIMEOUT_MS = QuorumConfig.LEADER_HEARTBEAT_TIMEOUT_MS;
    public static final String CONTROLLER_QUORUM_AERON_LEADER_HEARTBEAT_INTERVAL_MS = QuorumConfig.LEADER_HEARTBEAT_INTERVAL_MS;
    public static final String CONTROLLER_QUORUM_AERON_ELECTION_TIMEOUT_MS = QuorumConfig.ELECTION_TIMEOUT_MS;
    public static final String CONTROLLER_QUORUM_IDLE_STRATEGY = QuorumConfig.IDLE_STRATEGY;
    public static final String CONTROLLER_QUORUM_IDLE_PARK_MAX_MS = QuorumConfig.IDLE_PARK_MAX_MS;
    public static final String CONTROLLER_QUORUM_IDLE_QUIET_PARK_MAX_MS = QuorumConfig.QUIET_PARK_MAX_MS;
    public static final String CONTROLLER_QUORUM_LOG_TERM_BYTES = QuorumConfig.LOG_TERM_BYTES;
    public static final String CONTROLLER_QUORUM_SNAPSHOT_RECORDS = QuorumConfig.SNAPSHOT_RECORDS;
    public static final String METADATA_LOG_MAX_SNAPSHOT_INTERVAL_MS = QuorumConfig.SNAPSHOT_INTERVAL_MS;
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR = "share.coordinator.state.topic.replication.factor";
    public static final String SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR = "share.coordinator.state.topic.min.isr";

    static final Validator MIN_ISR = atLeast(1);

    private ReplicationKeys()
    {
    }

    static void define(final ConfigDef def)
    {
        defineReplication(def);
        defineLiveness(def);
        defineControllerQuorum(def);
        defineGroups(def);
        defineUnsupportedCoordinators(def);
    }

    private static void defineReplication(final ConfigDef def)
    {
        def.define(MIN_INSYNC_REPLICAS, INT, "1", MIN_ISR, USED,
            "Replicas that must be in sync for an acks=all produce to succeed; topic default of min.insync.replicas.");
        def.define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, "false", Validator.ANY, USED,
            "Let a replica outside the ISR become leader when no in-sync one is left, losing acknowledged writes.");
        def.define(REPLICA_LAG_TIME_MAX_MS, LONG, "30000", atLeast(1), USED,
            "A follower that has not caught up with the leader's log end for this long leaves the ISR.");
        def.define(NUM_REPLICA_FETCHERS, INT, "1", atLeast(1), IGNORED,
            "Osprey always runs one fetcher thread per source broker, which is Kafka's default of 1.");
        def.define(REPLICA_FETCH_MAX_BYTES, INT, "1048576", atLeast(0), USED,
            "Bytes a follower asks for per partition in one fetch (at least one batch is always returned).");
        def.define(REPLICA_FETCH_RESPONSE_MAX_BYTES, INT, "10485760", atLeast(0), USED,
            "Bytes a follower asks for in one whole fetch response.");
        def.define(REPLICA_FETCH_WAIT_MAX_MS, INT, "500", atLeast(0), USED,
            "How long the leader holds a follower's fetch waiting for data; at most replica.lag.time.max.ms.");
        def.define(REPLICA_FETCH_MIN_BYTES, INT, "1", atLeast(0), USED,
            "Bytes a follower's fetch waits for before the leader answers.");
        def.define(REPLICA_FETCH_BACKOFF_MS, INT, "1000", atLeast(0), USED,
            "Pause after a failed replica fetch before the next.");
        def.define(REPLICA_SOCKET_TIMEOUT_MS, INT, "30000", atLeast(1), USED,
            "Request timeout of replica fetches; at least replica.fetch.wait.max.ms.");
        def.define(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, LONG, "5000", atLeast(1), USED,
            "How often high watermarks are checkpointed (replication-offset-checkpoint), at least; see log.flush.offset.checkpoint.interval.ms.");
        def.define(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, INT, "1000", atLeast(0), IGNORED,
            "Size of Kafka's cache of incremental fetch sessions; Osprey does not size anything by it.");
    }

    private static void defineLiveness(final ConfigDef def)
    {
        def.define(BROKER_HEARTBEAT_INTERVAL_MS, INT, "300", atLeast(1), USED,
            "How often a broker heartbeats to the controller quorum (Kafka: 2000).");
        def.define(BROKER_SESSION_TIMEOUT_MS, INT, "1500", atLeast(1), USED,
            "A broker without a committed heartbeat for this long is fenced and loses its leaderships (Kafka: 9000). A new "
                + "controller leader renews every live broker's lease from the start of its term, so a controller failover "
                + "fences no broker that keeps heartbeating. Every controller must use the same value.");
        def.define(CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS, INT, "1000", atLeast(1), IGNORED,
            "Kafka's Raft election timeout; Osprey's quorum has its own timing.");
        def.define(CONTROLLER_QUORUM_FETCH_TIMEOUT_MS, INT, "2000", atLeast(1), IGNORED,
            "Kafka's Raft fetch timeout; Osprey's quorum has its own timing.");
    }

    /** Osprey's own tuning of the Aeron Cluster quorum a controller node runs (see docs/controller.md). */
    private static void defineControllerQuorum(final ConfigDef def)
    {
        def.define(CONTROLLER_QUORUM_AERON_DIR, STRING, null, Validators.nonEmptyString(), USED,
            "Media driver directory of this node's controller voter, deleted on start and on clean close "
                + "(default /dev/shm/osprey-controller-<node.id>-<voter port>).");
        def.define(CONTROLLER_QUORUM_AERON_LEADER_HEARTBEAT_TIMEOUT_MS, LONG,
            Long.toString(QuorumConfig.DEFAULT_LEADER_HEARTBEAT_TIMEOUT_MS), atLeast(1), USED,
            "A controller follower that hears nothing from the leader for this long starts an election (Aeron: 10000); "
                + "must exceed the heartbeat interval. A voter starting while another is down canvasses 10 times this long.");
        def.define(CONTROLLER_QUORUM_AERON_LEADER_HEARTBEAT_INTERVAL_MS, LONG,
            Long.toString(QuorumConfig.DEFAULT_LEADER_HEARTBEAT_INTERVAL_MS), atLeast(1), USED,
            "How often the controller leader heartbeats to its followers when idle (Aeron: 200).");
        def.define(CONTROLLER_QUORUM_AERON_ELECTION_TIMEOUT_MS, LONG, Long.toString(QuorumConfig.DEFAULT_ELECTION_TIMEOUT_MS),
            atLeast(1), USED, "How long a controller election round waits for votes (Aeron: 1000).");
        def.define(CONTROLLER_QUORUM_IDLE_STRATEGY, STRING, QuorumConfig.DEFAULT_IDLE_STRATEGY, Validators.oneOf("quiet", "sleep", "backoff"),
            USED, "How the controller's agent threads idle: quiet (with a single voter: park from 1 ms doubling to "
                + "controller.quorum.idle.quiet.park.max.ms, back to 1 ms whenever this node submits or applies a command; "
                + "with more voters it is sleep), sleep (a fixed sleep of controller.quorum.idle.park.max.ms) or backoff "
                + "(park from 1 ms doubling to it).");
        def.define(CONTROLLER_QUORUM_IDLE_PARK_MAX_MS, LONG, Long.toString(QuorumConfig.DEFAULT_IDLE_PARK_MAX_MS), atLeast(1), USED,
            "Longest sleep or park of an idle controller agent thread (sleep, backoff, and quiet while no broker runs in the "
                + "process); bounds each hop of a commit round trip.");
        def.define(CONTROLLER_QUORUM_IDLE_QUIET_PARK_MAX_MS, LONG, Long.toString(QuorumConfig.DEFAULT_QUIET_PARK_MAX_MS), atLeast(1),
            USED, "Longest park of a quiet controller agent thread (controller.quorum.idle.strategy=quiet, a single voter whose node "
                + "also runs a broker): how late a lease timer may fire, and how long each of the first hops of a command from another "
                + "node's broker may wait, while nothing happens here.");
        def.define(CONTROLLER_QUORUM_LOG_TERM_BYTES, INT, Integer.toString(QuorumConfig.DEFAULT_LOG_TERM_BYTES),
            Validators.powerOfTwoAtLeast(64 * 1024), USED,
            "Term length of the controller quorum's log channel; a message is at most an eighth of it.");
        def.define(CONTROLLER_QUORUM_SNAPSHOT_RECORDS, LONG, Long.toString(QuorumConfig.DEFAULT_SNAPSHOT_RECORDS), atLeast(1), USED,
            "Metadata records after which the controller leader takes a snapshot of the quorum.");
        def.define(METADATA_LOG_MAX_SNAPSHOT_INTERVAL_MS, LONG, Long.toString(QuorumConfig.DEFAULT_SNAPSHOT_INTERVAL_MS), atLeast(1),
            USED, "Longest time between controller snapshots while metadata records arrive.");
    }

    private static void defineGroups(final ConfigDef def)
    {
        def.define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, "50", atLeast(1), USED,
            "Partitions of __consumer_offsets; fixed once the topic exists.");
        def.define(OFFSETS_TOPIC_REPLICATION_FACTOR, SHORT, "1", atLeast(1), USED,
            "Replication factor of __consumer_offsets (Kafka's default is 3; 1 lets a single node start).");
        def.define(OFFSETS_TOPIC_SEGMENT_BYTES, INT, "104857600", atLeast(1), USED,
            "segment.bytes of __consumer_offsets.");
        def.define(OFFSETS_RETENTION_MINUTES, INT, "10080", atLeast(1), USED,
            "Committed offsets of an empty group are deleted after this long.");
        def.define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, LONG, "600000", atLeast(1), USED,
            "How often expired committed offsets are looked for.");
        def.define(OFFSETS_COMMIT_TIMEOUT_MS, INT, "5000", atLeast(1), USED,
            "How long an offset commit waits for __consumer_offsets replication before failing.");
        def.define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, "3000", atLeast(0), USED,
            "How long a new group waits for more members before its first rebalance.");
        def.define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, "6000", atLeast(0), USED,
            "Smallest session.timeout.ms a consumer may ask for.");
        def.define(GROUP_MAX_SESSION_TIMEOUT_MS, INT, "1800000", atLeast(0), USED,
            "Largest session.timeout.ms a consumer may ask for.");
        def.define(GROUP_MAX_SIZE, INT, Integer.toString(Integer.MAX_VALUE), atLeast(1), USED,
            "Most members of one consumer group.");
        def.define(PRODUCER_ID_EXPIRATION_MS, INT, "86400000", atLeast(1), USED,
            "Idempotent producer state of a partition is dropped after this long without a write from that producer.");
        def.define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, INT, "600000", atLeast(1), IGNORED,
            "Osprey removes expired producer ids in each retention check (log.retention.check.interval.ms).");
    }

    private static void defineUnsupportedCoordinators(final ConfigDef def)
    {
        def.define(TRANSACTIONAL_ID_EXPIRATION_MS, INT, "604800000", atLeast(1), IGNORED,
            "Expiry of idle transactional ids; Osprey has no transactions.");
        def.define(TRANSACTION_STATE_LOG_NUM_PARTITIONS, INT, "50", atLeast(1), IGNORED,
            "Partitions of __transaction_state; Osprey has no transactions.");
        def.define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, SHORT, "3", atLeast(1), IGNORED,
            "Replication factor of __transaction_state; Osprey has no transactions.");
        def.define(TRANSACTION_STATE_LOG_MIN_ISR, INT, "2", atLeast(1), IGNORED,
            "min.insync.replicas of __transaction_state; Osprey has no transactions.");
        def.define(TRANSACTION_STATE_LOG_SEGMENT_BYTES, INT, "104857600", atLeast(1), IGNORED,
            "segment.bytes of __transaction_state; Osprey has no transactions.");
        def.define(SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR, SHORT, "3", atLeast(1), IGNORED,
            "Replication factor of __share_group_state; Osprey has no share groups.");
        def.define(SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR, SHORT, "2", atLeast(1), IGNORED,
            "min.insync.replicas of __share_group_state; Osprey has no share groups.");
    }
}
