package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * LeaveGroup response (key 13), v0-5, flexible from v4:
 * {@code throttleTimeMs int32 (v1+), errorCode int16,
 * members [memberId string, groupInstanceId nullable string, errorCode int16] (v3+)}.
 * Absent fields read as Kafka's defaults: throttle 0, no members.
 */
public record LeaveGroupResponse(int throttleTimeMs, short errorCode, List<MemberResponse> members) implements Message
{
    /** The outcome for one leaving member (v3+). */
    public record MemberResponse(String memberId, String groupInstanceId, short errorCode)
    {
        public static MemberResponse read(final ProtocolReader r, final short version)
        {
            final String memberId = r.readString();
            final String groupInstanceId = r.readNullableString();
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new MemberResponse(memberId, groupInstanceId, errorCode);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(memberId);
            w.writeNullableString(groupInstanceId);
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    public static LeaveGroupResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        final short errorCode = r.readShort();
        final List<MemberResponse> members = version >= 3 ? ArrayFields.read(r, e -> MemberResponse.read(e, version)) : List.of();
        r.skipTaggedFields();
        return new LeaveGroupResponse(throttle, errorCode, members);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeShort(errorCode);
        if (version >= 3)
        {
            ArrayFields.write(w, members, (o, m) -> m.write(o, version));
        }
        w.writeEmptyTaggedFields();
    }
}
