package io.osprey.protocol.message;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Heartbeat request (key 12), v0-4, flexible from v4:
 * {@code groupId string, generationId int32, memberId string, groupInstanceId nullable string (v3+)}.
 * An absent instance id reads as null.
 */
public record HeartbeatRequest(String groupId, int generationId, String memberId, String groupInstanceId) implements Message
{
    public static HeartbeatRequest read(final ProtocolReader r, final short version)
    {
        final String groupId = r.readString();
        final int generationId = r.readInt();
        final String memberId = r.readString();
        final String groupInstanceId = version >= 3 ? r.readNullableString() : null;
        r.skipTaggedFields();
        return new HeartbeatRequest(groupId, generationId, memberId, groupInstanceId);
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
        w.writeEmptyTaggedFields();
    }
}
