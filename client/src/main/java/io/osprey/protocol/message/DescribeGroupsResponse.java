package io.osprey.protocol.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeGroups response (key 15), v0-5, flexible from v5:
 * {@code throttleTimeMs int32 (v1+), groups [errorCode int16, groupId string, groupState string,
 * protocolType string, protocolData string, members [memberId string,
 * groupInstanceId nullable string (v4+), clientId string, clientHost string, memberMetadata bytes,
 * memberAssignment bytes], authorizedOperations int32 (v3+)]}.
 * (v6's error message is not implemented.)
 * <p>
 * Absent fields read as Kafka's defaults: throttle 0, null instance id, authorized operations
 * {@link #AUTHORIZED_OPERATIONS_OMITTED}.
 */
public record DescribeGroupsResponse(int throttleTimeMs, List<DescribedGroup> groups) implements Message
{
    /** Kafka's value for authorized operations that were not asked for. */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    /** One described group. */
    public record DescribedGroup(short errorCode, String groupId, String groupState, String protocolType, String protocolData,
        List<Member> members, int authorizedOperations)
    {
        public static DescribedGroup read(final ProtocolReader r, final short version)
        {
            final short errorCode = r.readShort();
            final String groupId = r.readString();
            final String groupState = r.readString();
            final String protocolType = r.readString();
            final String protocolData = r.readString();
            final List<Member> members = ArrayFields.read(r, e -> Member.read(e, version));
            final int authorizedOperations = version >= 3 ? r.readInt() : AUTHORIZED_OPERATIONS_OMITTED;
            r.skipTaggedFields();
            return new DescribedGroup(errorCode, groupId, groupState, protocolType, protocolData, members, authorizedOperations);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeShort(errorCode);
            w.writeString(groupId);
            w.writeString(groupState);
            w.writeString(protocolType);
            w.writeString(protocolData);
            ArrayFields.write(w, members, (o, m) -> m.write(o, version));
            if (version >= 3)
            {
                w.writeInt(authorizedOperations);
            }
            w.writeEmptyTaggedFields();
        }
    }

    /** One member of a described group. */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost, byte[] memberMetadata,
        byte[] memberAssignment)
    {
        public static Member read(final ProtocolReader r, final short version)
        {
            final String memberId = r.readString();
            final String groupInstanceId = version >= 4 ? r.readNullableString() : null;
            final String clientId = r.readString();
            final String clientHost = r.readString();
            final byte[] memberMetadata = r.readBytes();
            final byte[] memberAssignment = r.readBytes();
            r.skipTaggedFields();
            return new Member(memberId, groupInstanceId, clientId, clientHost, memberMetadata, memberAssignment);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(memberId);
            if (version >= 4)
            {
                w.writeNullableString(groupInstanceId);
            }
            w.writeString(clientId);
            w.writeString(clientHost);
            w.writeBytes(memberMetadata);
            w.writeBytes(memberAssignment);
            w.writeEmptyTaggedFields();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Member m && Objects.equals(memberId, m.memberId) && Objects.equals(groupInstanceId, m.groupInstanceId)
                && Objects.equals(clientId, m.clientId) && Objects.equals(clientHost, m.clientHost)
                && Arrays.equals(memberMetadata, m.memberMetadata) && Arrays.equals(memberAssignment, m.memberAssignment);
        }

        @Override
        public int hashCode()
        {
            return (Objects.hash(memberId, groupInstanceId, clientId, clientHost) * 31 + Arrays.hashCode(memberMetadata)) * 31
                + Arrays.hashCode(memberAssignment);
        }

        @Override
        public String toString()
        {
            return "Member[memberId=" + memberId + ", groupInstanceId=" + groupInstanceId + ", clientId=" + clientId + ", clientHost="
                + clientHost + ", memberMetadata=" + Arrays.toString(memberMetadata) + ", memberAssignment="
                + Arrays.toString(memberAssignment) + "]";
        }
    }

    public static DescribeGroupsResponse read(final ProtocolReader r, final short version)
    {
        final int throttle = version >= 1 ? r.readInt() : 0;
        final List<DescribedGroup> groups = ArrayFields.read(r, e -> DescribedGroup.read(e, version));
        r.skipTaggedFields();
        return new DescribeGroupsResponse(throttle, groups);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        if (version >= 1)
        {
            w.writeInt(throttleTimeMs);
        }
        ArrayFields.write(w, groups, (o, g) -> g.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
