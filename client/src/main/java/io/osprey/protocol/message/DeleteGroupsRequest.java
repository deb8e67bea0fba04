package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/** DeleteGroups request (key 42), v0-2, flexible from v2: {@code groupsNames [string]}. */
public record DeleteGroupsRequest(List<String> groupsNames) implements Message
{
    public static DeleteGroupsRequest read(final ProtocolReader r, final short version)
    {
        final List<String> names = ArrayFields.read(r, ProtocolReader::readString);
        r.skipTaggedFields();
        return new DeleteGroupsRequest(names);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, groupsNames, ProtocolWriter::writeString);
        w.writeEmptyTaggedFields();
    }
}
