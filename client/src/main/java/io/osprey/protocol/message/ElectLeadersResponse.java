package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ElectLeaders response (key 43), v0-2, flexible from v2:
 * {@code throttleTimeMs int32, errorCode int16 (v1+), replicaElectionResults [topic string,
 * partitionResult [partitionId int32, errorCode int16, errorMessage nullable string]]}.
 * The top-level error (v1+) fails the whole request; v0 has none and reads as 0.
 */
public record ElectLeadersResponse(int throttleTimeMs, short errorCode, List<ReplicaElectionResult> replicaElectionResults)
    implements Message
{
    /** The results for the partitions of one topic. */
    public record ReplicaElectionResult(String topic, List<PartitionResult> partitionResult)
    {
        public static ReplicaElectionResult read(final ProtocolReader r, final short version)
        {
            final String topic = r.readString();
            final List<PartitionResult> partitionResult = ArrayFields.read(r, e -> PartitionResult.read(e, version));
            r.skipTaggedFields();
            return new ReplicaElectionResult(topic, partitionResult);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(topic);
            ArrayFields.write(w, partitionResult, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** The outcome for one partition: 0, or why no election took place. */
    public record PartitionResult(int partitionId, short errorCode, String errorMessage)
    {
        public static PartitionResult read(final ProtocolReader r, final short version)
        {
            final int partitionId = r.readInt();
            final short errorCode = r.readShort();
            final String errorMessage = r.readNullableString();
            r.skipTaggedFields();
            return new PartitionResult(partitionId, errorCode, errorMessage);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionId);
            w.writeShort(errorCode);
            w.writeNullableString(errorMessage);
            w.writeEmptyTaggedFields();
        }
    }

    public static ElectLeadersResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final short errorCode = version >= 1 ? r.readShort() : 0;
        final List<ReplicaElectionResult> results = ArrayFields.read(r, e -> ReplicaElectionResult.read(e, version));
        r.skipTaggedFields();
        return new ElectLeadersResponse(throttleTimeMs, errorCode, results);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        if (version >= 1)
        {
            w.writeShort(errorCode);
        }
        ArrayFields.write(w, replicaElectionResults, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
