package io.osprey.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * What the cluster looked like at one metadata response: cluster id, controller, brokers,
 * topics with their partitions, and the topics that came back with an error. Immutable, so
 * {@link Metadata} can publish it to other threads through one volatile reference and a reader
 * never sees half an update.
 */
public final class MetadataSnapshot
{
    /** Before the first response: no brokers, no topics. */
    public static final MetadataSnapshot EMPTY = new MetadataSnapshot(null, -1, Map.of(), Map.of(), Map.of());

    private final String clusterId;
    private final int controllerId;
    private final Map<Integer, Node> nodes;
    private final Map<String, TopicMetadata> topics;
    private final Map<String, ErrorCode> topicErrors;

    private MetadataSnapshot(final String clusterId, final int controllerId, final Map<Integer, Node> nodes,
        final Map<String, TopicMetadata> topics, final Map<String, ErrorCode> topicErrors)
    {
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.nodes = nodes;
        this.topics = topics;
        this.topicErrors = topicErrors;
    }

    /**
     * The snapshot a response describes: its brokers and topics replace the previous ones (a
     * topic the response leaves out is forgotten, as in Kafka's clients). A partition whose leader epoch is older than the one
     * {@code previous} holds for the same topic keeps the previous entry: a broker that has not
     * yet heard of a leader change must not move the client back to the old leader (KIP-320).
     */
    public static MetadataSnapshot from(final MetadataResponse response, final MetadataSnapshot previous)
    {
        final Map<Integer, Node> nodes = new LinkedHashMap<>();
        for (final MetadataResponse.Broker b : response.brokers())
        {
            nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port(), b.rack()));
        }
        final Map<String, TopicMetadata> topics = new LinkedHashMap<>();
        final Map<String, ErrorCode> errors = new LinkedHashMap<>();
        for (final MetadataResponse.Topic t : response.topics())
        {
            if (t.name() == null)
            {
                continue;
            }
            final ErrorCode error = ErrorCode.forCode(t.errorCode());
            if (error != ErrorCode.NONE)
            {
                errors.put(t.name(), error);
                continue;
            }
            topics.put(t.name(), topic(t, previous.topic(t.name())));
        }
        return new MetadataSnapshot(response.clusterId(), response.controllerId(), Collections.unmodifiableMap(nodes),
            Collections.unmodifiableMap(topics), Collections.unmodifiableMap(errors));
    }

    private static TopicMetadata topic(final MetadataResponse.Topic t, final TopicMetadata previous)
    {
        final UUID id = t.topicId() == null ? MetadataRequest.ZERO_UUID : t.topicId();
        // A recreated topic (a new id) starts its epochs afresh: nothing of the old one is kept.
        final boolean sameTopic = previous != null && (id.equals(previous.topicId()) || MetadataRequest.ZERO_UUID.equals(id)
            || MetadataRequest.ZERO_UUID.equals(previous.topicId()));
        final List<PartitionMetadata> partitions = new ArrayList<>(t.partitions().size());
        for (final MetadataResponse.Partition p : t.partitions())
        {
            final PartitionMetadata fresh = new PartitionMetadata(new TopicPartition(t.name(), p.partitionIndex()),
                ErrorCode.forCode(p.errorCode()), p.leaderId(), p.leaderEpoch(), List.copyOf(p.replicaNodes()),
                List.copyOf(p.isrNodes()), List.copyOf(p.offlineReplicas()));
            final PartitionMetadata old = sameTopic ? partition(previous, p.partitionIndex()) : null;
            final boolean stale = old != null && old.leaderEpoch() >= 0 && fresh.leaderEpoch() >= 0 && fresh.leaderEpoch() < old.leaderEpoch();
            partitions.add(stale ? old : fresh);
        }
        partitions.sort(Comparator.comparingInt(p -> p.partition().partition()));
        return new TopicMetadata(t.name(), id, t.isInternal(), List.copyOf(partitions));
    }

    private static PartitionMetadata partition(final TopicMetadata topic, final int index)
    {
        final List<PartitionMetadata> partitions = topic.partitions();
        if (index >= 0 && index < partitions.size() && partitions.get(index).partition().partition() == index)
        {
            return partitions.get(index);
        }
        for (final PartitionMetadata p : partitions)
        {
            if (p.partition().partition() == index)
            {
                return p;
            }
        }
        return null;
    }

    /** The cluster id, or null before the first response or from a broker that sent none (v0-1). */
    public String clusterId()
    {
        return clusterId;
    }

    /** The controller's node id, -1 when unknown. */
    public int controllerId()
    {
        return controllerId;
    }

    /** Every broker, in the order the response listed them. */
    public Collection<Node> nodes()
    {
        return nodes.values();
    }

    /** The broker with {@code id}, or null. */
    public Node node(final int id)
    {
        return nodes.get(id);
    }

    /** Every topic without a topic-level error. */
    public Map<String, TopicMetadata> topics()
    {
        return topics;
    }

    /** The topic, or null when the response did not include it or gave it an error. */
    public TopicMetadata topic(final String name)
    {
        return topics.get(name);
    }

    /** The partition, or null when unknown. */
    public PartitionMetadata partition(final TopicPartition tp)
    {
        final TopicMetadata topic = topics.get(tp.topic());
        return topic == null ? null : partition(topic, tp.partition());
    }

    /** The partition's leader, or null when unknown, leaderless, or not among the brokers listed. */
    public Node leaderFor(final TopicPartition tp)
    {
        final PartitionMetadata p = partition(tp);
        return p == null || !p.hasLeader() ? null : nodes.get(p.leaderId());
    }

    /** The number of partitions of {@code topic}, or -1 when it is unknown or has an error. */
    public int partitionCount(final String topic)
    {
        final TopicMetadata t = topics.get(topic);
        return t == null ? -1 : t.partitions().size();
    }

    /** The topic's id, or null when unknown (all zero when the broker did not say). */
    public UUID topicId(final String topic)
    {
        final TopicMetadata t = topics.get(topic);
        return t == null ? null : t.topicId();
    }

    /** Topics that came back with a topic-level error: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, LEADER_NOT_AVAILABLE... */
    public Map<String, ErrorCode> topicErrors()
    {
        return topicErrors;
    }

    /** The topic-level error of {@code topic}, or null when it had none (or was not in the response). */
    public ErrorCode topicError(final String topic)
    {
        return topicErrors.get(topic);
    }
}
