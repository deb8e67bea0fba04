package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Metadata response (key 3), v0-12, flexible from v9:
 * {@code throttleTimeMs int32 (v3+), brokers [nodeId int32, host string, port int32,
 * rack nullable string (v1+), tags], clusterId nullable string (v2+), controllerId int32 (v1+),
 * topics [errorCode int16, name string (nullable v12+), topicId uuid (v10+), isInternal bool (v1+),
 * partitions [errorCode int16, partitionIndex int32, leaderId int32, leaderEpoch int32 (v7+),
 * replicaNodes [int32], isrNodes [int32], offlineReplicas [int32] (v5+), tags],
 * topicAuthorizedOperations int32 (v8+), tags], clusterAuthorizedOperations int32 (v8-10), tags}.
 * <p>
 * Fields absent from a version read as Kafka's defaults: throttle 0, rack and cluster id null,
 * controller -1, topic id zero, leader epoch -1, no offline replicas, authorized operations
 * {@link #AUTHORIZED_OPERATIONS_OMITTED}.
 */
public record MetadataResponse(int throttleTimeMs, List<Broker> brokers, String clusterId, int controllerId, List<Topic> topics,
    int clusterAuthorizedOperations) implements Message
{
    /** Authorized-operations value meaning "not requested". */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    /** One broker of the cluster; rack null when none is assigned. */
    public record Broker(int nodeId, String host, int port, String rack)
    {
    }

    /** One topic's metadata; name null only for an unknown topic asked for by id (v12+). */
    public record Topic(short errorCode, String name, UUID topicId, boolean isInternal, List<Partition> partitions,
        int topicAuthorizedOperations)
    {
    }

    /** One partition's leader and replicas. */
    public record Partition(short errorCode, int partitionIndex, int leaderId, int leaderEpoch, List<Integer> replicaNodes,
        List<Integer> isrNodes, List<Integer> offlineReplicas)
    {
    }

    public static MetadataResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 3 ? r.readInt() : 0;
        final int nBrokers = WireSupport.nonNullArrayLength(r, "brokers");
        final List<Broker> brokers = new ArrayList<>(nBrokers);
        for (int i = 0; i < nBrokers; i++)
        {
            final int nodeId = r.readInt();
            final String host = r.readString();
            final int port = r.readInt();
            final String rack = version >= 1 ? r.readNullableString() : null;
            r.skipTaggedFields();
            brokers.add(new Broker(nodeId, host, port, rack));
        }
        final String clusterId = version >= 2 ? r.readNullableString() : null;
        final int controllerId = version >= 1 ? r.readInt() : -1;
        final int nTopics = WireSupport.nonNullArrayLength(r, "topics");
        final List<Topic> topics = new ArrayList<>(nTopics);
        for (int i = 0; i < nTopics; i++)
        {
            topics.add(readTopic(r, version));
        }
        final int clusterOps = version >= 8 && version <= 10 ? r.readInt() : AUTHORIZED_OPERATIONS_OMITTED;
        r.skipTaggedFields();
        return new MetadataResponse(throttle, brokers, clusterId, controllerId, topics, clusterOps);
    }

    private static Topic readTopic(final ProtocolReader r, final short version)
    {
        final short errorCode = r.readShort();
        final String name = version >= 12 ? r.readNullableString() : r.readString();
        final UUID topicId = version >= 10 ? r.readUuid() : MetadataRequest.ZERO_UUID;
        final boolean internal = version >= 1 ? r.readBoolean() : false;
        final int n = WireSupport.nonNullArrayLength(r, "partitions");
        final List<Partition> partitions = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final short partitionError = r.readShort();
            final int index = r.readInt();
            final int leaderId = r.readInt();
            final int leaderEpoch = version >= 7 ? r.readInt() : -1;
            final List<Integer> replicas = WireSupport.readInt32List(r, "replicaNodes");
            final List<Integer> isr = WireSupport.readInt32List(r, "isrNodes");
            final List<Integer> offline = version >= 5 ? WireSupport.readInt32List(r, "offlineReplicas") : List.of();
            r.skipTaggedFields();
            partitions.add(new Partition(partitionError, index, leaderId, leaderEpoch, replicas, isr, offline));
        }
        final int topicOps = version >= 8 ? r.readInt() : AUTHORIZED_OPERATIONS_OMITTED;
        r.skipTaggedFields();
        return new Topic(errorCode, name, topicId, internal, partitions, topicOps);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 3)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeArrayLength(brokers.size());
        for (final Broker b : brokers)
        {
            w.writeInt(b.nodeId());
            w.writeString(b.host());
            w.writeInt(b.port());
            if (version >= 1)
            {
                w.writeNullableString(b.rack());
            }
            w.writeEmptyTaggedFields();
        }
        if (version >= 2)
        {
            w.writeNullableString(clusterId);
        }
        if (version >= 1)
        {
            w.writeInt(controllerId);
        }
        w.writeArrayLength(topics.size());
        for (final Topic t : topics)
        {
            writeTopic(w, version, t);
        }
        if (version >= 8 && version <= 10)
        {
            w.writeInt(clusterAuthorizedOperations);
        }
        w.writeEmptyTaggedFields();
    }

    private static void writeTopic(final ProtocolWriter w, final short version, final Topic t)
    {
        w.writeShort(t.errorCode());
        if (version >= 12)
        {
            w.writeNullableString(t.name());
        }
        else
        {
            w.writeString(t.name());
        }
        if (version >= 10)
        {
            w.writeUuid(t.topicId() == null ? MetadataRequest.ZERO_UUID : t.topicId());
        }
        if (version >= 1)
        {
            w.writeBoolean(t.isInternal());
        }
        w.writeArrayLength(t.partitions().size());
        for (final Partition p : t.partitions())
        {
            w.writeShort(p.errorCode());
            w.writeInt(p.partitionIndex());
            w.writeInt(p.leaderId());
            if (version >= 7)
            {
                w.writeInt(p.leaderEpoch());
            }
            WireSupport.writeInt32List(w, p.replicaNodes());
            WireSupport.writeInt32List(w, p.isrNodes());
            if (version >= 5)
            {
                WireSupport.writeInt32List(w, p.offlineReplicas());
            }
            w.writeEmptyTaggedFields();
        }
        if (version >= 8)
        {
            w.writeInt(t.topicAuthorizedOperations());
        }
        w.writeEmptyTaggedFields();
    }
}
