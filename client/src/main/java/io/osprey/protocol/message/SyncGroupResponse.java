package io.osprey.protocol.message;

import java.util.Arrays;
import java.util.Objects;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * SyncGroup response (key 14), v0-5, flexible from v4:
 * {@code throttleTimeMs int32 (v1+), errorCode int16, protocolType nullable string (v5+),
 * protocolName nullable string (v5+), assignment bytes}.
 * <p>
 * Absent fields read as Kafka's defaults: throttle 0, null protocol type and name.
 */
public record SyncGroupResponse(int throttleTimeMs, short errorCode, String protocolType, String protocolName,
    byte[] assignment) implements Message
{
    public static SyncGroupResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        final short errorCode = r.readShort();
        final String protocolType = version >= 5 ? r.readNullableString() : null;
        final String protocolName = version >= 5 ? r.readNullableString() : null;
        final byte[] assignment = r.readBytes();
        r.skipTaggedFields();
        return new SyncGroupResponse(throttle, errorCode, protocolType, protocolName, assignment);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeShort(errorCode);
        if (version >= 5)
        {
            w.writeNullableString(protocolType);
            w.writeNullableString(protocolName);
        }
        w.writeBytes(assignment);
        w.writeEmptyTaggedFields();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof SyncGroupResponse s && throttleTimeMs == s.throttleTimeMs && errorCode == s.errorCode
            && Objects.equals(protocolType, s.protocolType) && Objects.equals(protocolName, s.protocolName)
            && Arrays.equals(assignment, s.assignment);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(throttleTimeMs, errorCode, protocolType, protocolName) * 31 + Arrays.hashCode(assignment);
    }

    @Override
    public String toString()
    {
        return "SyncGroupResponse[throttleTimeMs=" + throttleTimeMs + ", errorCode=" + errorCode + ", protocolType=" + protocolType
            + ", protocolName=" + protocolName + ", assignment=" + Arrays.toString(assignment) + "]";
    }
}
