package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ConsumerProtocol;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ListGroupsRequest;
import io.osprey.protocol.message.ListGroupsResponse;

/**
 * {@link Admin#listConsumerGroups} on one broker: ListGroups, which lists the groups that broker
 * coordinates. Keeps consumer groups only (protocol type "consumer", or empty for simple
 * groups), as Kafka's admin does, and those in the states asked for: the broker filters from
 * v4, and the filter is applied here too so that an older broker's answer obeys it (an older
 * broker reports no state, so a filter leaves nothing of it). A coordinator still loading or
 * not yet available is asked again after the backoff. Not thread-safe; see {@link AdminCall}.
 */
final class ListGroupsCall extends AdminCall
{
    /** The first ListGroups version with a states filter and states in the answer. */
    static final short STATES_VERSION = 4;

    private final int brokerId;
    private final Set<GroupState> states;
    private final CompletableFuture<Collection<ConsumerGroupListing>> future;

    ListGroupsCall(final long createdMs, final long deadlineMs, final int brokerId, final Set<GroupState> states,
        final CompletableFuture<Collection<ConsumerGroupListing>> future)
    {
        super("listConsumerGroups", createdMs, deadlineMs);
        this.brokerId = brokerId;
        this.states = Set.copyOf(states);
        this.future = future;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.broker(brokerId);
    }

    @Override
    ApiKey api()
    {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        final List<String> filter = new ArrayList<>();
        for (final GroupState state : states)
        {
            filter.add(state.toString());
        }
        Collections.sort(filter);
        return new ListGroupsRequest(filter, List.of());
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        final ListGroupsResponse response = ListGroupsResponse.read(body, version);
        final ErrorCode error = ErrorCode.forCode(response.errorCode());
        if (error == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || error == ErrorCode.COORDINATOR_NOT_AVAILABLE)
        {
            return Errors.forCode(error, "Broker " + brokerId + " cannot list its groups yet (" + error + ")");
        }
        if (error != ErrorCode.NONE)
        {
            fail(Errors.forCode(error, "Broker " + brokerId + " could not list its groups: " + error + " (error code " + error.code + ")"));
            return null;
        }
        final List<ConsumerGroupListing> listings = new ArrayList<>();
        for (final ListGroupsResponse.ListedGroup g : response.groups())
        {
            final String protocolType = g.protocolType() == null ? "" : g.protocolType();
            if (!protocolType.isEmpty() && !ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType))
            {
                continue;
            }
            final Optional<GroupState> state = version >= STATES_VERSION ? Optional.of(GroupState.parse(g.groupState())) : Optional.empty();
            if (states.isEmpty() || state.isPresent() && states.contains(state.get()))
            {
                listings.add(new ConsumerGroupListing(g.groupId(), state, protocolType));
            }
        }
        future.complete(Collections.unmodifiableList(listings));
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
