package io.osprey.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.client.MetadataSnapshot;
import io.osprey.client.Node;
import io.osprey.client.PartitionMetadata;
import io.osprey.client.TopicMetadata;

/** Converts cluster metadata into the {@link PartitionInfo}s the consumer API returns. Stateless. */
final class PartitionInfos
{
    private PartitionInfos()
    {
    }

    /** The partitions of {@code topic} in {@code snapshot}, or null when the snapshot does not hold it. */
    static List<PartitionInfo> of(final MetadataSnapshot snapshot, final String topic)
    {
        final TopicMetadata t = snapshot.topic(topic);
        if (t == null)
        {
            return null;
        }
        final List<PartitionInfo> out = new ArrayList<>(t.partitions().size());
        for (final PartitionMetadata p : t.partitions())
        {
            out.add(new PartitionInfo(topic, p.partition().partition(), p.hasLeader() ? node(snapshot, p.leaderId()) : null,
                nodes(snapshot, p.replicas()), nodes(snapshot, p.isr()), nodes(snapshot, p.offlineReplicas())));
        }
        return List.copyOf(out);
    }

    /** Every topic of {@code snapshot} without a topic-level error. */
    static Map<String, List<PartitionInfo>> all(final MetadataSnapshot snapshot)
    {
        final Map<String, List<PartitionInfo>> out = new LinkedHashMap<>();
        for (final String topic : snapshot.topics().keySet())
        {
            out.put(topic, of(snapshot, topic));
        }
        return out;
    }

    private static List<Node> nodes(final MetadataSnapshot snapshot, final List<Integer> ids)
    {
        final List<Node> out = new ArrayList<>(ids.size());
        for (final int id : ids)
        {
            out.add(node(snapshot, id));
        }
        return out;
    }

    /** A broker the metadata does not list (offline) still gets a node, with no address, as in Kafka. */
    private static Node node(final MetadataSnapshot snapshot, final int id)
    {
        final Node node = snapshot.node(id);
        return node != null ? node : new Node(id, "", -1, null);
    }
}
