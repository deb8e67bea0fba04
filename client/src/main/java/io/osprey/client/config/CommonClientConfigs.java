package io.osprey.client.config;

import java.util.List;

/**
 * The configuration keys every Osprey client shares, with Kafka's names and defaults, and the
 * keys accepted for compatibility but ignored. Each client adds its own keys on top
 * ({@link ClientConfigDef#common(String)}). Stateless.
 */
public final class CommonClientConfigs
{
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    public static final String CLIENT_ID_CONFIG = "client.id";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    public static final String RECONNECT_BACKOFF_MS_CONFIG = "reconnect.backoff.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS_CONFIG = "reconnect.backoff.max.ms";
    public static final String METADATA_MAX_AGE_MS_CONFIG = "metadata.max.age.ms";
    public static final String CONNECTIONS_MAX_IDLE_MS_CONFIG = "connections.max.idle.ms";
    public static final String SEND_BUFFER_CONFIG = "send.buffer.bytes";
    public static final String RECEIVE_BUFFER_CONFIG = "receive.buffer.bytes";
    public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG = "socket.connection.setup.timeout.ms";
    public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG = "socket.connection.setup.timeout.max.ms";
    public static final String CLIENT_DNS_LOOKUP_CONFIG = "client.dns.lookup";
    public static final String SECURITY_PROTOCOL_CONFIG = "security.protocol";
    public static final String METADATA_RECOVERY_STRATEGY_CONFIG = "metadata.recovery.strategy";
    public static final String METADATA_RECOVERY_REBOOTSTRAP_TRIGGER_MS_CONFIG = "metadata.recovery.rebootstrap.trigger.ms";

    public static final String METRIC_REPORTER_CLASSES_CONFIG = "metric.reporters";
    public static final String METRICS_NUM_SAMPLES_CONFIG = "metrics.num.samples";
    public static final String METRICS_SAMPLE_WINDOW_MS_CONFIG = "metrics.sample.window.ms";
    public static final String METRICS_RECORDING_LEVEL_CONFIG = "metrics.recording.level";
    public static final String AUTO_INCLUDE_JMX_REPORTER_CONFIG = "auto.include.jmx.reporter";
    public static final String ENABLE_METRICS_PUSH_CONFIG = "enable.metrics.push";
    public static final String INTERCEPTOR_CLASSES_CONFIG = "interceptor.classes";

    /** {@code client.dns.lookup}: connect to each address a name resolves to in turn. */
    public static final String USE_ALL_DNS_IPS = "use_all_dns_ips";
    /** {@code client.dns.lookup}: expand each bootstrap name to the canonical names of its addresses. */
    public static final String RESOLVE_CANONICAL_BOOTSTRAP_SERVERS_ONLY = "resolve_canonical_bootstrap_servers_only";
    /** {@code metadata.recovery.strategy}: fall back to the bootstrap servers when no known broker can be reached. */
    public static final String METADATA_RECOVERY_REBOOTSTRAP = "rebootstrap";
    /** {@code metadata.recovery.strategy}: keep trying the brokers the last metadata named. */
    public static final String METADATA_RECOVERY_NONE = "none";

    private CommonClientConfigs()
    {
    }

