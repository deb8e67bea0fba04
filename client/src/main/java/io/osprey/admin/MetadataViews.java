package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.client.Node;
import io.osprey.protocol.message.MetadataResponse;

/** Reads admin results out of a Metadata response. Stateless. */
final class MetadataViews
{
    private MetadataViews()
    {
    }

    /** The brokers by id, in response order. */
    static Map<Integer, Node> nodes(final MetadataResponse response)
    {
        final Map<Integer, Node> nodes = new LinkedHashMap<>();
        for (final MetadataResponse.Broker b : response.brokers())
        {
            nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port(), b.rack()));
        }
        return Collections.unmodifiableMap(nodes);
    }

    /** The topic's partitions by index, each replica resolved to its broker (or a placeholder, as Kafka does). */
    static TopicDescription describe(final MetadataResponse.Topic topic, final Map<Integer, Node> nodes)
    {
        final List<TopicPartitionInfo> partitions = new ArrayList<>(topic.partitions().size());
        for (final MetadataResponse.Partition p : topic.partitions())
        {
            final Node leader = p.leaderId() < 0 ? null : node(p.leaderId(), nodes);
            partitions.add(new TopicPartitionInfo(p.partitionIndex(), leader, nodes(p.replicaNodes(), nodes), nodes(p.isrNodes(), nodes)));
        }
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return new TopicDescription(topic.name(), topic.topicId(), topic.isInternal(), partitions);
    }

    private static List<Node> nodes(final List<Integer> ids, final Map<Integer, Node> nodes)
    {
        final List<Node> out = new ArrayList<>(ids.size());
        for (final int id : ids)
        {
            out.add(node(id, nodes));
        }
        return out;
    }

    /** A broker the response did not list (offline) still has an id worth showing: empty host, port -1. */
    private static Node node(final int id, final Map<Integer, Node> nodes)
    {
        final Node node = nodes.get(id);
        return node != null ? node : new Node(id, "", -1, null);
    }
}
