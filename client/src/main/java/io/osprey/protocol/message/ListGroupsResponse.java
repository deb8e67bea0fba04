package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ListGroups response (key 16), v0-5, flexible from v3:
 * {@code throttleTimeMs int32 (v1+), errorCode int16,
 * groups [groupId string, protocolType string, groupState string (v4+), groupType string (v5+)]}.
 * Absent fields read as Kafka's defaults: throttle 0, empty state and type.
 */
public record ListGroupsResponse(int throttleTimeMs, short errorCode, List<ListedGroup> groups) implements Message
{
    /** One group. */
    public record ListedGroup(String groupId, String protocolType, String groupState, String groupType)
    {
        public static ListedGroup read(final ProtocolReader r, final short version)
        {
            final String groupId = r.readString();
            final String protocolType = r.readString();
            final String groupState = version >= 4 ? r.readString() : "";
            final String groupType = version >= 5 ? r.readString() : "";
            r.skipTaggedFields();
            return new ListedGroup(groupId, protocolType, groupState, groupType);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(groupId);
            w.writeString(protocolType);
            if (version >= 4)
            {
                w.writeString(groupState);
            }
            if (version >= 5)
            {
                w.writeString(groupType);
            }
            w.writeEmptyTaggedFields();
        }
    }

    public static ListGroupsResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        final short errorCode = r.readShort();
        final List<ListedGroup> groups = ArrayFields.read(r, e -> ListedGroup.read(e, version));
        r.skipTaggedFields();
        return new ListGroupsResponse(throttle, errorCode, groups);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeShort(errorCode);
        ArrayFields.write(w, groups, (o, g) -> g.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
