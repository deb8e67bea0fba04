package io.osprey.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.DeleteGroupsRequest;
import io.osprey.protocol.message.DeleteGroupsResponse;

/**
 * {@link Admin#deleteConsumerGroups} for one group: DeleteGroups to its coordinator, which
 * refuses a group that still has members (NON_EMPTY_GROUP). Not thread-safe; see {@link AdminCall}.
 */
final class DeleteGroupsCall extends CoordinatorCall
{
    private final CompletableFuture<Void> future;

    DeleteGroupsCall(final long createdMs, final long deadlineMs, final String groupId, final CompletableFuture<Void> future)
    {
        super("deleteConsumerGroups", createdMs, deadlineMs, groupId);
        this.future = future;
    }

    @Override
    ApiKey groupApi()
    {
        return ApiKey.DELETE_GROUPS;
    }

    @Override
    Message groupRequest(final short version, final int timeoutMs)
    {
        return new DeleteGroupsRequest(List.of(groupId()));
    }

    @Override
    OspreyException onGroupResponse(final short version, final ProtocolReader body)
    {
        final DeleteGroupsResponse.DeletableGroupResult result = thisGroup(DeleteGroupsResponse.read(body, version).results(),
            DeleteGroupsResponse.DeletableGroupResult::groupId, "DeleteGroups");
        if (result == null)
        {
            return null;
        }
        final ErrorCode error = ErrorCode.forCode(result.errorCode());
        final OspreyException retry = coordinatorError(error, null);
        if (retry != null)
        {
            return retry;
        }
        if (error == ErrorCode.NONE)
        {
            future.complete(null);
        }
        else
        {
            fail(groupError(error));
        }
        return null;
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
