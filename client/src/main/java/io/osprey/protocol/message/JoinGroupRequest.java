package io.osprey.protocol.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * JoinGroup request (key 11), v0-9, flexible from v6:
 * {@code groupId string, sessionTimeoutMs int32, rebalanceTimeoutMs int32 (v1+), memberId string,
 * groupInstanceId nullable string (v5+), protocolType string, protocols [name string, metadata bytes],
 * reason nullable string (v8+)}.
 * <p>
 * Absent fields read as Kafka's defaults: rebalance timeout -1, null instance id and reason.
 */
public record JoinGroupRequest(String groupId, int sessionTimeoutMs, int rebalanceTimeoutMs, String memberId,
    String groupInstanceId, String protocolType, List<Protocol> protocols, String reason) implements Message
{
    /** One assignment protocol the member supports, with its metadata. */
    public record Protocol(String name, byte[] metadata)
    {
        public static Protocol read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final byte[] metadata = r.readBytes();
            r.skipTaggedFields();
            return new Protocol(name, metadata);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeBytes(metadata);
            w.writeEmptyTaggedFields();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Protocol p && Objects.equals(name, p.name) && Arrays.equals(metadata, p.metadata);
        }

        @Override
        public int hashCode()
        {
            return 31 * Objects.hashCode(name) + Arrays.hashCode(metadata);
        }

        @Override
        public String toString()
        {
            return "Protocol[name=" + name + ", metadata=" + Arrays.toString(metadata) + "]";
        }
    }

    public static JoinGroupRequest read(final ProtocolReader r, final short version)
    {
        final String groupId = r.readString();
        final int sessionTimeoutMs = r.readInt();
        final int rebalanceTimeoutMs = version >= 1 ? r.readInt() : -1;
        final String memberId = r.readString();
        final String groupInstanceId = version >= 5 ? r.readNullableString() : null;
        final String protocolType = r.readString();
        final List<Protocol> protocols = ArrayFields.read(r, e -> Protocol.read(e, version));
        final String reason = version >= 8 ? r.readNullableString() : null;
        r.skipTaggedFields();
        return new JoinGroupRequest(groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType,
            protocols, reason);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeString(groupId);
        w.writeInt(sessionTimeoutMs);
        if (version >= 1)
        {
            w.writeInt(rebalanceTimeoutMs);
        }
        w.writeString(memberId);
        if (version >= 5)
        {
            w.writeNullableString(groupInstanceId);
        }
        w.writeString(protocolType);
        ArrayFields.write(w, protocols, (o, p) -> p.write(o, version));
        if (version >= 8)
        {
            w.writeNullableString(reason);
        }
        w.writeEmptyTaggedFields();
    }
}
