package io.osprey.protocol.message;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ApiVersions request (key 18). v0-v2: empty. v3+ (flexible):
 * {@code clientSoftwareName compact string, clientSoftwareVersion compact string, tagged fields}.
 */
public record ApiVersionsRequest(String clientSoftwareName, String clientSoftwareVersion) implements Message
{
    public static ApiVersionsRequest read(final ProtocolReader r, final short version)
    {
        if (version >= 3)
        {
            final String name = r.readString();
            final String softwareVersion = r.readString();
            r.skipTaggedFields();
            return new ApiVersionsRequest(name, softwareVersion);
        }
        return new ApiVersionsRequest("", "");
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 3)
        {
            w.writeString(clientSoftwareName);
            w.writeString(clientSoftwareVersion);
            w.writeEmptyTaggedFields();
        }
    }
}
