package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeCluster response (key 60), v0-1, flexible in every version:
 * {@code throttleTimeMs int32, errorCode int16, errorMessage nullable string, endpointType int8 (v1+),
 * clusterId string, controllerId int32, brokers [brokerId int32, host string, port int32,
 * rack nullable string], clusterAuthorizedOperations int32}. endpointType reads as 1 (brokers)
 * in v0; clusterAuthorizedOperations is {@link #AUTHORIZED_OPERATIONS_OMITTED} unless asked for.
 * (v2's isFenced is not served.)
 */
public record DescribeClusterResponse(int throttleTimeMs, short errorCode, String errorMessage, byte endpointType,
    String clusterId, int controllerId, List<DescribeClusterBroker> brokers, int clusterAuthorizedOperations) implements Message
{
    /** clusterAuthorizedOperations when they were not requested. */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    /** One broker (or controller) endpoint. */
    public record DescribeClusterBroker(int brokerId, String host, int port, String rack)
    {
        public static DescribeClusterBroker read(final ProtocolReader r, final short version)
        {
            final int brokerId = r.readInt();
            final String host = r.readString();
            final int port = r.readInt();
            final String rack = r.readNullableString();
            r.skipTaggedFields();
            return new DescribeClusterBroker(brokerId, host, port, rack);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(brokerId);
            w.writeString(host);
            w.writeInt(port);
            w.writeNullableString(rack);
            w.writeEmptyTaggedFields();
        }
    }

    public static DescribeClusterResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final short errorCode = r.readShort();
        final String errorMessage = r.readNullableString();
        final byte endpointType = version >= 1 ? r.readByte() : DescribeClusterRequest.ENDPOINT_TYPE_BROKERS;
        final String clusterId = r.readString();
        final int controllerId = r.readInt();
        final List<DescribeClusterBroker> brokers = ArrayFields.read(r, e -> DescribeClusterBroker.read(e, version));
        final int clusterAuthorizedOperations = r.readInt();
        r.skipTaggedFields();
        return new DescribeClusterResponse(throttleTimeMs, errorCode, errorMessage, endpointType, clusterId, controllerId, brokers,
            clusterAuthorizedOperations);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        w.writeShort(errorCode);
        w.writeNullableString(errorMessage);
        if (version >= 1)
        {
            w.writeByte(endpointType);
        }
        w.writeString(clusterId);
        w.writeInt(controllerId);
        ArrayFields.write(w, brokers, (o, b) -> b.write(o, version));
        w.writeInt(clusterAuthorizedOperations);
        w.writeEmptyTaggedFields();
    }
}
