package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * IncrementalAlterConfigs response (key 44), v0-1, flexible from v1:
 * {@code throttleTimeMs int32, responses [errorCode int16, errorMessage nullable string,
 * resourceType int8, resourceName string]}.
 */
public record IncrementalAlterConfigsResponse(int throttleTimeMs, List<AlterConfigsResourceResponse> responses) implements Message
{
    /** The outcome for one resource. */
    public record AlterConfigsResourceResponse(short errorCode, String errorMessage, byte resourceType, String resourceName)
    {
        public static AlterConfigsResourceResponse read(final ProtocolReader r, final short version)
        {
            final short errorCode = r.readShort();
            final String errorMessage = r.readNullableString();
            final byte resourceType = r.readByte();
            final String resourceName = r.readString();
            r.skipTaggedFields();
            return new AlterConfigsResourceResponse(errorCode, errorMessage, resourceType, resourceName);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeShort(errorCode);
            w.writeNullableString(errorMessage);
            w.writeByte(resourceType);
            w.writeString(resourceName);
            w.writeEmptyTaggedFields();
        }
    }

    public static IncrementalAlterConfigsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final List<AlterConfigsResourceResponse> responses = ArrayFields.read(r, e -> AlterConfigsResourceResponse.read(e, version));
        r.skipTaggedFields();
        return new IncrementalAlterConfigsResponse(throttleTimeMs, responses);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        ArrayFields.write(w, responses, (o, res) -> res.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
