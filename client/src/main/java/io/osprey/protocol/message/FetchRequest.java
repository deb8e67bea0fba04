package io.osprey.protocol.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Fetch request (key 1), v4-12, flexible from v12:
 * {@code replicaId int32, maxWaitMs int32, minBytes int32, maxBytes int32 (v3+),
 * isolationLevel int8 (v4+), sessionId int32 (v7+), sessionEpoch int32 (v7+),
 * topics [topic string, partitions [partition int32, currentLeaderEpoch int32 (v9+),
 * fetchOffset int64, lastFetchedEpoch int32 (v12+), logStartOffset int64 (v5+),
 * partitionMaxBytes int32, tags], tags], forgottenTopicsData [topic string, partitions [int32], tags] (v7+),
 * rackId string (v11+), tags (v12+: 0 = clusterId nullable string, 1000 = Osprey's replicaState
 * {replicaId int32, replicaEpoch int64, tags})}.
 * <p>
 * The replica state has the layout of Kafka's v15 field (KIP-903: the follower's broker epoch,
 * so the leader can tell the controller which incarnation of a follower it saw catch up).
 * Osprey serves Fetch up to v12 only, so its followers send it as tag {@value #TAG_OSPREY_REPLICA_STATE}, a
 * tag Kafka does not define (Kafka's own tag 1 is refused by its v12 parser) and skips as
 * unknown; it is written only when {@code replicaEpoch} is not negative.
 * <p>
 * Absent fields read as Kafka's defaults: cluster id null, maxBytes {@link Integer#MAX_VALUE},
 * isolation level 0, session id 0, session epoch -1, leader and fetched epochs -1, log start
 * offset -1, no forgotten topics, rack id "". The cluster id is written when non-null.
 */
public record FetchRequest(String clusterId, int replicaId, int maxWaitMs, int minBytes, int maxBytes, byte isolationLevel,
    int sessionId, int sessionEpoch, List<FetchTopic> topics, List<ForgottenTopic> forgottenTopicsData, String rackId,
    long replicaEpoch) implements Message
{
    /** No broker epoch: consumers, and followers that do not send one. */
    public static final long NO_REPLICA_EPOCH = -1L;

    /** A request without a replica broker epoch (consumers). */
    public FetchRequest(final String clusterId, final int replicaId, final int maxWaitMs, final int minBytes, final int maxBytes,
        final byte isolationLevel, final int sessionId, final int sessionEpoch, final List<FetchTopic> topics,
        final List<ForgottenTopic> forgottenTopicsData, final String rackId)
    {
        this(clusterId, replicaId, maxWaitMs, minBytes, maxBytes, isolationLevel, sessionId, sessionEpoch, topics,
            forgottenTopicsData, rackId, NO_REPLICA_EPOCH);
    }

    /** The partitions to fetch of one topic. */
    public record FetchTopic(String topic, List<FetchPartition> partitions)
    {
    }

    /** One partition to fetch from {@code fetchOffset}. */
    public record FetchPartition(int partition, int currentLeaderEpoch, long fetchOffset, int lastFetchedEpoch,
        long logStartOffset, int partitionMaxBytes)
    {
    }

    /** Partitions to remove from an incremental fetch session (v7+). */
    public record ForgottenTopic(String topic, List<Integer> partitions)
    {
    }

    private static final int TAG_CLUSTER_ID = 0;
    static final int TAG_OSPREY_REPLICA_STATE = 1000;

    public static FetchRequest read(final ProtocolReader r, final short version)
    {
        final int replicaId = r.readInt();
        final int maxWaitMs = r.readInt();
        final int minBytes = r.readInt();
        final int maxBytes = version >= 3 ? r.readInt() : Integer.MAX_VALUE;
        final byte isolationLevel = version >= 4 ? r.readByte() : 0;
        final int sessionId = version >= 7 ? r.readInt() : 0;
        final int sessionEpoch = version >= 7 ? r.readInt() : -1;
        final int nTopics = WireSupport.nonNullArrayLength(r, "topics");
        final List<FetchTopic> topics = new ArrayList<>(nTopics);
        for (int i = 0; i < nTopics; i++)
        {
            final String topic = r.readString();
            final int nPartitions = WireSupport.nonNullArrayLength(r, "partitions");
            final List<FetchPartition> partitions = new ArrayList<>(nPartitions);
            for (int j = 0; j < nPartitions; j++)
            {
                final int partition = r.readInt();
                final int currentLeaderEpoch = version >= 9 ? r.readInt() : -1;
                final long fetchOffset = r.readLong();
                final int lastFetchedEpoch = version >= 12 ? r.readInt() : -1;
                final long logStartOffset = version >= 5 ? r.readLong() : -1L;
                final int partitionMaxBytes = r.readInt();
                r.skipTaggedFields();
                partitions.add(new FetchPartition(partition, currentLeaderEpoch, fetchOffset, lastFetchedEpoch, logStartOffset,
                    partitionMaxBytes));
            }
            r.skipTaggedFields();
            topics.add(new FetchTopic(topic, partitions));
        }
        List<ForgottenTopic> forgotten = List.of();
        if (version >= 7)
        {
            final int n = WireSupport.nonNullArrayLength(r, "forgottenTopicsData");
            forgotten = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                final String topic = r.readString();
                final List<Integer> partitions = WireSupport.readInt32List(r, "forgottenTopicsData.partitions");
                r.skipTaggedFields();
                forgotten.add(new ForgottenTopic(topic, partitions));
            }
        }
        final String rackId = version >= 11 ? r.readString() : "";
        String clusterId = null;
        long replicaEpoch = NO_REPLICA_EPOCH;
        if (r.flexible())
        {
            final int count = r.readUnsignedVarint();
            for (int i = 0; i < count; i++)
            {
                final int tag = r.readUnsignedVarint();
                final int end = WireSupport.tagEnd(r);
                if (tag == TAG_CLUSTER_ID)
                {
                    clusterId = r.readNullableString();
                }
                else if (tag == TAG_OSPREY_REPLICA_STATE)
                {
                    r.readInt();
                    replicaEpoch = r.readLong();
                    r.skipTaggedFields();
                }
                WireSupport.skipToTagEnd(r, end, tag);
            }
        }
        return new FetchRequest(clusterId, replicaId, maxWaitMs, minBytes, maxBytes, isolationLevel, sessionId, sessionEpoch,
            topics, forgotten, rackId, replicaEpoch);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(replicaId);
        w.writeInt(maxWaitMs);
        w.writeInt(minBytes);
        if (version >= 3)
        {
            w.writeInt(maxBytes);
        }
        if (version >= 4)
        {
            w.writeByte(isolationLevel);
        }
        if (version >= 7)
        {
            w.writeInt(sessionId);
            w.writeInt(sessionEpoch);
        }
        w.writeArrayLength(topics.size());
        for (final FetchTopic t : topics)
        {
            w.writeString(t.topic());
            w.writeArrayLength(t.partitions().size());
            for (final FetchPartition p : t.partitions())
            {
                w.writeInt(p.partition());
                if (version >= 9)
                {
                    w.writeInt(p.currentLeaderEpoch());
                }
                w.writeLong(p.fetchOffset());
                if (version >= 12)
                {
                    w.writeInt(p.lastFetchedEpoch());
                }
                if (version >= 5)
                {
                    w.writeLong(p.logStartOffset());
                }
                w.writeInt(p.partitionMaxBytes());
                w.writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        if (version >= 7)
        {
            final List<ForgottenTopic> forgotten = forgottenTopicsData == null ? List.of() : forgottenTopicsData;
            w.writeArrayLength(forgotten.size());
            for (final ForgottenTopic f : forgotten)
            {
                w.writeString(f.topic());
                WireSupport.writeInt32List(w, f.partitions());
                w.writeEmptyTaggedFields();
            }
        }
        if (version >= 11)
        {
            w.writeString(rackId);
        }
        if (version >= 12)
        {
            final byte[] cluster = clusterId == null ? null : clusterId.getBytes(StandardCharsets.UTF_8);
            final boolean withReplicaState = replicaEpoch >= 0;
            w.writeUnsignedVarint((cluster != null ? 1 : 0) + (withReplicaState ? 1 : 0));
            if (cluster != null)
            {
                WireSupport.writeTagHeader(w, TAG_CLUSTER_ID, WireSupport.unsignedVarintSize(cluster.length + 1) + cluster.length);
                w.writeUnsignedVarint(cluster.length + 1);
                w.writeRaw(ByteBuffer.wrap(cluster));
            }
            if (withReplicaState)
            {
                // replicaId int32 + replicaEpoch int64 + empty tagged fields (1 byte)
                WireSupport.writeTagHeader(w, TAG_OSPREY_REPLICA_STATE, 4 + 8 + 1);
                w.writeInt(replicaId);
                w.writeLong(replicaEpoch);
                w.writeEmptyTaggedFields();
            }
        }
    }
}
