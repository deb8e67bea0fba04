package io.osprey.producer;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.ClientConfigDef;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.client.config.ConfigType;
import io.osprey.client.config.ConfigValidator;
import io.osprey.client.config.ConfigValidators;
import io.osprey.record.Compression;

/**
 * The producer's configuration keys, with Kafka's names and defaults, and the checks that span
 * several keys (idempotence needs {@code acks=all}, at most 5 requests in flight and retries).
 * Parsing is strict: an unknown key or an invalid value fails construction naming the key.
 * <p>
 * Where Kafka's rules depend on whether a key was given, so do these: {@code enable.idempotence}
 * is on by default, and a user who sets {@code acks=1} without touching it gets a
 * non-idempotent producer (as in Kafka 3.2+), while one who sets both gets an error.
 * <p>
 * Stateless; {@link #parse} may be called from any thread.
 */
public final class ProducerConfig
{
    public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    public static final String CLIENT_ID_CONFIG = CommonClientConfigs.CLIENT_ID_CONFIG;
    public static final String KEY_SERIALIZER_CLASS_CONFIG = "key.serializer";
    public static final String VALUE_SERIALIZER_CLASS_CONFIG = "value.serializer";
    public static final String ACKS_CONFIG = "acks";
    public static final String ENABLE_IDEMPOTENCE_CONFIG = "enable.idempotence";
    public static final String RETRIES_CONFIG = "retries";
    public static final String DELIVERY_TIMEOUT_MS_CONFIG = "delivery.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
    public static final String LINGER_MS_CONFIG = "linger.ms";
    public static final String BATCH_SIZE_CONFIG = "batch.size";
    public static final String BUFFER_MEMORY_CONFIG = "buffer.memory";
    public static final String MAX_BLOCK_MS_CONFIG = "max.block.ms";
    public static final String MAX_REQUEST_SIZE_CONFIG = "max.request.size";
    public static final String COMPRESSION_TYPE_CONFIG = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL_CONFIG = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL_CONFIG = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL_CONFIG = "compression.zstd.level";
    public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
    public static final String PARTITIONER_CLASS_CONFIG = "partitioner.class";
    public static final String PARTITIONER_IGNORE_KEYS_CONFIG = "partitioner.ignore.keys";
    public static final String PARTITIONER_ADAPTIVE_PARTITIONING_ENABLE_CONFIG = "partitioner.adaptive.partitioning.enable";
    public static final String PARTITIONER_AVAILABILITY_TIMEOUT_MS_CONFIG = "partitioner.availability.timeout.ms";
    public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG;
    public static final String TRANSACTIONAL_ID_CONFIG = "transactional.id";
    public static final String TRANSACTION_TIMEOUT_CONFIG = "transaction.timeout.ms";
    public static final String METADATA_MAX_IDLE_CONFIG = "metadata.max.idle.ms";

    /** The most requests per connection an idempotent producer may have in flight: the broker caches five batches per producer. */
    public static final int IDEMPOTENT_MAX_IN_FLIGHT_MAX = 5;

    private static final ClientConfigDef DEFINITION = define();

    private ProducerConfig()
    {
    }

    /** Every key the producer accepts, with its type, default and doc. */
    public static ClientConfigDef definition()
    {
        return DEFINITION;
    }

