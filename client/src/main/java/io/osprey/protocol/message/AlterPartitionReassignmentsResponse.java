package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * AlterPartitionReassignments response (key 45), v0-1, flexible in every version:
 * {@code throttleTimeMs int32, allowReplicationFactorChange bool (v1+), errorCode int16,
 * errorMessage nullable string, responses [name string, partitions [partitionIndex int32,
 * errorCode int16, errorMessage nullable string]]}.
 */
public record AlterPartitionReassignmentsResponse(int throttleTimeMs, boolean allowReplicationFactorChange, short errorCode,
    String errorMessage, List<ReassignableTopicResponse> responses) implements Message
{
    /** The outcomes for the partitions of one topic. */
    public record ReassignableTopicResponse(String name, List<ReassignablePartitionResponse> partitions)
    {
        public static ReassignableTopicResponse read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<ReassignablePartitionResponse> partitions = ArrayFields.read(r, e -> ReassignablePartitionResponse.read(e, version));
            r.skipTaggedFields();
            return new ReassignableTopicResponse(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** One partition's outcome: 0 once the move is started (or cancelled), else why not. */
    public record ReassignablePartitionResponse(int partitionIndex, short errorCode, String errorMessage)
    {
        public static ReassignablePartitionResponse read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final short errorCode = r.readShort();
            final String errorMessage = r.readNullableString();
            r.skipTaggedFields();
            return new ReassignablePartitionResponse(partitionIndex, errorCode, errorMessage);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            w.writeShort(errorCode);
            w.writeNullableString(errorMessage);
            w.writeEmptyTaggedFields();
        }
    }

    public static AlterPartitionReassignmentsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final boolean allowReplicationFactorChange = version < 1 || r.readBoolean();
        final short errorCode = r.readShort();
        final String errorMessage = r.readNullableString();
        final List<ReassignableTopicResponse> responses = ArrayFields.read(r, e -> ReassignableTopicResponse.read(e, version));
        r.skipTaggedFields();
        return new AlterPartitionReassignmentsResponse(throttleTimeMs, allowReplicationFactorChange, errorCode, errorMessage, responses);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        if (version >= 1)
        {
            w.writeBoolean(allowReplicationFactorChange);
        }
        w.writeShort(errorCode);
        w.writeNullableString(errorMessage);
        ArrayFields.write(w, responses, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
