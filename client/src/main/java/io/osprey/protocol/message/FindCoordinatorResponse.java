package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * FindCoordinator response (key 10), v0-4, flexible from v3:
 * {@code throttleTimeMs int32 (v1+), errorCode int16 (v0-3), errorMessage nullable string (v1-3),
 * nodeId int32 (v0-3), host string (v0-3), port int32 (v0-3),
 * coordinators [key string, nodeId int32, host string, port int32, errorCode int16,
 * errorMessage nullable string] (v4+)}.
 * <p>
 * Absent fields read as Kafka's defaults: 0, empty strings, no coordinators.
 */
public record FindCoordinatorResponse(int throttleTimeMs, short errorCode, String errorMessage, int nodeId, String host,
    int port, List<Coordinator> coordinators) implements Message
{
    /** The coordinator found for one key (v4+). */
    public record Coordinator(String key, int nodeId, String host, int port, short errorCode, String errorMessage)
    {
        public static Coordinator read(final ProtocolReader r, final short version)
        {
            final String key = r.readString();
            final int nodeId = r.readInt();
            final String host = r.readString();
            final int port = r.readInt();
            final short errorCode = r.readShort();
            final String errorMessage = r.readNullableString();
            r.skipTaggedFields();
            return new Coordinator(key, nodeId, host, port, errorCode, errorMessage);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(key);
            w.writeInt(nodeId);
            w.writeString(host);
            w.writeInt(port);
            w.writeShort(errorCode);
            w.writeNullableString(errorMessage);
            w.writeEmptyTaggedFields();
        }
    }

    public static FindCoordinatorResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        short errorCode = 0;
        String errorMessage = "";
        int nodeId = 0;
        String host = "";
        int port = 0;
        List<Coordinator> coordinators = List.of();
        if (version <= 3)
        {
            errorCode = r.readShort();
            if (version >= 1)
            {
                errorMessage = r.readNullableString();
            }
            nodeId = r.readInt();
            host = r.readString();
            port = r.readInt();
        }
        else
        {
            coordinators = ArrayFields.read(r, e -> Coordinator.read(e, version));
        }
        r.skipTaggedFields();
        return new FindCoordinatorResponse(throttle, errorCode, errorMessage, nodeId, host, port, coordinators);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        if (version <= 3)
        {
            w.writeShort(errorCode);
            if (version >= 1)
            {
                w.writeNullableString(errorMessage);
            }
            w.writeInt(nodeId);
            w.writeString(host);
            w.writeInt(port);
        }
        else
        {
            ArrayFields.write(w, coordinators, (o, c) -> c.write(o, version));
        }
        w.writeEmptyTaggedFields();
    }
}
