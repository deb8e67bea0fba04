package io.osprey.protocol;

/** Response header v0: {@code correlationId int32}; v1 adds a tagged-field section. */
public final class ResponseHeader
{
    private ResponseHeader()
    {
    }

    public static void write(final ProtocolWriter w, final int correlationId, final short headerVersion)
    {
        w.writeInt(correlationId);
        if (headerVersion >= 1)
        {
            w.writeUnsignedVarint(0);
        }
    }

    /** Reads the header and returns the correlation id. */
    public static int read(final ProtocolReader r, final short headerVersion)
    {
        final int correlationId = r.readInt();
        if (headerVersion >= 1)
        {
            new ProtocolReader(r.buffer(), true).skipTaggedFields();
        }
        return correlationId;
    }
}
