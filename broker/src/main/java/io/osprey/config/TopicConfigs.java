package io.osprey.config;

import io.osprey.common.ConfigException;
import static io.osprey.config.ConfigType.BOOLEAN;
import static io.osprey.config.ConfigType.DOUBLE;
import static io.osprey.config.ConfigType.INT;
import static io.osprey.config.ConfigType.LIST;
import static io.osprey.config.ConfigType.LONG;
import static io.osprey.config.ConfigType.STRING;
import static io.osprey.config.Usage.IGNORED;
import static io.osprey.config.Usage.USED;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import io.osprey.log.LogConfig;

/**
 * The topic-level keys (Kafka's names) and their resolution against a broker's defaults. A
 * topic's settings are its overrides (given in CreateTopics, changed by
 * IncrementalAlterConfigs, stored in metadata) on top of the broker keys they are synonyms of.
 * <p>
 * Validation failures are {@link ConfigException}s (INVALID_CONFIG) naming the key, the value
 * and what is allowed, ready to be returned to the client.
 */
public final class TopicConfigs
{
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String PREALLOCATE = "preallocate";

    private static final Map<String, TopicKey> KEYS = buildKeys();
    private static final ConfigDef DEFINITION = buildDefinition();

    private final BrokerConfig broker;

    /** The topic keys with {@code broker}'s values as defaults. */
    public TopicConfigs(final BrokerConfig broker)
    {
        this.broker = broker;
    }

    /** Every topic key as a registry (no defaults of their own), for docs and parsing single values. */
    public static ConfigDef definition()
    {
        return DEFINITION;
    }

    /** Every topic key with its broker synonyms, in documentation order. */
    public static List<TopicKey> keys()
    {
        return List.copyOf(KEYS.values());
    }

