package io.osprey.server;

/**
 * What the request handlers need to know about this node, taken from the broker config.
 *
 * @param nodeId                   {@code node.id}
 * @param clusterId                from {@code meta.properties}
 * @param autoCreateTopics         {@code auto.create.topics.enable}
 * @param numPartitions            {@code num.partitions} for auto-created topics
 * @param defaultReplicationFactor {@code default.replication.factor}
 * @param deleteTopicEnable        {@code delete.topic.enable}
 */
public record BrokerSettings(
    int nodeId,
    String clusterId,
    boolean autoCreateTopics,
    int numPartitions,
    short defaultReplicationFactor,
    boolean deleteTopicEnable)
{
}
