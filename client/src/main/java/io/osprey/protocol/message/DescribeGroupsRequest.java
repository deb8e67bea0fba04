package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeGroups request (key 15), v0-5, flexible from v5:
 * {@code groups [string], includeAuthorizedOperations bool (v3+)}. An absent flag reads as false.
 */
public record DescribeGroupsRequest(List<String> groups, boolean includeAuthorizedOperations) implements Message
{
    public static DescribeGroupsRequest read(final ProtocolReader r, final short version)
    {
        final List<String> groups = ArrayFields.read(r, ProtocolReader::readString);
        final boolean include = version >= 3 && r.readBoolean();
        r.skipTaggedFields();
        return new DescribeGroupsRequest(groups, include);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, groups, ProtocolWriter::writeString);
        if (version >= 3)
        {
            w.writeBoolean(includeAuthorizedOperations);
        }
        w.writeEmptyTaggedFields();
    }
}
