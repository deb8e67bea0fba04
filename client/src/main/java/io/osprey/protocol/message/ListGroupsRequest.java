package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * ListGroups request (key 16), v0-5, flexible from v3:
 * {@code statesFilter [string] (v4+), typesFilter [string] (v5+)}. Empty filters match every
 * group; absent ones read as empty.
 */
public record ListGroupsRequest(List<String> statesFilter, List<String> typesFilter) implements Message
{
    public static ListGroupsRequest read(final ProtocolReader r, final short version)
    {
        final List<String> states = version >= 4 ? ArrayFields.read(r, ProtocolReader::readString) : List.of();
        final List<String> types = version >= 5 ? ArrayFields.read(r, ProtocolReader::readString) : List.of();
        r.skipTaggedFields();
        return new ListGroupsRequest(states, types);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 4)
        {
            ArrayFields.write(w, statesFilter, ProtocolWriter::writeString);
        }
        if (version >= 5)
        {
            ArrayFields.write(w, typesFilter, ProtocolWriter::writeString);
        }
        w.writeEmptyTaggedFields();
    }
}
