package io.osprey.protocol.message;

import java.util.ArrayList;
import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ApiVersions response (key 18):
 * {@code errorCode int16, apiKeys [apiKey int16, minVersion int16, maxVersion int16 (+tags v3+)],
 * throttleTimeMs int32 (v1+), tagged fields (v3+)}. Its response header is always v0, and a
 * request with an unsupported version is answered in the v0 layout so the client can retry lower.
 */
public record ApiVersionsResponse(short errorCode, List<ApiVersion> apiKeys, int throttleTimeMs) implements Message
{
    /** One API and the version range served. */
    public record ApiVersion(short apiKey, short minVersion, short maxVersion)
    {
    }

    public static ApiVersionsResponse read(final ProtocolReader r, final short version)
    {
        final short error = r.readShort();
        final int n = r.readArrayLength();
        final List<ApiVersion> keys = new ArrayList<>(Math.max(n, 0));
        for (int i = 0; i < n; i++)
        {
            keys.add(new ApiVersion(r.readShort(), r.readShort(), r.readShort()));
            r.skipTaggedFields();
        }
        final int throttle = version >= 1 ? r.readInt() : 0;
        r.skipTaggedFields();
        return new ApiVersionsResponse(error, keys, throttle);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeShort(errorCode);
        w.writeArrayLength(apiKeys.size());
        for (final ApiVersion k : apiKeys)
        {
            w.writeShort(k.apiKey());
            w.writeShort(k.minVersion());
            w.writeShort(k.maxVersion());
            w.writeEmptyTaggedFields();
        }
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        w.writeEmptyTaggedFields();
    }
}
