package io.osprey.admin;

import java.util.List;
import java.util.function.Function;

import io.osprey.client.Node;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.FindCoordinatorResponse;

/**
 * A call about one consumer group, answered by the group's coordinator: FindCoordinator to any
 * broker, then the group's own request to the broker it names. As in Kafka's admin client,
 * NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE (the group moved, or its coordinator is down)
 * send the call back to FindCoordinator after the backoff, and COORDINATOR_LOAD_IN_PROGRESS
 * (the coordinator is still reading the group's state) asks the same broker again after it; so
 * does a request lost on the way, after a fresh FindCoordinator.
 * <p>
 * Not thread-safe; see {@link AdminCall}.
 */
abstract class CoordinatorCall extends AdminCall
{
    /** FindCoordinator's key type for a consumer group (1 is a transactional id). */
    static final byte GROUP_KEY_TYPE = 0;
    /** The first FindCoordinator version that carries keys as a list (and answers with one). */
    static final short BATCHED_FIND_COORDINATOR_VERSION = 4;

    private final String groupId;
    private Node coordinator;
    private boolean coordinatorJustFound;

    CoordinatorCall(final String name, final long createdMs, final long deadlineMs, final String groupId)
    {
        super(name, createdMs, deadlineMs);
        this.groupId = groupId;
    }

    final String groupId()
    {
        return groupId;
    }

    /** The coordinator the last FindCoordinator named, or null before one answered or after it was forgotten. */
    final Node coordinator()
    {
        return coordinator;
    }

    /** The group API this call sends once it knows the coordinator. */
    abstract ApiKey groupApi();

    /** The group request, at the version the coordinator's connection settled on. */
    abstract Message groupRequest(short version, int timeoutMs);

    /**
     * Completes the futures the coordinator's response answers. Implementations pass each
     * group-level (or partition-level) error code through {@link #coordinatorError} first.
     *
     * @return as {@link AdminCall#onResponse}
     */
    abstract OspreyException onGroupResponse(short version, ProtocolReader body);

    @Override
    final CallTarget target()
    {
        return coordinator == null ? CallTarget.LEAST_LOADED : CallTarget.broker(coordinator.id());
    }

    @Override
    final ApiKey api()
    {
        return coordinator == null ? ApiKey.FIND_COORDINATOR : groupApi();
    }

    @Override
    final Message request(final short version, final int timeoutMs)
    {
        if (coordinator != null)
        {
            return groupRequest(version, timeoutMs);
        }
        if (version >= BATCHED_FIND_COORDINATOR_VERSION)
        {
            return new FindCoordinatorRequest("", GROUP_KEY_TYPE, List.of(groupId));
        }
        return new FindCoordinatorRequest(groupId, GROUP_KEY_TYPE, List.of());
    }

    @Override
    final OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        if (api == ApiKey.FIND_COORDINATOR)
        {
            return onFindCoordinator(FindCoordinatorResponse.read(body, version), version);
        }
        return onGroupResponse(version, body);
    }

    private OspreyException onFindCoordinator(final FindCoordinatorResponse response, final short version)
    {
        short errorCode = response.errorCode();
        String errorMessage = response.errorMessage();
        Node found = new Node(response.nodeId(), response.host(), response.port(), null);
        if (version >= BATCHED_FIND_COORDINATOR_VERSION)
        {
            final FindCoordinatorResponse.Coordinator c = thisGroup(response.coordinators(), FindCoordinatorResponse.Coordinator::key,
                "FindCoordinator");
            if (c == null)
            {
                return null;
            }
            errorCode = c.errorCode();
            errorMessage = c.errorMessage();
            found = new Node(c.nodeId(), c.host(), c.port(), null);
        }
        final OspreyException error = Errors.forCode(errorCode, errorMessage);
        if (error != null)
        {
            if (error.retriable())
            {
                return error;
            }
            fail(error);
            return null;
        }
        coordinator = found;
        coordinatorJustFound = true;
        return null;
    }

    /**
     * This call's group among the per-group entries of a response: the first entry naming it, or
     * null, having failed the call, when the {@code responseName} response left the group out.
     */
    final <G> G thisGroup(final List<G> entries, final Function<G, String> groupIdOf, final String responseName)
    {
        for (final G entry : entries)
        {
            if (groupId.equals(groupIdOf.apply(entry)))
            {
                return entry;
            }
        }
        fail(new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "The broker's " + responseName + " response did not mention group '"
            + groupId + "'"));
        return null;
    }

    /**
     * Handles an error that concerns the coordinator rather than the request: the exception to
     * retry after (forgetting the coordinator when the group lives elsewhere now), or null when
     * {@code error} is none of them and the caller must deal with it.
     */
    final OspreyException coordinatorError(final ErrorCode error, final String brokerMessage)
    {
        switch (error)
        {
            case NOT_COORDINATOR:
            case COORDINATOR_NOT_AVAILABLE:
                coordinator = null;
                return Errors.forCode(error, brokerMessage == null ? "Broker is not the coordinator of group '" + groupId + "' ("
                    + error + ")" : brokerMessage);
            case COORDINATOR_LOAD_IN_PROGRESS:
                return Errors.forCode(error, brokerMessage == null ? "The coordinator of group '" + groupId + "' is still loading it"
                    : brokerMessage);
            default:
                return null;
        }
    }

    /** A sentence for a group error the response carries as a code only. */
    final OspreyException groupError(final ErrorCode error)
    {
        switch (error)
        {
            case GROUP_ID_NOT_FOUND:
                return new OspreyException(error, "Group '" + groupId + "' does not exist");
            case NON_EMPTY_GROUP:
                return new OspreyException(error, "Group '" + groupId + "' is not empty: stop its consumers first");
            case INVALID_GROUP_ID:
                return new OspreyException(error, "'" + groupId + "' is not a valid group id");
            case GROUP_AUTHORIZATION_FAILED:
                return new OspreyException(error, "Not authorized to access group '" + groupId + "'");
            default:
                return Errors.forCode(error, "Group '" + groupId + "': the coordinator returned " + error + " (error code " + error.code
                    + ")");
        }
    }

    @Override
    final boolean takeNextStep()
    {
        final boolean found = coordinatorJustFound;
        coordinatorJustFound = false;
        return found;
    }

    /** A request lost on its way to the coordinator may mean the coordinator is gone: find it again. */
    @Override
    final void onRetriableFailure(final OspreyException failure)
    {
        coordinator = null;
    }
}
