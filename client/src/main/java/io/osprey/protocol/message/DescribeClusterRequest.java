package io.osprey.protocol.message;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeCluster request (key 60), v0-1, flexible in every version:
 * {@code includeClusterAuthorizedOperations bool, endpointType int8 (v1+; 1 = brokers,
 * 2 = controllers; reads as 1 in v0)}. (v2's includeFencedBrokers is not served.)
 */
public record DescribeClusterRequest(boolean includeClusterAuthorizedOperations, byte endpointType) implements Message
{
    /** The endpoint type of brokers, and the default. */
    public static final byte ENDPOINT_TYPE_BROKERS = 1;

    public static DescribeClusterRequest read(final ProtocolReader r, final short version)
    {
        final boolean includeClusterAuthorizedOperations = r.readBoolean();
        final byte endpointType = version >= 1 ? r.readByte() : ENDPOINT_TYPE_BROKERS;
        r.skipTaggedFields();
        return new DescribeClusterRequest(includeClusterAuthorizedOperations, endpointType);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeBoolean(includeClusterAuthorizedOperations);
        if (version >= 1)
        {
            w.writeByte(endpointType);
        }
        w.writeEmptyTaggedFields();
    }
}
