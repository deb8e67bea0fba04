package io.osprey.protocol.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * SyncGroup request (key 14), v0-5, flexible from v4:
 * {@code groupId string, generationId int32, memberId string, groupInstanceId nullable string (v3+),
 * protocolType nullable string (v5+), protocolName nullable string (v5+),
 * assignments [memberId string, assignment bytes]}.
 * <p>
 * Absent fields read as Kafka's defaults (null).
 */
public record SyncGroupRequest(String groupId, int generationId, String memberId, String groupInstanceId,
    String protocolType, String protocolName, List<Assignment> assignments) implements Message
{
    /** The leader's assignment for one member. */
    public record Assignment(String memberId, byte[] assignment)
    {
        public static Assignment read(final ProtocolReader r, final short version)
        {
            final String memberId = r.readString();
            final byte[] assignment = r.readBytes();
            r.skipTaggedFields();
            return new Assignment(memberId, assignment);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(memberId);
            w.writeBytes(assignment);
            w.writeEmptyTaggedFields();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Assignment a && Objects.equals(memberId, a.memberId) && Arrays.equals(assignment, a.assignment);
        }

        @Override
        public int hashCode()
        {
            return 31 * Objects.hashCode(memberId) + Arrays.hashCode(assignment);
        }

        @Override
        public String toString()
        {
            return "Assignment[memberId=" + memberId + ", assignment=" + Arrays.toString(assignment) + "]";
        }
    }

    public static SyncGroupRequest read(final ProtocolReader r, final short version)
    {
        final String groupId = r.readString();
        final int generationId = r.readInt();
        final String memberId = r.readString();
        final String groupInstanceId = version >= 3 ? r.readNullableString() : null;
        final String protocolType = version >= 5 ? r.readNullableString() : null;
        final String protocolName = version >= 5 ? r.readNullableString() : null;
        final List<Assignment> assignments = ArrayFields.read(r, e -> Assignment.read(e, version));
        r.skipTaggedFields();
        return new SyncGroupRequest(groupId, generationId, memberId, groupInstanceId, protocolType, protocolName, assignments);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeString(groupId);
        w.writeInt(generationId);
        w.writeString(memberId);
        if (version >= 3)
        {
            w.writeNullableString(groupInstanceId);
        }
        if (version >= 5)
        {
            w.writeNullableString(protocolType);
            w.writeNullableString(protocolName);
        }
        ArrayFields.write(w, assignments, (o, a) -> a.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
