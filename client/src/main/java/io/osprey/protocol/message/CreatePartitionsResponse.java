package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * CreatePartitions response (key 37), v0-3, flexible from v2:
 * {@code throttleTimeMs int32, results [name string, errorCode int16, errorMessage nullable string]}.
 */
public record CreatePartitionsResponse(int throttleTimeMs, List<CreatePartitionsTopicResult> results) implements Message
{
    /** The outcome for one topic. */
    public record CreatePartitionsTopicResult(String name, short errorCode, String errorMessage)
    {
        public static CreatePartitionsTopicResult read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final short errorCode = r.readShort();
            final String errorMessage = r.readNullableString();
            r.skipTaggedFields();
            return new CreatePartitionsTopicResult(name, errorCode, errorMessage);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeShort(errorCode);
            w.writeNullableString(errorMessage);
            w.writeEmptyTaggedFields();
        }
    }

    public static CreatePartitionsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final List<CreatePartitionsTopicResult> results = ArrayFields.read(r, e -> CreatePartitionsTopicResult.read(e, version));
        r.skipTaggedFields();
        return new CreatePartitionsResponse(throttleTimeMs, results);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        ArrayFields.write(w, results, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
