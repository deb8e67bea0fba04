package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * LeaveGroup request (key 13), v0-5, flexible from v4:
 * {@code groupId string, memberId string (v0-2),
 * members [memberId string, groupInstanceId nullable string, reason nullable string (v5+)] (v3+)}.
 * <p>
 * Absent fields read as Kafka's defaults: empty member id, no members, null reason.
 */
public record LeaveGroupRequest(String groupId, String memberId, List<MemberIdentity> members) implements Message
{
    /** One member leaving (v3+). */
    public record MemberIdentity(String memberId, String groupInstanceId, String reason)
    {
        public static MemberIdentity read(final ProtocolReader r, final short version)
        {
            final String memberId = r.readString();
            final String groupInstanceId = r.readNullableString();
            final String reason = version >= 5 ? r.readNullableString() : null;
            r.skipTaggedFields();
            return new MemberIdentity(memberId, groupInstanceId, reason);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(memberId);
            w.writeNullableString(groupInstanceId);
            if (version >= 5)
            {
                w.writeNullableString(reason);
            }
            w.writeEmptyTaggedFields();
        }
    }

    public static LeaveGroupRequest read(final ProtocolReader r, final short version)
    {
        final String groupId = r.readString();
        final String memberId = version <= 2 ? r.readString() : "";
        final List<MemberIdentity> members = version >= 3 ? ArrayFields.read(r, e -> MemberIdentity.read(e, version)) : List.of();
        r.skipTaggedFields();
        return new LeaveGroupRequest(groupId, memberId, members);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeString(groupId);
        if (version <= 2)
        {
            w.writeString(memberId);
        }
        else
        {
            ArrayFields.write(w, members, (o, m) -> m.write(o, version));
        }
        w.writeEmptyTaggedFields();
    }
}
