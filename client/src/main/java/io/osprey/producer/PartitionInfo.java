package io.osprey.producer;

import java.util.List;

import io.osprey.client.Node;

/**
 * One partition of a topic as the producer's last metadata described it, as Kafka's
 * {@code PartitionInfo}. Immutable.
 *
 * @param leader the leader, or null when the partition has none
 */
public record PartitionInfo(String topic, int partition, Node leader, List<Node> replicas, List<Node> inSyncReplicas,
    List<Node> offlineReplicas)
{
}
