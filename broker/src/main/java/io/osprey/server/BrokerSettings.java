package io.osprey.server;

/**
 * What the request handlers need to know about this node, taken from the broker config.
 *
 * @param nodeId                   {@code node.id}
 * @param clusterId                from {@code meta.properties}
 * @param advertisedHost           host clients are told to connect to
 * @param advertisedPort           port clients are told to connect to
 * @param rack                     {@code broker.rack}, or null
 * @param autoCreateTopics         {@code auto.create.topics.enable}
 * @param numPartitions            {@code num.partitions} for auto-created topics
 * @param defaultReplicationFactor {@code default.replication.factor}
 * @param fetchMaxBytes            {@code fetch.max.bytes}: cap on one fetch response
 * @param deleteTopicEnable        {@code delete.topic.enable}
 */
public record BrokerSettings(
    int nodeId,
    String clusterId,
    String advertisedHost,
    int advertisedPort,
    String rack,
    boolean autoCreateTopics,
    int numPartitions,
    short defaultReplicationFactor,
    int fetchMaxBytes,
    boolean deleteTopicEnable)
{
}