    /** Parses properties as loaded from a file; see {@link #parse(Map)}. */
    public static ProducerSettings parse(final Properties props)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (final Map.Entry<Object, Object> e : props.entrySet())
        {
            map.put(String.valueOf(e.getKey()), e.getValue());
        }
        return parse(map);
    }

    /**
     * Parses and cross-checks a user's settings.
     *
     * @throws ConfigException naming the key, the value and what is allowed
     */
    public static ProducerSettings parse(final Map<String, ?> props)
    {
        final ClientConfig config = DEFINITION.parse(normalised(props));
        return ProducerSettings.from(config);
    }

    /**
     * Values Kafka accepts in forms the typed parser would not: a {@code Class} for a serializer
     * (Kafka's {@code KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class}) and a number for
     * {@code acks}. They are turned into the text the definition expects.
     */
    private static Map<String, Object> normalised(final Map<String, ?> props)
    {
        final Map<String, Object> out = new LinkedHashMap<>(props);
        for (final String key : new String[] {KEY_SERIALIZER_CLASS_CONFIG, VALUE_SERIALIZER_CLASS_CONFIG, PARTITIONER_CLASS_CONFIG})
        {
            if (out.get(key) instanceof Class<?> c)
            {
                out.put(key, c.getName());
            }
        }
        if (out.get(ACKS_CONFIG) instanceof Number n)
        {
            out.put(ACKS_CONFIG, n.toString());
        }
        return out;
    }

    private static ClientConfigDef define()
    {
        final ClientConfigDef def = ClientConfigDef.common("producer")
            .withDefault(CommonClientConfigs.RECEIVE_BUFFER_CONFIG, 32768);
        def.define(KEY_SERIALIZER_CLASS_CONFIG, ConfigType.STRING, null,
                "Serializer class for keys: an io.osprey.serialization.Serializer, or one of Kafka's String, ByteArray, "
                    + "Integer or Long serializers, which map to Osprey's byte-compatible equivalents. Required unless a "
                    + "serializer is given to the constructor.")
            .define(VALUE_SERIALIZER_CLASS_CONFIG, ConfigType.STRING, null,
                "Serializer class for values; see key.serializer.")
            .define(ACKS_CONFIG, ConfigType.STRING, "all", ConfigValidators.oneOf("all", "-1", "0", "1"),
                "How many acknowledgements the leader waits for: 0 (none: the offset is unknown), 1 (the leader's log), "
                    + "all or -1 (every in-sync replica).")
            .define(ENABLE_IDEMPOTENCE_CONFIG, ConfigType.BOOLEAN, true,
                "Whether the broker deduplicates retried batches, so each record is written exactly once and in order per "
                    + "partition. Requires acks=all, retries > 0 and max.in.flight.requests.per.connection <= 5; when not set "
                    + "explicitly it is turned off by settings that conflict with it.")
            .define(RETRIES_CONFIG, ConfigType.INT, Integer.MAX_VALUE, ConfigValidators.atLeast(0),
                "How many times a batch that failed with a retriable error is resent; delivery.timeout.ms bounds the total time.")
            .define(DELIVERY_TIMEOUT_MS_CONFIG, ConfigType.INT, 120000, ConfigValidators.atLeast(0),
                "How long a batch may take from creation to its outcome: a batch still waiting to be sent or retried this long "
                    + "after creation fails; one in flight then fails when its request ends, at most request.timeout.ms later "
                    + "(Kafka's producer also expires batches in flight). Must be at least linger.ms + request.timeout.ms.")
            .define(LINGER_MS_CONFIG, ConfigType.LONG, 5L, ConfigValidators.atLeast(0),
                "How long a batch waits for more records before it is sent, unless it fills first.")
            .define(BATCH_SIZE_CONFIG, ConfigType.INT, 16384, ConfigValidators.atLeast(0),
                "The size in bytes of each partition's batch; also the unit buffer.memory is handed out in. 0 is taken as 1 "
                    + "(one record per batch).")
            .define(BUFFER_MEMORY_CONFIG, ConfigType.LONG, 33554432L, ConfigValidators.atLeast(0),
                "The memory for records waiting to be sent; send() blocks up to max.block.ms when it is used up.")
            .define(MAX_BLOCK_MS_CONFIG, ConfigType.LONG, 60000L, ConfigValidators.atLeast(0),
                "How long send() and partitionsFor() may block waiting for metadata or buffer memory.")
            .define(MAX_REQUEST_SIZE_CONFIG, ConfigType.INT, 1048576, ConfigValidators.atLeast(0),
                "The largest Produce request, and so the largest record, the producer sends.")
            .define(COMPRESSION_TYPE_CONFIG, ConfigType.STRING, "none", compressionValidator(),
                "The codec of each batch: none, gzip, lz4 or zstd. snappy is not supported by Osprey.")
            .defineIgnored(COMPRESSION_GZIP_LEVEL_CONFIG, ConfigType.INT, -1, "Osprey compresses gzip at the default level.")
            .defineIgnored(COMPRESSION_LZ4_LEVEL_CONFIG, ConfigType.INT, 9, "Osprey compresses lz4 with the fast compressor.")
            .defineIgnored(COMPRESSION_ZSTD_LEVEL_CONFIG, ConfigType.INT, 3, "Osprey compresses zstd at level 3, Kafka's default.")
            .define(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, ConfigType.INT, 5, ConfigValidators.atLeast(1),
                "Requests sent to one broker but not yet answered. Without idempotence, more than 1 may reorder records on retry.")
            .define(PARTITIONER_CLASS_CONFIG, ConfigType.STRING, null, partitionerValidator(),
                "Must be left unset: Osprey uses Kafka's built-in partitioner (murmur2 of the key; sticky for null keys).")
            .define(PARTITIONER_IGNORE_KEYS_CONFIG, ConfigType.BOOLEAN, false,
                "When true, keyed records are spread like null-keyed ones instead of by the hash of their key.")
            .defineIgnored(PARTITIONER_ADAPTIVE_PARTITIONING_ENABLE_CONFIG, ConfigType.BOOLEAN, true,
                "null-keyed records switch partition uniformly at random among partitions with a leader.")
            .defineIgnored(PARTITIONER_AVAILABILITY_TIMEOUT_MS_CONFIG, ConfigType.LONG, 0L,
                "partitions are skipped by the sticky partitioner only when they have no leader.")
            .define(TRANSACTIONAL_ID_CONFIG, ConfigType.STRING, null, noTransactions(),
                "Must be left unset: Osprey does not support transactions.")
            .defineIgnored(TRANSACTION_TIMEOUT_CONFIG, ConfigType.INT, 60000, "Osprey does not support transactions.")
            .defineIgnored(METADATA_MAX_IDLE_CONFIG, ConfigType.LONG, 300000L,
                "Osprey's producer keeps metadata for every topic it has sent to.");
        return def;
    }

    private static ConfigValidator compressionValidator()
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                final String name = ((String)value).toLowerCase(Locale.ROOT);
                if (name.equals(Compression.SNAPPY.configName))
                {
                    return "snappy is not supported by Osprey; lz4 is the closest in speed";
                }
                for (final Compression c : Compression.values())
                {
                    if (c.configName.equals(name))
                    {
                        return null;
                    }
                }
                return "";
            }

            @Override
            public String describe(final String noun)
            {
                return "one of [none, gzip, lz4, zstd]";
            }
        };
    }

    private static ConfigValidator partitionerValidator()
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                return ((String)value).isEmpty() ? null
                    : "custom partitioners are not supported; Osprey always uses Kafka's built-in partitioner, so records "
                        + "land where Kafka's producer would put them";
            }

            @Override
            public String describe(final String noun)
            {
                return "no value (the built-in partitioner)";
            }
        };
    }

    private static ConfigValidator noTransactions()
    {
        return new ConfigValidator()
        {
            @Override
            public String problem(final Object value)
            {
                return ((String)value).isEmpty() ? null
                    : "transactions are not supported by Osprey; an idempotent producer (the default) already writes "
                        + "each record exactly once per partition";
            }

            @Override
            public String describe(final String noun)
            {
                return "no value (transactions are not supported)";
            }
        };
    }
}
