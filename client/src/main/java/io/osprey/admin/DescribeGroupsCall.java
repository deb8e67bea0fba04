package io.osprey.admin;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ConsumerProtocol;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.DescribeGroupsRequest;
import io.osprey.protocol.message.DescribeGroupsResponse;

/**
 * {@link Admin#describeConsumerGroups} for one group: DescribeGroups to its coordinator. Each
 * member's assignment is decoded from the consumer-protocol bytes the group's leader sent in
 * SyncGroup. A group that does not exist comes back as the coordinator reports it, Dead with
 * no members, as in Kafka's admin; one whose protocol type is neither "consumer" nor empty is
 * not a consumer group.
 * Not thread-safe; see {@link AdminCall}.
 */
final class DescribeGroupsCall extends CoordinatorCall
{
    private final CompletableFuture<ConsumerGroupDescription> future;

    DescribeGroupsCall(final long createdMs, final long deadlineMs, final String groupId,
        final CompletableFuture<ConsumerGroupDescription> future)
    {
        super("describeConsumerGroups", createdMs, deadlineMs, groupId);
        this.future = future;
    }

    @Override
    ApiKey groupApi()
    {
        return ApiKey.DESCRIBE_GROUPS;
    }

    @Override
    Message groupRequest(final short version, final int timeoutMs)
    {
        return new DescribeGroupsRequest(List.of(groupId()), false);
    }

    @Override
    OspreyException onGroupResponse(final short version, final ProtocolReader body)
    {
        final DescribeGroupsResponse.DescribedGroup group = thisGroup(DescribeGroupsResponse.read(body, version).groups(),
            DescribeGroupsResponse.DescribedGroup::groupId, "DescribeGroups");
        if (group == null)
        {
            return null;
        }
        final ErrorCode error = ErrorCode.forCode(group.errorCode());
        final OspreyException retry = coordinatorError(error, null);
        if (retry != null)
        {
            return retry;
        }
        if (error != ErrorCode.NONE)
        {
            fail(groupError(error));
            return null;
        }
        final GroupState state = GroupState.parse(group.groupState());
        final String protocolType = group.protocolType() == null ? "" : group.protocolType();
        if (!protocolType.isEmpty() && !ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType))
        {
            fail(new OspreyException(ErrorCode.INVALID_GROUP_ID, "Group '" + groupId() + "' is not a consumer group (its protocol type is '"
                + protocolType + "')"));
            return null;
        }
        final List<MemberDescription> members = new ArrayList<>(group.members().size());
        for (final DescribeGroupsResponse.Member m : group.members())
        {
            members.add(new MemberDescription(m.memberId(), Optional.ofNullable(m.groupInstanceId()), m.clientId(), m.clientHost(),
                assignment(m)));
        }
        future.complete(new ConsumerGroupDescription(groupId(), protocolType.isEmpty(), members,
            group.protocolData() == null ? "" : group.protocolData(), state, coordinator()));
        return null;
    }

    /** The member's partitions; none while the group rebalances, when the coordinator has no assignment for it yet. */
    private MemberAssignment assignment(final DescribeGroupsResponse.Member member)
    {
        final byte[] bytes = member.memberAssignment();
        if (bytes == null || bytes.length == 0)
        {
            return new MemberAssignment(new LinkedHashSet<>());
        }
        try
        {
            return new MemberAssignment(new LinkedHashSet<>(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(bytes)).partitions()));
        }
        catch (final RuntimeException e)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "The assignment of member " + member.memberId() + " of group '"
                + groupId() + "' is not valid consumer-protocol data: " + e.getMessage(), e);
        }
    }

    @Override
    void fail(final Throwable error)
    {
        future.completeExceptionally(error);
    }

    @Override
    boolean isDone()
    {
        return future.isDone();
    }
}
