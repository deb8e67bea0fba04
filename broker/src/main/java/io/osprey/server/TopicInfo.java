package io.osprey.server;

import java.util.Map;
import java.util.UUID;

/**
 * A topic as the node knows it.
 *
 * @param configs topic-level overrides only (keys as in Kafka's topic configs)
 */
public record TopicInfo(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs)
{
    public TopicInfo
    {
        configs = Map.copyOf(configs);
    }

    public TopicInfo withPartitions(final int count)
    {
        return new TopicInfo(name, id, count, replicationFactor, configs);
    }

    public TopicInfo withConfigs(final Map<String, String> newConfigs)
    {
        return new TopicInfo(name, id, partitions, replicationFactor, newConfigs);
    }
}
