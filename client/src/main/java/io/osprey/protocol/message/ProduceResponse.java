package io.osprey.protocol.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Produce response (key 0), v0-12, flexible from v9:
 * {@code responses [name string, partitionResponses [index int32, errorCode int16, baseOffset int64,
 * logAppendTimeMs int64 (v2+), logStartOffset int64 (v5+), recordErrors [batchIndex int32,
 * batchIndexErrorMessage nullable string, tags] (v8+), errorMessage nullable string (v8+),
 * tags (v10+: 0 = currentLeader {leaderId int32, leaderEpoch int32, tags})], tags],
 * throttleTimeMs int32 (v1+), tags (v10+: 0 = nodeEndpoints [nodeId int32, host string, port int32,
 * rack nullable string, tags])}.
 * <p>
 * Absent fields read as Kafka's defaults: -1 for the times and offsets, no record errors, null
 * message; an absent {@code currentLeader} reads as null and absent {@code nodeEndpoints} as an
 * empty list. The tagged fields are written when {@code currentLeader} is non-null and
 * {@code nodeEndpoints} non-empty.
 */
public record ProduceResponse(List<TopicResponse> responses, int throttleTimeMs, List<NodeEndpoint> nodeEndpoints) implements Message
{
    /** The results for the partitions of one topic. */
    public record TopicResponse(String name, List<PartitionResponse> partitionResponses)
    {
    }

    /** The result for one partition. */
    public record PartitionResponse(int index, short errorCode, long baseOffset, long logAppendTimeMs, long logStartOffset,
        List<RecordError> recordErrors, String errorMessage, LeaderIdAndEpoch currentLeader)
    {
    }

    /** A record of the batch that made the whole batch fail. */
    public record RecordError(int batchIndex, String batchIndexErrorMessage)
    {
    }

    /** The partition's current leader, sent with NOT_LEADER_OR_FOLLOWER (v10+). */
    public record LeaderIdAndEpoch(int leaderId, int leaderEpoch)
    {
    }

    /** A broker's endpoint, for the leaders named in {@code currentLeader} (v10+). */
    public record NodeEndpoint(int nodeId, String host, int port, String rack)
    {
    }

    private static final int TAG_CURRENT_LEADER = 0;
    private static final int TAG_NODE_ENDPOINTS = 0;
    private static final int LEADER_ID_AND_EPOCH_SIZE = 4 + 4 + 1;

    public static ProduceResponse read(final ProtocolReader r, final short version)
    {
        final int nTopics = WireSupport.nonNullArrayLength(r, "responses");
        final List<TopicResponse> topics = new ArrayList<>(nTopics);
        for (int i = 0; i < nTopics; i++)
        {
            final String name = r.readString();
            final int nPartitions = WireSupport.nonNullArrayLength(r, "partitionResponses");
            final List<PartitionResponse> partitions = new ArrayList<>(nPartitions);
            for (int j = 0; j < nPartitions; j++)
            {
                partitions.add(readPartition(r, version));
            }
            r.skipTaggedFields();
            topics.add(new TopicResponse(name, partitions));
        }
        final int throttle = version >= 1 ? r.readInt() : 0;
        List<NodeEndpoint> endpoints = List.of();
        if (r.flexible())
        {
            final int count = r.readUnsignedVarint();
            for (int i = 0; i < count; i++)
            {
                final int tag = r.readUnsignedVarint();
                final int end = WireSupport.tagEnd(r);
                if (tag == TAG_NODE_ENDPOINTS && version >= 10)
                {
                    endpoints = readNodeEndpoints(r);
                }
                WireSupport.skipToTagEnd(r, end, tag);
            }
        }
        return new ProduceResponse(topics, throttle, endpoints);
    }

