package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * FindCoordinator request (key 10), v0-4, flexible from v3:
 * {@code key string (v0-3), keyType int8 (v1+), coordinatorKeys [string] (v4+)}.
 * keyType is 0 for a group, 1 for a transactional id. Absent fields read as Kafka's defaults
 * (empty key, key type 0, no coordinator keys).
 */
public record FindCoordinatorRequest(String key, byte keyType, List<String> coordinatorKeys) implements Message
{
    public static FindCoordinatorRequest read(final ProtocolReader r, final short version)
    {
        final String key = version <= 3 ? r.readString() : "";
        final byte keyType = version >= 1 ? r.readByte() : 0;
        final List<String> coordinatorKeys = version >= 4 ? ArrayFields.read(r, ProtocolReader::readString) : List.of();
        r.skipTaggedFields();
        return new FindCoordinatorRequest(key, keyType, coordinatorKeys);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version <= 3)
        {
            w.writeString(key);
        }
        if (version >= 1)
        {
            w.writeByte(keyType);
        }
        if (version >= 4)
        {
            ArrayFields.write(w, coordinatorKeys, ProtocolWriter::writeString);
        }
        w.writeEmptyTaggedFields();
    }
}
