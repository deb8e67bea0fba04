package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.Records;

/**
 * Fetch response (key 1), v4-12, flexible from v12:
 * {@code throttleTimeMs int32 (v1+), errorCode int16 (v7+), sessionId int32 (v7+),
 * responses [topic string, partitions [partitionIndex int32, errorCode int16, highWatermark int64,
 * lastStableOffset int64 (v4+), logStartOffset int64 (v5+),
 * abortedTransactions [producerId int64, firstOffset int64, tags] (v4+, nullable),
 * preferredReadReplica int32 (v11+), records nullable records,
 * tags (v12+: 0 = divergingEpoch {epoch int32, endOffset int64, tags},
 * 1 = currentLeader {leaderId int32, leaderEpoch int32, tags},
 * 2 = snapshotId {endOffset int64, epoch int32, tags})], tags], tags}.
 * <p>
 * The tagged structs are written when non-null and read as null when absent. Records decoded
 * from a response are a {@link io.osprey.protocol.MemoryRecords} slice of its buffer; a broker
 * may put any {@link Records} there, which the writer keeps as an external part (no copy).
 * Other absent fields read as Kafka's defaults: -1 for offsets and the preferred read replica,
 * null aborted transactions.
 */
public record FetchResponse(int throttleTimeMs, short errorCode, int sessionId, List<TopicResponse> responses) implements Message
{
    /** The fetched partitions of one topic. */
    public record TopicResponse(String topic, List<PartitionData> partitions)
    {
    }

    /** One fetched partition. */
    public record PartitionData(int partitionIndex, short errorCode, long highWatermark, long lastStableOffset,
        long logStartOffset, EpochEndOffset divergingEpoch, LeaderIdAndEpoch currentLeader, SnapshotId snapshotId,
        List<AbortedTransaction> abortedTransactions, int preferredReadReplica, Records records)
    {
    }

    /** The largest epoch (and its end offset) below which the follower's log agrees with the leader's. */
    public record EpochEndOffset(int epoch, long endOffset)
    {
    }

    /** The partition's current leader, when the fetch went to a broker that is not it. */
    public record LeaderIdAndEpoch(int leaderId, int leaderEpoch)
    {
    }

    /** The snapshot a fetcher must load because the offset it asked for is gone (KRaft). */
    public record SnapshotId(long endOffset, int epoch)
    {
    }

    /** An aborted transaction overlapping the fetched range. */
    public record AbortedTransaction(long producerId, long firstOffset)
    {
    }

    private static final int TAG_DIVERGING_EPOCH = 0;
    private static final int TAG_CURRENT_LEADER = 1;
    private static final int TAG_SNAPSHOT_ID = 2;
    private static final int EPOCH_END_OFFSET_SIZE = 4 + 8 + 1;
    private static final int LEADER_ID_AND_EPOCH_SIZE = 4 + 4 + 1;
    private static final int SNAPSHOT_ID_SIZE = 8 + 4 + 1;

