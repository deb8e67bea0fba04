package io.osprey.config;

import io.osprey.common.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.osprey.log.CompactionConfig;
import io.osprey.log.LogConfig;

/**
 * The effective settings of one topic: its overrides on top of the broker's defaults, already
 * validated. Built by {@link TopicConfigs#resolve}.
 */
public final class TopicConfig
{
    private final TopicConfigs configs;
    private final Map<String, Object> values;
    private final Map<String, String> overrides;

    TopicConfig(final TopicConfigs configs, final Map<String, Object> values, final Map<String, String> overrides)
    {
        this.configs = configs;
        this.values = values;
        this.overrides = overrides;
    }

    /** The topic's own settings, canonical text, sorted by key. */
    public Map<String, String> overrides()
    {
        return overrides;
    }

    /** The effective parsed value of topic key {@code name}. */
    public Object get(final String name)
    {
        if (!values.containsKey(name))
        {
            throw new IllegalArgumentException("No topic configuration '" + name + "'");
        }
        return values.get(name);
    }

    /** The effective value of {@code name} as text. */
    public String text(final String name)
    {
        return TopicConfigs.key(name).orElseThrow().type().format(get(name));
    }

    /**
     * The partition log settings.
     *
     * @throws ConfigException if the log refuses a combination the key validators let through
     */
    public LogConfig logConfig()
    {
        try
        {
            return new LogConfig(
                (Integer) get(TopicConfigs.SEGMENT_BYTES),
                (Long) get(TopicConfigs.SEGMENT_MS),
                (Integer) get(TopicConfigs.SEGMENT_INDEX_BYTES),
                (Integer) get(TopicConfigs.INDEX_INTERVAL_BYTES),
                (Long) get(TopicConfigs.RETENTION_MS),
                (Long) get(TopicConfigs.RETENTION_BYTES),
                (Long) get(TopicConfigs.FLUSH_MESSAGES),
                (Long) get(TopicConfigs.FLUSH_MS),
                (Integer) get(TopicConfigs.MAX_MESSAGE_BYTES),
                "LogAppendTime".equals(get(TopicConfigs.MESSAGE_TIMESTAMP_TYPE)),
                cleanupPolicy().contains("compact"),
                (Long) get(TopicConfigs.FILE_DELETE_DELAY_MS))
                .withProducerIdExpirationMs(configs.broker().producerIdExpirationMs())
                .withTimestampBounds((Long) get(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                    (Long) get(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS))
                .withCompaction(new CompactionConfig(
                    cleanupPolicy().contains("delete"),
                    (Long) get(TopicConfigs.DELETE_RETENTION_MS),
                    (Long) get(TopicConfigs.MIN_COMPACTION_LAG_MS),
                    (Long) get(TopicConfigs.MAX_COMPACTION_LAG_MS),
                    (Double) get(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO)));
        }
        catch (final IllegalArgumentException e)
        {
            // The validators mirror LogConfig's rules; this only fires if the two drift apart.
            throw new ConfigException(null, null, null, "Invalid topic configuration " + overrides + ": " + e.getMessage());
        }
    }

    /** {@code min.insync.replicas}. */
    public int minInsyncReplicas()
    {
        return (Integer) get(TopicConfigs.MIN_INSYNC_REPLICAS);
    }

    /** {@code unclean.leader.election.enable}. */
    public boolean uncleanLeaderElectionEnable()
    {
        return (Boolean) get(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE);
    }

    /** {@code cleanup.policy}: delete and/or compact. */
    public List<String> cleanupPolicy()
    {
        return Validators.strings(get(TopicConfigs.CLEANUP_POLICY));
    }

    /** {@code compression.type} (accepted, not acted on). */
    public String compressionType()
    {
        return (String) get(TopicConfigs.COMPRESSION_TYPE);
    }

    /**
     * Every topic key for DescribeConfigs on a TOPIC resource: DYNAMIC_TOPIC_CONFIG for an
     * override, STATIC_BROKER_CONFIG when server.properties sets one of its broker synonyms,
     * DEFAULT_CONFIG otherwise.
     */
    public List<DescribedConfig> describe()
    {
        final List<DescribedConfig> result = new ArrayList<>();
        for (final TopicKey key : TopicConfigs.keys())
        {
            final ConfigSource source = overrides.containsKey(key.name())
                ? ConfigSource.DYNAMIC_TOPIC_CONFIG
                : configs.brokerSource(key);
            result.add(DescribedConfig.of(key.key(), text(key.name()), source, false));
        }
        return result;
    }

    @Override
    public String toString()
    {
        return "TopicConfig" + overrides;
    }
}
