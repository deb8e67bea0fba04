package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * OffsetCommit request (key 8), v2-9, flexible from v8:
 * {@code groupId string, generationIdOrMemberEpoch int32, memberId string,
 * groupInstanceId nullable string (v7+), retentionTimeMs int64 (v2-4),
 * topics [name string, partitions [partitionIndex int32, committedOffset int64,
 * committedLeaderEpoch int32 (v6+), committedMetadata nullable string]]}.
 * (v10, which addresses topics by id, is not implemented.)
 * <p>
 * Absent fields read as Kafka's defaults: null instance id, retention -1, leader epoch -1.
 */
public record OffsetCommitRequest(String groupId, int generationIdOrMemberEpoch, String memberId, String groupInstanceId,
    long retentionTimeMs, List<Topic> topics) implements Message
{
    /** The offsets to commit for one topic. */
    public record Topic(String name, List<Partition> partitions)
    {
        public static Topic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<Partition> partitions = ArrayFields.read(r, e -> Partition.read(e, version));
            r.skipTaggedFields();
            return new Topic(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** The offset to commit for one partition. */
    public record Partition(int partitionIndex, long committedOffset, int committedLeaderEpoch, String committedMetadata)
    {
        public static Partition read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final long committedOffset = r.readLong();
            final int committedLeaderEpoch = version >= 6 ? r.readInt() : -1;
            final String committedMetadata = r.readNullableString();
            r.skipTaggedFields();
            return new Partition(partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            w.writeLong(committedOffset);
            if (version >= 6)
            {
                w.writeInt(committedLeaderEpoch);
            }
            w.writeNullableString(committedMetadata);
            w.writeEmptyTaggedFields();
        }
    }

    public static OffsetCommitRequest read(final ProtocolReader r, final short version)
    {
        final String groupId = r.readString();
        final int generationIdOrMemberEpoch = r.readInt();
        final String memberId = r.readString();
        final String groupInstanceId = version >= 7 ? r.readNullableString() : null;
        final long retentionTimeMs = version <= 4 ? r.readLong() : -1L;
        final List<Topic> topics = ArrayFields.read(r, e -> Topic.read(e, version));
        r.skipTaggedFields();
        return new OffsetCommitRequest(groupId, generationIdOrMemberEpoch, memberId, groupInstanceId, retentionTimeMs, topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeString(groupId);
        w.writeInt(generationIdOrMemberEpoch);
        w.writeString(memberId);
        if (version >= 7)
        {
            w.writeNullableString(groupInstanceId);
        }
        if (version <= 4)
        {
            w.writeLong(retentionTimeMs);
        }
        ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
