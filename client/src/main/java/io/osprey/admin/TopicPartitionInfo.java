package io.osprey.admin;

import java.util.List;

import io.osprey.client.Node;

/**
 * One partition of a {@link TopicDescription}. Immutable. A replica the broker did not list
 * among its brokers (one that is offline) appears as a node with that id, an empty host and
 * port -1, as in Kafka.
 *
 * @param leader the leader, or null when the partition has none
 */
public record TopicPartitionInfo(int partition, Node leader, List<Node> replicas, List<Node> isr)
{
    public TopicPartitionInfo
    {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
