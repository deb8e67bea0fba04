package io.osprey.protocol.message;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * InitProducerId request (key 22), v0-4, flexible from v2:
 * {@code transactionalId nullable string, transactionTimeoutMs int32, producerId int64 (v3+),
 * producerEpoch int16 (v3+), tags}.
 * <p>
 * A null transactional id asks for an idempotent producer id. From v3 a producer may send its
 * current id and epoch to have the epoch bumped; absent they read as -1.
 */
public record InitProducerIdRequest(String transactionalId, int transactionTimeoutMs, long producerId, short producerEpoch)
    implements Message
{
    public static InitProducerIdRequest read(final ProtocolReader r, final short version)
    {
        final String transactionalId = r.readNullableString();
        final int timeout = r.readInt();
        final long producerId = version >= 3 ? r.readLong() : -1L;
        final short producerEpoch = version >= 3 ? r.readShort() : -1;
        r.skipTaggedFields();
        return new InitProducerIdRequest(transactionalId, timeout, producerId, producerEpoch);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeNullableString(transactionalId);
        w.writeInt(transactionTimeoutMs);
        if (version >= 3)
        {
            w.writeLong(producerId);
            w.writeShort(producerEpoch);
        }
        w.writeEmptyTaggedFields();
    }
}
