package io.osprey.config;

import static io.osprey.config.ConfigType.BOOLEAN;
import static io.osprey.config.ConfigType.INT;
import static io.osprey.config.ConfigType.LIST;
import static io.osprey.config.ConfigType.LONG;
import static io.osprey.config.ConfigType.STRING;
import static io.osprey.config.Usage.IGNORED;
import static io.osprey.config.Usage.USED;
import static io.osprey.config.Validators.atLeast;

import java.util.List;
import java.util.Locale;

/**
 * Broker keys of the node itself: identity, roles, listeners, network and request threads,
 * topic creation defaults and the admin HTTP endpoint.
 */
public final class ServerKeys
{
    public static final String NODE_ID = "node.id";
    public static final String BROKER_ID = "broker.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String CONTROLLER_QUORUM_BOOTSTRAP_SERVERS = "controller.quorum.bootstrap.servers";
    public static final String BROKER_RACK = "broker.rack";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String BACKGROUND_THREADS = "background.threads";
    public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_LISTEN_BACKLOG_SIZE = "socket.listen.backlog.size";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String ADMIN_HTTP_LISTENER = "osprey.admin.http.listener";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";

    /** Security protocols Kafka knows; Osprey serves only PLAINTEXT. */
    static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    /** Kafka's broker-side names of compression.type, plus the producer's "none" that operators often write. */
    static final String[] COMPRESSION_TYPES = {"producer", "uncompressed", "none", "gzip", "snappy", "lz4", "zstd"};

    private ServerKeys()
    {
    }