    private static PartitionResponse readPartition(final ProtocolReader r, final short version)
    {
        final int index = r.readInt();
        final short errorCode = r.readShort();
        final long baseOffset = r.readLong();
        final long logAppendTime = version >= 2 ? r.readLong() : -1L;
        final long logStartOffset = version >= 5 ? r.readLong() : -1L;
        List<RecordError> recordErrors = List.of();
        String errorMessage = null;
        if (version >= 8)
        {
            final int n = WireSupport.nonNullArrayLength(r, "recordErrors");
            recordErrors = new ArrayList<>(n);
            for (int k = 0; k < n; k++)
            {
                final int batchIndex = r.readInt();
                final String message = r.readNullableString();
                r.skipTaggedFields();
                recordErrors.add(new RecordError(batchIndex, message));
            }
            errorMessage = r.readNullableString();
        }
        LeaderIdAndEpoch currentLeader = null;
        if (r.flexible())
        {
            final int count = r.readUnsignedVarint();
            for (int i = 0; i < count; i++)
            {
                final int tag = r.readUnsignedVarint();
                final int end = WireSupport.tagEnd(r);
                if (tag == TAG_CURRENT_LEADER && version >= 10)
                {
                    currentLeader = new LeaderIdAndEpoch(r.readInt(), r.readInt());
                    r.skipTaggedFields();
                }
                WireSupport.skipToTagEnd(r, end, tag);
            }
        }
        return new PartitionResponse(index, errorCode, baseOffset, logAppendTime, logStartOffset, recordErrors, errorMessage,
            currentLeader);
    }

    private static List<NodeEndpoint> readNodeEndpoints(final ProtocolReader r)
    {
        final int n = WireSupport.nonNullArrayLength(r, "nodeEndpoints");
        final List<NodeEndpoint> endpoints = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final int nodeId = r.readInt();
            final String host = r.readString();
            final int port = r.readInt();
            final String rack = r.readNullableString();
            r.skipTaggedFields();
            endpoints.add(new NodeEndpoint(nodeId, host, port, rack));
        }
        return endpoints;
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeArrayLength(responses.size());
        for (final TopicResponse t : responses)
        {
            w.writeString(t.name());
            w.writeArrayLength(t.partitionResponses().size());
            for (final PartitionResponse p : t.partitionResponses())
            {
                writePartition(w, version, p);
            }
            w.writeEmptyTaggedFields();
        }
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        if (version >= 10 && nodeEndpoints != null && !nodeEndpoints.isEmpty())
        {
            // Staged to learn its size; only sent alongside leader changes, so rarely.
            final ProtocolWriter staged = new ProtocolWriter(64).flexible(true);
            staged.writeArrayLength(nodeEndpoints.size());
            for (final NodeEndpoint e : nodeEndpoints)
            {
                staged.writeInt(e.nodeId());
                staged.writeString(e.host());
                staged.writeInt(e.port());
                staged.writeNullableString(e.rack());
                staged.writeEmptyTaggedFields();
            }
            final ByteBuffer value = staged.toByteBuffer();
            w.writeUnsignedVarint(1);
            WireSupport.writeTagHeader(w, TAG_NODE_ENDPOINTS, value.remaining());
            w.writeRaw(value);
        }
        else
        {
            w.writeEmptyTaggedFields();
        }
    }

    private static void writePartition(final ProtocolWriter w, final short version, final PartitionResponse p)
    {
        w.writeInt(p.index());
        w.writeShort(p.errorCode());
        w.writeLong(p.baseOffset());
        if (version >= 2)
        {
            w.writeLong(p.logAppendTimeMs());
        }
        if (version >= 5)
        {
            w.writeLong(p.logStartOffset());
        }
        if (version >= 8)
        {
            final List<RecordError> errors = p.recordErrors() == null ? List.of() : p.recordErrors();
            w.writeArrayLength(errors.size());
            for (final RecordError e : errors)
            {
                w.writeInt(e.batchIndex());
                w.writeNullableString(e.batchIndexErrorMessage());
                w.writeEmptyTaggedFields();
            }
            w.writeNullableString(p.errorMessage());
        }
        if (version >= 10 && p.currentLeader() != null)
        {
            w.writeUnsignedVarint(1);
            WireSupport.writeTagHeader(w, TAG_CURRENT_LEADER, LEADER_ID_AND_EPOCH_SIZE);
            w.writeInt(p.currentLeader().leaderId());
            w.writeInt(p.currentLeader().leaderEpoch());
            w.writeUnsignedVarint(0);
        }
        else
        {
            w.writeEmptyTaggedFields();
        }
    }
}
