package io.osprey.protocol.message;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * InitProducerId response (key 22), v0-4, flexible from v2:
 * {@code throttleTimeMs int32, errorCode int16, producerId int64, producerEpoch int16, tags}.
 */
public record InitProducerIdResponse(int throttleTimeMs, short errorCode, long producerId, short producerEpoch) implements Message
{
    public static InitProducerIdResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = r.readInt();
        final short errorCode = r.readShort();
        final long producerId = r.readLong();
        final short producerEpoch = r.readShort();
        r.skipTaggedFields();
        return new InitProducerIdResponse(throttle, errorCode, producerId, producerEpoch);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        w.writeShort(errorCode);
        w.writeLong(producerId);
        w.writeShort(producerEpoch);
        w.writeEmptyTaggedFields();
    }
}
