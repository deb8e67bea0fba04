package io.osprey.protocol.message;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * Heartbeat response (key 12), v0-4, flexible from v4:
 * {@code throttleTimeMs int32 (v1+), errorCode int16}. An absent throttle reads as 0.
 */
public record HeartbeatResponse(int throttleTimeMs, short errorCode) implements Message
{
    public static HeartbeatResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        final short errorCode = r.readShort();
        r.skipTaggedFields();
        return new HeartbeatResponse(throttle, errorCode);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeShort(errorCode);
        w.writeEmptyTaggedFields();
    }
}