    /** The topic key called {@code name}, if there is one. */
    public static Optional<TopicKey> key(final String name)
    {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** The broker these topic settings default to. */
    public BrokerConfig broker()
    {
        return broker;
    }

    /**
     * Checks {@code overrides} and combines them with the broker's defaults.
     *
     * @throws ConfigException for the first unknown key, null value or invalid value (in key order)
     */
    public TopicConfig resolve(final Map<String, String> overrides)
    {
        final Map<String, Object> parsed = new TreeMap<>();
        for (final Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet())
        {
            final ConfigKey key = DEFINITION.knownKey(e.getKey(), e.getValue());
            if (e.getValue() == null)
            {
                throw new ConfigException(key.name(), null, key.allowed(),
                    "Null value not supported for topic configuration '" + key.name() + "': expected " + key.allowed());
            }
            parsed.put(key.name(), key.parse(e.getValue()));
        }
        final Map<String, Object> effective = new LinkedHashMap<>();
        for (final TopicKey key : KEYS.values())
        {
            final Object override = parsed.get(key.name());
            effective.put(key.name(), override != null ? override : key.brokerDefault().apply(broker));
        }
        final Map<String, String> normalised = new TreeMap<>();
        parsed.forEach((name, value) -> normalised.put(name, KEYS.get(name).type().format(value)));
        return new TopicConfig(this, Collections.unmodifiableMap(effective), Collections.unmodifiableMap(normalised));
    }

    /**
     * Checks {@code overrides} without keeping the result (CreateTopics with validateOnly,
     * IncrementalAlterConfigs before it writes).
     *
     * @return the overrides with values in canonical text form (trimmed, lists without spaces)
     * @throws ConfigException naming the key, the value and what is allowed
     */
    public Map<String, String> validate(final Map<String, String> overrides)
    {
        return resolve(overrides).overrides();
    }

    /** The {@link LogConfig} of a topic with {@code overrides}; see {@link #resolve}. */
    public LogConfig logConfig(final Map<String, String> overrides)
    {
        return resolve(overrides).logConfig();
    }

    /** DescribeConfigs on a TOPIC resource with {@code overrides}; see {@link TopicConfig#describe()}. */
    public List<DescribedConfig> describe(final Map<String, String> overrides)
    {
        return resolve(overrides).describe();
    }

    /** Where the value of {@code name} comes from when the topic does not override it. */
    ConfigSource brokerSource(final TopicKey key)
    {
        for (final String synonym : key.brokerSynonyms())
        {
            if (broker.values().isSet(synonym))
            {
                return ConfigSource.STATIC_BROKER_CONFIG;
            }
        }
        return ConfigSource.DEFAULT_CONFIG;
    }

    private static ConfigDef buildDefinition()
    {
        final ConfigDef def = new ConfigDef("topic");
        KEYS.values().forEach(k -> def.define(k.key()));
        return def;
    }

    private static Map<String, TopicKey> buildKeys()
    {
        final List<TopicKey> keys = new ArrayList<>();
        keys.add(simple(SEGMENT_BYTES, INT, LogKeys.SEGMENT_BYTES, USED,
            "Size at which a segment rolls.", LogKeys.LOG_SEGMENT_BYTES));
        keys.add(derived(SEGMENT_MS, LONG, LogKeys.SEGMENT_MS, USED,
            "Age at which a non-empty segment rolls.",
            List.of(LogKeys.LOG_ROLL_MS, LogKeys.LOG_ROLL_HOURS), BrokerConfig::logRollMs));
        keys.add(derived(SEGMENT_JITTER_MS, LONG, LogKeys.NON_NEGATIVE, IGNORED,
            "Random jitter subtracted from segment.ms.",
            List.of(LogKeys.LOG_ROLL_JITTER_MS, LogKeys.LOG_ROLL_JITTER_HOURS), BrokerConfig::logRollJitterMs));
        keys.add(simple(SEGMENT_INDEX_BYTES, INT, LogKeys.SEGMENT_INDEX_BYTES, USED,
            "Preallocated size of each offset and time index; a full index rolls the segment.", LogKeys.LOG_INDEX_SIZE_MAX_BYTES));
        keys.add(simple(INDEX_INTERVAL_BYTES, INT, LogKeys.INDEX_INTERVAL_BYTES, USED,
            "Bytes of batches between two sparse index entries.", LogKeys.LOG_INDEX_INTERVAL_BYTES));
        keys.add(derived(RETENTION_MS, LONG, LogKeys.RETENTION, USED,
            "Age after which segments are deleted; -1 keeps them forever.",
            List.of(LogKeys.LOG_RETENTION_MS, LogKeys.LOG_RETENTION_MINUTES, LogKeys.LOG_RETENTION_HOURS),
            BrokerConfig::logRetentionMs));
        keys.add(simple(RETENTION_BYTES, LONG, LogKeys.RETENTION, USED,
            "Size per partition beyond which the oldest segments are deleted; -1 for no limit.", LogKeys.LOG_RETENTION_BYTES));
        keys.add(simple(FLUSH_MESSAGES, LONG, LogKeys.FLUSH_MESSAGES, USED,
            "fsync after this many records; 1 acknowledges only fsynced writes.", LogKeys.LOG_FLUSH_INTERVAL_MESSAGES));
        keys.add(derived(FLUSH_MS, LONG, LogKeys.NON_NEGATIVE, USED,
            "fsync when the oldest unflushed record is this old.",
            List.of(LogKeys.LOG_FLUSH_INTERVAL_MS, LogKeys.LOG_FLUSH_SCHEDULER_INTERVAL_MS), BrokerConfig::logFlushIntervalMs));
        keys.add(simple(MAX_MESSAGE_BYTES, INT, Validators.atLeast(0), USED,
            "Largest record batch accepted.", ServerKeys.MESSAGE_MAX_BYTES));
        keys.add(simple(MESSAGE_TIMESTAMP_TYPE, STRING, LogKeys.TIMESTAMP_TYPE, USED,
            "CreateTime keeps the producer's timestamps, LogAppendTime stamps batches on append.", LogKeys.LOG_MESSAGE_TIMESTAMP_TYPE));
        keys.add(simple(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, LONG, LogKeys.NON_NEGATIVE, USED,
            "How far in the past a CreateTime record's timestamp may be; an older one is refused with INVALID_TIMESTAMP.",
            LogKeys.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS));
        keys.add(simple(MESSAGE_TIMESTAMP_AFTER_MAX_MS, LONG, LogKeys.NON_NEGATIVE, USED,
            "How far in the future a CreateTime record's timestamp may be; a later one is refused with INVALID_TIMESTAMP.",
            LogKeys.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS));
        keys.add(simple(CLEANUP_POLICY, LIST, LogKeys.CLEANUP_POLICY, USED,
            "delete (retention by time and size) and/or compact (the cleaner keeps the last record per key; keyless records are refused).",
            LogKeys.LOG_CLEANUP_POLICY));
        keys.add(simple(MIN_INSYNC_REPLICAS, INT, ReplicationKeys.MIN_ISR, USED,
            "Replicas that must be in sync for an acks=all produce to succeed.", ReplicationKeys.MIN_INSYNC_REPLICAS));
        keys.add(simple(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, Validator.ANY, USED,
            "Let a replica outside the ISR become leader when no in-sync one is left.", ReplicationKeys.UNCLEAN_LEADER_ELECTION_ENABLE));
        keys.add(simple(FILE_DELETE_DELAY_MS, LONG, LogKeys.NON_NEGATIVE, USED,
            "How long a deleted segment's files linger for reads in flight.", LogKeys.LOG_SEGMENT_DELETE_DELAY_MS));
        keys.add(simple(COMPRESSION_TYPE, STRING, Validators.oneOf(ServerKeys.COMPRESSION_TYPES), IGNORED,
            "Recompress batches on the broker; Osprey stores them as the producer compressed them.", ServerKeys.COMPRESSION_TYPE));
        keys.add(simple(DELETE_RETENTION_MS, LONG, LogKeys.NON_NEGATIVE, USED,
            "How long a tombstone survives after its first cleaning, counted from that cleaning (the delete horizon it sets), not from the record's timestamp.",
            LogKeys.LOG_CLEANER_DELETE_RETENTION_MS));
        keys.add(simple(MIN_COMPACTION_LAG_MS, LONG, LogKeys.NON_NEGATIVE, USED,
            "Minimum age of a segment's newest record before the segment is compacted.", LogKeys.LOG_CLEANER_MIN_COMPACTION_LAG_MS));
        keys.add(simple(MAX_COMPACTION_LAG_MS, LONG, LogKeys.MAX_COMPACTION_LAG_MS, USED,
            "Age of the oldest dirty record that makes the log eligible for compaction whatever its dirty ratio.",
            LogKeys.LOG_CLEANER_MAX_COMPACTION_LAG_MS));
        keys.add(simple(MIN_CLEANABLE_DIRTY_RATIO, DOUBLE, LogKeys.CLEANABLE_RATIO, USED,
            "Dirty fraction of the log that makes it eligible for compaction.", LogKeys.LOG_CLEANER_MIN_CLEANABLE_RATIO));
        keys.add(simple(PREALLOCATE, BOOLEAN, Validator.ANY, IGNORED,
            "Preallocate segment files; Osprey always preallocates the active segment.", LogKeys.LOG_PREALLOCATE));
        final Map<String, TopicKey> byName = new LinkedHashMap<>();
        keys.forEach(k -> byName.put(k.name(), k));
        return Collections.unmodifiableMap(byName);
    }

    private static TopicKey simple(
        final String name,
        final ConfigType type,
        final Validator validator,
        final Usage usage,
        final String doc,
        final String brokerKey)
    {
        return derived(name, type, validator, usage, doc, List.of(brokerKey), b -> b.values().get(brokerKey));
    }

    private static TopicKey derived(
        final String name,
        final ConfigType type,
        final Validator validator,
        final Usage usage,
        final String doc,
        final List<String> synonyms,
        final Function<BrokerConfig, Object> brokerDefault)
    {
        return new TopicKey(ConfigKey.of(name, type, null, validator, usage, doc), synonyms, brokerDefault);
    }
}