    /** Defines the common keys in {@code def} and returns it. */
    public static ClientConfigDef defineAll(final ClientConfigDef def)
    {
        def.defineRequired(BOOTSTRAP_SERVERS_CONFIG, ConfigType.LIST, ConfigValidators.hostPortList(),
            "host:port pairs used to make the first connection to the cluster; the client then uses every broker the "
                + "metadata names, so this list need not be complete.")
            .define(CLIENT_ID_CONFIG, ConfigType.STRING, "",
                "A name sent with every request, for the broker's logs and quotas.")
            .define(REQUEST_TIMEOUT_MS_CONFIG, ConfigType.INT, 30000, ConfigValidators.atLeast(0),
                "How long the client waits for a response to a request before failing it (and closing its connection, "
                    + "since later responses on it can no longer be matched).")
            .define(RETRY_BACKOFF_MS_CONFIG, ConfigType.LONG, 100L, ConfigValidators.atLeast(0),
                "The initial wait before retrying a failed request; it doubles with each failure up to retry.backoff.max.ms.")
            .define(RETRY_BACKOFF_MAX_MS_CONFIG, ConfigType.LONG, 1000L, ConfigValidators.atLeast(0),
                "The longest wait between retries of a failed request; a random 20% jitter is applied.")
            .define(RECONNECT_BACKOFF_MS_CONFIG, ConfigType.LONG, 50L, ConfigValidators.atLeast(0),
                "The initial wait before reconnecting to a broker; it doubles with each consecutive failure.")
            .define(RECONNECT_BACKOFF_MAX_MS_CONFIG, ConfigType.LONG, 1000L, ConfigValidators.atLeast(0),
                "The longest wait before reconnecting to a broker that keeps failing; a random 20% jitter is applied.")
            .define(METADATA_MAX_AGE_MS_CONFIG, ConfigType.LONG, 300000L, ConfigValidators.atLeast(0),
                "Metadata older than this is refreshed even if no leader change was seen.")
            .define(CONNECTIONS_MAX_IDLE_MS_CONFIG, ConfigType.LONG, 540000L,
                "Connections with nothing in flight for this long are closed.")
            .define(SEND_BUFFER_CONFIG, ConfigType.INT, 131072, ConfigValidators.atLeast(-1),
                "The socket send buffer (SO_SNDBUF); -1 leaves the operating system's default.")
            .define(RECEIVE_BUFFER_CONFIG, ConfigType.INT, 65536, ConfigValidators.atLeast(-1),
                "The socket receive buffer (SO_RCVBUF); -1 leaves the operating system's default. The producer's default is 32768.")
            .define(SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, ConfigType.LONG, 10000L, ConfigValidators.atLeast(0),
                "How long a connection may take to be established before it is abandoned; doubles with each consecutive "
                    + "failure up to socket.connection.setup.timeout.max.ms.")
            .define(SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, ConfigType.LONG, 30000L, ConfigValidators.atLeast(0),
                "The longest connection setup timeout; a random 20% jitter is applied.")
            .define(CLIENT_DNS_LOOKUP_CONFIG, ConfigType.STRING, USE_ALL_DNS_IPS,
                ConfigValidators.oneOfIgnoreCase(USE_ALL_DNS_IPS, RESOLVE_CANONICAL_BOOTSTRAP_SERVERS_ONLY),
                "use_all_dns_ips tries every address a broker's name resolves to before giving up on it; "
                    + "resolve_canonical_bootstrap_servers_only also expands each bootstrap name to the canonical names of its addresses.")
            .define(SECURITY_PROTOCOL_CONFIG, ConfigType.STRING, "PLAINTEXT",
                ConfigValidators.supportedOnly(List.of("PLAINTEXT"), List.of("SSL", "SASL_PLAINTEXT", "SASL_SSL"),
                    "Osprey clients speak PLAINTEXT only: TLS and SASL are not implemented"),
                "The protocol used to talk to brokers. Osprey supports PLAINTEXT only.")
            .define(METADATA_RECOVERY_STRATEGY_CONFIG, ConfigType.STRING, METADATA_RECOVERY_REBOOTSTRAP,
                ConfigValidators.oneOfIgnoreCase(METADATA_RECOVERY_NONE, METADATA_RECOVERY_REBOOTSTRAP),
                "rebootstrap: when none of the brokers the metadata names can be reached, try the bootstrap servers again; "
                    + "none: keep trying the known brokers.")
            .defineIgnored(METADATA_RECOVERY_REBOOTSTRAP_TRIGGER_MS_CONFIG, ConfigType.LONG, 300000L,
                "with metadata.recovery.strategy=rebootstrap the client falls back to the bootstrap servers as soon as no "
                    + "known broker can be reached, without waiting for a trigger.")
            .defineIgnored(METRIC_REPORTER_CLASSES_CONFIG, ConfigType.LIST, "", "Osprey clients have no metrics reporters yet.")
            .defineIgnored(METRICS_NUM_SAMPLES_CONFIG, ConfigType.INT, 2, "Osprey clients have no Kafka-style metrics yet.")
            .defineIgnored(METRICS_SAMPLE_WINDOW_MS_CONFIG, ConfigType.LONG, 30000L, "Osprey clients have no Kafka-style metrics yet.")
            .defineIgnored(METRICS_RECORDING_LEVEL_CONFIG, ConfigType.STRING, "INFO", "Osprey clients have no Kafka-style metrics yet.")
            .defineIgnored(AUTO_INCLUDE_JMX_REPORTER_CONFIG, ConfigType.BOOLEAN, true, "Osprey clients register no JMX metrics yet.")
            .defineIgnored(ENABLE_METRICS_PUSH_CONFIG, ConfigType.BOOLEAN, true,
                "Osprey brokers do not take client telemetry (KIP-714).")
            .defineIgnored(INTERCEPTOR_CLASSES_CONFIG, ConfigType.LIST, "",
                "interceptors are not implemented; a client that implements them redefines this key.");
        return def;
    }
}
