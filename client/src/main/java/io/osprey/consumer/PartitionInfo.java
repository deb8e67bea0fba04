package io.osprey.consumer;

import java.util.List;

import io.osprey.client.Node;

/**
 * One partition as the cluster metadata describes it, as {@link Consumer#partitionsFor} and
 * {@link Consumer#listTopics} return it. Immutable.
 *
 * @param leader the leader, or null while the partition has none
 * @param replicas every replica; a replica the metadata names but whose broker it does not list
 *                 appears as a node with host "" and port -1, as in Kafka
 */
public record PartitionInfo(String topic, int partition, Node leader, List<Node> replicas, List<Node> inSyncReplicas,
    List<Node> offlineReplicas)
{
    public PartitionInfo
    {
        replicas = List.copyOf(replicas);
        inSyncReplicas = List.copyOf(inSyncReplicas);
        offlineReplicas = List.copyOf(offlineReplicas);
    }
}
