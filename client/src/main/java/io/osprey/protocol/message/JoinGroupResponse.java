package io.osprey.protocol.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * JoinGroup response (key 11), v0-9, flexible from v6:
 * {@code throttleTimeMs int32 (v2+), errorCode int16, generationId int32,
 * protocolType nullable string (v7+), protocolName string (nullable v7+), leader string,
 * skipAssignment bool (v9+), memberId string,
 * members [memberId string, groupInstanceId nullable string (v5+), metadata bytes]}.
 * <p>
 * Absent fields read as Kafka's defaults: throttle 0, null protocol type and instance ids,
 * skipAssignment false.
 */
public record JoinGroupResponse(int throttleTimeMs, short errorCode, int generationId, String protocolType,
    String protocolName, String leader, boolean skipAssignment, String memberId, List<Member> members) implements Message
{
    /** One group member as the leader sees it. */
    public record Member(String memberId, String groupInstanceId, byte[] metadata)
    {
        public static Member read(final ProtocolReader r, final short version)
        {
            final String memberId = r.readString();
            final String groupInstanceId = version >= 5 ? r.readNullableString() : null;
            final byte[] metadata = r.readBytes();
            r.skipTaggedFields();
            return new Member(memberId, groupInstanceId, metadata);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(memberId);
            if (version >= 5)
            {
                w.writeNullableString(groupInstanceId);
            }
            w.writeBytes(metadata);
            w.writeEmptyTaggedFields();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Member m && Objects.equals(memberId, m.memberId) && Objects.equals(groupInstanceId, m.groupInstanceId)
                && Arrays.equals(metadata, m.metadata);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(memberId, groupInstanceId) * 31 + Arrays.hashCode(metadata);
        }

        @Override
        public String toString()
        {
            return "Member[memberId=" + memberId + ", groupInstanceId=" + groupInstanceId + ", metadata=" + Arrays.toString(metadata) + "]";
        }
    }

    public static JoinGroupResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 2 ? r.readInt() : 0;
        final short errorCode = r.readShort();
        final int generationId = r.readInt();
        final String protocolType = version >= 7 ? r.readNullableString() : null;
        final String protocolName = version >= 7 ? r.readNullableString() : r.readString();
        final String leader = r.readString();
        final boolean skipAssignment = version >= 9 && r.readBoolean();
        final String memberId = r.readString();
        final List<Member> members = ArrayFields.read(r, e -> Member.read(e, version));
        r.skipTaggedFields();
        return new JoinGroupResponse(throttle, errorCode, generationId, protocolType, protocolName, leader, skipAssignment,
            memberId, members);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 2)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeShort(errorCode);
        w.writeInt(generationId);
        if (version >= 7)
        {
            w.writeNullableString(protocolType);
            w.writeNullableString(protocolName);
        }
        else
        {
            w.writeString(protocolName);
        }
        w.writeString(leader);
        if (version >= 9)
        {
            w.writeBoolean(skipAssignment);
        }
        w.writeString(memberId);
        ArrayFields.write(w, members, (o, m) -> m.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
