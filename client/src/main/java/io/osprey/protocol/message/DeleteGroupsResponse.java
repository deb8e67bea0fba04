package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DeleteGroups response (key 42), v0-2, flexible from v2:
 * {@code throttleTimeMs int32, results [groupId string, errorCode int16]}.
 */
public record DeleteGroupsResponse(int throttleTimeMs, List<DeletableGroupResult> results) implements Message
{
    /** The outcome for one group. */
    public record DeletableGroupResult(String groupId, short errorCode)
    {
        public static DeletableGroupResult read(final ProtocolReader r, final short version)
        {
            final String groupId = r.readString();
            final short errorCode = r.readShort();
            r.skipTaggedFields();
            return new DeletableGroupResult(groupId, errorCode);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(groupId);
            w.writeShort(errorCode);
            w.writeEmptyTaggedFields();
        }
    }

    public static DeleteGroupsResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = r.readInt();
        final List<DeletableGroupResult> results = ArrayFields.read(r, e -> DeletableGroupResult.read(e, version));
        r.skipTaggedFields();
        return new DeleteGroupsResponse(throttle, results);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        ArrayFields.write(w, results, (o, g) -> g.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