    static void define(final ConfigDef def)
    {
        def.defineRequired(NODE_ID, INT, atLeast(0), USED,
            "Id of this node, unique in the cluster; must match node.id in meta.properties of every log directory.");
        def.define(BROKER_ID, INT, null, atLeast(0), USED,
            "Older name of node.id; when given it must equal node.id.");
        def.define(PROCESS_ROLES, LIST, "broker,controller", Validators.listOf(false, "broker", "controller"), USED,
            "Roles of this node: broker serves clients, controller votes in the metadata quorum; both make a combined node.");
        def.define(CLUSTER_ID, STRING, null, Validators.parsedBy(StorageFormat.CLUSTER_ID_DESCRIPTION, StorageFormat::checkClusterId),
            USED, "Osprey only: the expected cluster id; start-up fails if meta.properties names another, and storage format uses it.");
        def.define(LISTENERS, LIST, "PLAINTEXT://127.0.0.1:9092", Listener.validator(true), USED,
            "Addresses to accept connections on, as NAME://host:port; an empty host binds every interface, port 0 a free port. "
                + "Osprey serves clients and other brokers on one listener; besides it only controller.listener.names may be "
                + "listed (accepted for Kafka compatibility: the quorum uses the UDP ports of controller.quorum.voters).");
        def.define(ADVERTISED_LISTENERS, LIST, null, Listener.validator(false), USED,
            "Addresses given to clients in metadata; default: listeners other than the controller's, an empty host replaced by this machine's name.");
        def.define(LISTENER_SECURITY_PROTOCOL_MAP, LIST, "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
            Validators.parsedBy("a comma-separated list of NAME:PROTOCOL, PROTOCOL one of " + SECURITY_PROTOCOLS,
                ServerKeys::checkProtocolMapping),
            USED, "Security protocol of each listener name; Osprey serves PLAINTEXT only, so every listener must map to it.");
        def.define(INTER_BROKER_LISTENER_NAME, STRING, null, Validators.nonEmptyString(), USED,
            "Listener that other brokers use to reach this one; default: PLAINTEXT if it exists, else the first non-controller listener.");
        def.define(CONTROLLER_LISTENER_NAMES, LIST, "", Validators.distinctItems(true), USED,
            "Listener names reserved for the controller quorum: never advertised to clients; a controller must also list them in listeners.");
        def.define(CONTROLLER_QUORUM_VOTERS, LIST, "", QuorumVoter.validator(), USED,
            "Controller quorum as id@host:port; empty on a combined node means a one-voter quorum of itself.");
        def.define(CONTROLLER_QUORUM_BOOTSTRAP_SERVERS, LIST, "",
            Validators.parsedBy("a comma-separated list of host:port", HostPort::parse), IGNORED,
            "Kafka's dynamic-quorum bootstrap list; Osprey finds its controllers through controller.quorum.voters.");
        def.define(BROKER_RACK, STRING, null, Validators.nonEmptyString(), USED,
            "Rack of this broker, reported to clients in metadata.");
        def.define(NUM_NETWORK_THREADS, INT, "3", atLeast(1), USED,
            "Threads that read requests from and write responses to client connections.");
        def.define(NUM_IO_THREADS, INT, "8", atLeast(1), USED,
            "Threads (log agents) that process requests and append to partition logs.");
        def.define(BACKGROUND_THREADS, INT, "10", atLeast(1), IGNORED,
            "Threads for background tasks; Osprey does not size anything by it.");
        def.define(QUEUED_MAX_REQUESTS, INT, "500", atLeast(1), USED,
            "Unanswered requests on one connection after which it is no longer read until some are answered.");
        def.define(SOCKET_SEND_BUFFER_BYTES, INT, "102400", atLeast(-1), USED,
            "SO_SNDBUF of client connections; -1 keeps the operating system's default.");
        def.define(SOCKET_RECEIVE_BUFFER_BYTES, INT, "102400", atLeast(-1), USED,
            "SO_RCVBUF of client connections; -1 keeps the operating system's default.");
        def.define(SOCKET_REQUEST_MAX_BYTES, INT, "104857600", atLeast(1), USED,
            "Largest request accepted; a bigger size prefix closes the connection.");
        def.define(SOCKET_LISTEN_BACKLOG_SIZE, INT, "50", atLeast(1), USED,
            "Pending connections the listening socket queues (SO_BACKLOG).");
        def.define(CONNECTIONS_MAX_IDLE_MS, LONG, "600000", atLeast(1), USED,
            "A connection with no request and no response for this long, and owed no response, is closed.");
        def.define(MAX_CONNECTIONS, INT, Integer.toString(Integer.MAX_VALUE), atLeast(0), IGNORED,
            "Connection limit per broker; Osprey has no connection quotas.");
        def.define(MAX_CONNECTIONS_PER_IP, INT, Integer.toString(Integer.MAX_VALUE), atLeast(0), IGNORED,
            "Connection limit per client address; Osprey has no connection quotas.");
        def.define(ADMIN_HTTP_LISTENER, STRING, "127.0.0.1:9080",
            Validators.parsedBy("host:port, or empty to disable", ServerKeys::checkOptionalHostPort), USED,
            "Osprey only: where the admin HTTP server serves /metrics, /ready and /health; empty disables it, port 0 picks a free port.");
        def.define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, "true", Validator.ANY, USED,
            "Create a topic with the default settings when a client asks for metadata of one that does not exist.");
        def.define(DELETE_TOPIC_ENABLE, BOOLEAN, "true", Validator.ANY, USED,
            "Allow DeleteTopics; when false the request fails with TOPIC_DELETION_DISABLED.");
        def.define(NUM_PARTITIONS, INT, "1", atLeast(1), USED,
            "Partitions of a topic created without a partition count (including auto-created topics).");
        def.define(DEFAULT_REPLICATION_FACTOR, INT, "1", atLeast(1), USED,
            "Replicas of each partition of a topic created without a replication factor.");
        def.define(MESSAGE_MAX_BYTES, INT, "1048588", atLeast(0), USED,
            "Largest record batch accepted; topic default of max.message.bytes.");
        def.define(FETCH_MAX_BYTES, INT, "57671680", atLeast(1024), USED,
            "Most bytes one fetch response carries, whatever the consumer asks for.");
        def.define(COMPRESSION_TYPE, STRING, "producer", Validators.oneOf(COMPRESSION_TYPES), IGNORED,
            "Topic default of compression.type; Osprey always stores batches as the producer compressed them (producer).");
        def.define(AUTO_LEADER_REBALANCE_ENABLE, BOOLEAN, "true", Validator.ANY, USED,
            "Moves leadership back to the preferred (first) replica once it is in sync: each broker asks the controller " +
            "for the partitions it prefers to lead, every leader.imbalance.check.interval.seconds.");
        def.define(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, LONG, "300", atLeast(1), USED,
            "Interval of the preferred-leader check.");
        def.define(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, INT, "10", Validators.between(0, 100), IGNORED,
            "Leader imbalance tolerated per broker; Osprey moves every partition whose preferred replica is in sync.");
    }

    /** One entry of listener.security.protocol.map: NAME:PROTOCOL. */
    static String[] checkProtocolMapping(final String entry)
    {
        final String[] parts = entry.split(":", -1);
        if (parts.length != 2 || parts[0].isBlank())
        {
            throw new IllegalArgumentException("'" + entry + "' is not NAME:PROTOCOL");
        }
        final String protocol = parts[1].trim().toUpperCase(Locale.ROOT);
        if (!SECURITY_PROTOCOLS.contains(protocol))
        {
            throw new IllegalArgumentException("'" + parts[1] + "' is not a security protocol");
        }
        return new String[] {parts[0].trim().toUpperCase(Locale.ROOT), protocol};
    }

    private static HostPort checkOptionalHostPort(final String text)
    {
        return text.isEmpty() ? null : HostPort.parse(text);
    }
}
