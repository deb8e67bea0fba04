package io.osprey.protocol;

/**
 * Request header v1/v2: {@code apiKey int16, apiVersion int16, correlationId int32,
 * clientId nullable string (int16 length, even in v2)}, then in v2 a tagged-field section.
 * A null client id is accepted (some clients send one).
 */
public record RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId)
{
    /**
     * Reads the fixed part (key, version, correlation id, client id). The caller decides from
     * the key and version whether a tagged-field section follows ({@link #readTaggedFields}).
     */
    public static RequestHeader read(final ProtocolReader r)
    {
        final short apiKey = r.readShort();
        final short apiVersion = r.readShort();
        final int correlationId = r.readInt();
        final String clientId = r.readLegacyNullableString();
        return new RequestHeader(apiKey, apiVersion, correlationId, clientId);
    }

    /** Skips header v2's tagged fields. */
    public static void readTaggedFields(final ProtocolReader flexibleReader)
    {
        flexibleReader.skipTaggedFields();
    }

    public void write(final ProtocolWriter w, final short headerVersion)
    {
        w.writeShort(apiKey);
        w.writeShort(apiVersion);
        w.writeInt(correlationId);
        w.writeLegacyNullableString(clientId);
        if (headerVersion >= 2)
        {
            w.writeUnsignedVarint(0);
        }
    }
}