    public static FetchResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        final short errorCode = version >= 7 ? r.readShort() : 0;
        final int sessionId = version >= 7 ? r.readInt() : 0;
        final int nTopics = WireSupport.nonNullArrayLength(r, "responses");
        final List<TopicResponse> topics = new ArrayList<>(nTopics);
        for (int i = 0; i < nTopics; i++)
        {
            final String topic = r.readString();
            final int nPartitions = WireSupport.nonNullArrayLength(r, "partitions");
            final List<PartitionData> partitions = new ArrayList<>(nPartitions);
            for (int j = 0; j < nPartitions; j++)
            {
                partitions.add(readPartition(r, version));
            }
            r.skipTaggedFields();
            topics.add(new TopicResponse(topic, partitions));
        }
        r.skipTaggedFields();
        return new FetchResponse(throttle, errorCode, sessionId, topics);
    }

    private static PartitionData readPartition(final ProtocolReader r, final short version)
    {
        final int index = r.readInt();
        final short errorCode = r.readShort();
        final long highWatermark = r.readLong();
        final long lastStableOffset = version >= 4 ? r.readLong() : -1L;
        final long logStartOffset = version >= 5 ? r.readLong() : -1L;
        List<AbortedTransaction> aborted = null;
        if (version >= 4)
        {
            final int n = r.readArrayLength();
            if (n >= 0)
            {
                aborted = new ArrayList<>(n);
                for (int k = 0; k < n; k++)
                {
                    final long producerId = r.readLong();
                    final long firstOffset = r.readLong();
                    r.skipTaggedFields();
                    aborted.add(new AbortedTransaction(producerId, firstOffset));
                }
            }
        }
        final int preferredReadReplica = version >= 11 ? r.readInt() : -1;
        final Records records = r.readRecords();
        EpochEndOffset diverging = null;
        LeaderIdAndEpoch currentLeader = null;
        SnapshotId snapshotId = null;
        if (r.flexible())
        {
            final int count = r.readUnsignedVarint();
            for (int i = 0; i < count; i++)
            {
                final int tag = r.readUnsignedVarint();
                final int end = WireSupport.tagEnd(r);
                switch (tag)
                {
                    case TAG_DIVERGING_EPOCH ->
                    {
                        diverging = new EpochEndOffset(r.readInt(), r.readLong());
                        r.skipTaggedFields();
                    }
                    case TAG_CURRENT_LEADER ->
                    {
                        currentLeader = new LeaderIdAndEpoch(r.readInt(), r.readInt());
                        r.skipTaggedFields();
                    }
                    case TAG_SNAPSHOT_ID ->
                    {
                        snapshotId = new SnapshotId(r.readLong(), r.readInt());
                        r.skipTaggedFields();
                    }
                    default ->
                    {
                        // Unknown tags are skipped, as the protocol requires.
                    }
                }
                WireSupport.skipToTagEnd(r, end, tag);
            }
        }
        return new PartitionData(index, errorCode, highWatermark, lastStableOffset, logStartOffset, diverging, currentLeader,
            snapshotId, aborted, preferredReadReplica, records);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        if (version >= 7)
        {
            w.writeShort(errorCode);
            w.writeInt(sessionId);
        }
        w.writeArrayLength(responses.size());
        for (final TopicResponse t : responses)
        {
            w.writeString(t.topic());
            w.writeArrayLength(t.partitions().size());
            for (final PartitionData p : t.partitions())
            {
                writePartition(w, version, p);
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    private static void writePartition(final ProtocolWriter w, final short version, final PartitionData p)
    {
        w.writeInt(p.partitionIndex());
        w.writeShort(p.errorCode());
        w.writeLong(p.highWatermark());
        if (version >= 4)
        {
            w.writeLong(p.lastStableOffset());
        }
        if (version >= 5)
        {
            w.writeLong(p.logStartOffset());
        }
        if (version >= 4)
        {
            final List<AbortedTransaction> aborted = p.abortedTransactions();
            if (aborted == null)
            {
                w.writeArrayLength(-1);
            }
            else
            {
                w.writeArrayLength(aborted.size());
                for (final AbortedTransaction a : aborted)
                {
                    w.writeLong(a.producerId());
                    w.writeLong(a.firstOffset());
                    w.writeEmptyTaggedFields();
                }
            }
        }
        if (version >= 11)
        {
            w.writeInt(p.preferredReadReplica());
        }
        w.writeRecords(p.records());
        if (version >= 12)
        {
            final int count = (p.divergingEpoch() != null ? 1 : 0) + (p.currentLeader() != null ? 1 : 0)
                + (p.snapshotId() != null ? 1 : 0);
            w.writeUnsignedVarint(count);
            if (p.divergingEpoch() != null)
            {
                WireSupport.writeTagHeader(w, TAG_DIVERGING_EPOCH, EPOCH_END_OFFSET_SIZE);
                w.writeInt(p.divergingEpoch().epoch());
                w.writeLong(p.divergingEpoch().endOffset());
                w.writeUnsignedVarint(0);
            }
            if (p.currentLeader() != null)
            {
                WireSupport.writeTagHeader(w, TAG_CURRENT_LEADER, LEADER_ID_AND_EPOCH_SIZE);
                w.writeInt(p.currentLeader().leaderId());
                w.writeInt(p.currentLeader().leaderEpoch());
                w.writeUnsignedVarint(0);
            }
            if (p.snapshotId() != null)
            {
                WireSupport.writeTagHeader(w, TAG_SNAPSHOT_ID, SNAPSHOT_ID_SIZE);
                w.writeLong(p.snapshotId().endOffset());
                w.writeInt(p.snapshotId().epoch());
                w.writeUnsignedVarint(0);
            }
        }
        else
        {
            w.writeEmptyTaggedFields();
        }
    }
}
