package io.osprey.group;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.protocol.Message;
import io.osprey.protocol.message.DeleteGroupsRequest;
import io.osprey.protocol.message.DeleteGroupsResponse;
import io.osprey.protocol.message.OffsetDeleteRequest;
import io.osprey.protocol.message.OffsetDeleteResponse;
import io.osprey.protocol.message.DescribeGroupsRequest;
import io.osprey.protocol.message.DescribeGroupsResponse;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.FindCoordinatorResponse;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.HeartbeatResponse;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.LeaveGroupResponse;
import io.osprey.protocol.message.ListGroupsRequest;
import io.osprey.protocol.message.ListGroupsResponse;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;
import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;
import io.osprey.server.RequestContext;

/**
 * The request layer of the group APIs: runs on the network thread, hands each request to the
 * coordinator thread ({@link GroupCoordinatorService#submit}) and fits the coordinator's answer
 * to the request's version (fields older versions lack, errors they carry elsewhere). It
 * never blocks: when the coordinator's queue is full the request is answered at once with
 * COORDINATOR_NOT_AVAILABLE, which Kafka clients retry after rediscovering the coordinator.
 */
public final class GroupHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupHandler.class);

    private final GroupCoordinatorService service;

    public GroupHandler(final GroupCoordinatorService service)
    {
        this.service = service;
    }

    public void findCoordinator(final RequestContext ctx, final FindCoordinatorRequest request)
    {
        final short v = ctx.version();
        final List<String> keys = v >= 4 ? request.coordinatorKeys() : List.of(request.key() == null ? "" : request.key());
        submit(ctx, now ->
        {
            final List<FindCoordinatorResponse.Coordinator> found = new ArrayList<>(keys.size());
            for (final String key : keys)
            {
                found.add(service.findCoordinator(key, request.keyType()));
            }
            ctx.respond(findCoordinatorResponse(v, found));
        }, () -> findCoordinatorResponse(v, keys.stream().map(k -> new FindCoordinatorResponse.Coordinator(k, -1, "", -1,
            ErrorCode.COORDINATOR_NOT_AVAILABLE.code, "The group coordinator is busy")).toList()));
    }

    private static FindCoordinatorResponse findCoordinatorResponse(final short version,
        final List<FindCoordinatorResponse.Coordinator> found)
    {
        if (version >= 4)
        {
            return new FindCoordinatorResponse(0, ErrorCode.NONE.code, null, -1, "", -1, found);
        }
        final FindCoordinatorResponse.Coordinator c = found.get(0);
        return new FindCoordinatorResponse(0, c.errorCode(), c.errorMessage(), c.nodeId(), c.host(), c.port(), List.of());
    }

    public void joinGroup(final RequestContext ctx, final JoinGroupRequest request)
    {
        final short v = ctx.version();
        final String clientHost = clientHost(ctx);
        submit(ctx, now -> coordinator().joinGroup(request, v >= 4, ctx.clientId(), clientHost, now,
            response -> ctx.respond(fitJoin(response, v))),
            () -> fitJoin(new JoinGroupResponse(0, ErrorCode.COORDINATOR_NOT_AVAILABLE.code, -1, null, null, "", false,
                request.memberId() == null ? "" : request.memberId(), List.of()), v));
    }

    /** Before v7 the protocol name is a non-null string ("" for none), as Kafka writes it. */
    private static JoinGroupResponse fitJoin(final JoinGroupResponse r, final short version)
    {
        if (version >= 7 || r.protocolName() != null)
        {
            return r;
        }
        return new JoinGroupResponse(r.throttleTimeMs(), r.errorCode(), r.generationId(), r.protocolType(), "", r.leader(),
            r.skipAssignment(), r.memberId(), r.members());
    }

    public void syncGroup(final RequestContext ctx, final SyncGroupRequest request)
    {
        submit(ctx, now -> coordinator().syncGroup(request, now, ctx::respond),
            () -> new SyncGroupResponse(0, ErrorCode.COORDINATOR_NOT_AVAILABLE.code, null, null, new byte[0]));
    }

    public void heartbeat(final RequestContext ctx, final HeartbeatRequest request)
    {
        submit(ctx, now -> ctx.respond(new HeartbeatResponse(0, coordinator().heartbeat(request, now).code)),
            () -> new HeartbeatResponse(0, ErrorCode.COORDINATOR_NOT_AVAILABLE.code));
    }

    public void leaveGroup(final RequestContext ctx, final LeaveGroupRequest request)
    {
        final short v = ctx.version();
        final List<LeaveGroupRequest.MemberIdentity> members = v >= 3 ? request.members() :
            List.of(new LeaveGroupRequest.MemberIdentity(request.memberId(), null, null));
        submit(ctx, now ->
        {
            final LeaveGroupResponse r = coordinator().leaveGroup(request.groupId(), members, now);
            if (v >= 3)
            {
                ctx.respond(r);
                return;
            }
            // Before v3 one member leaves and its outcome is the top-level error.
            short code = r.errorCode();
            if (code == ErrorCode.NONE.code && !r.members().isEmpty())
            {
                code = r.members().get(0).errorCode();
            }
            ctx.respond(new LeaveGroupResponse(0, code, List.of()));
        }, () -> new LeaveGroupResponse(0, ErrorCode.COORDINATOR_NOT_AVAILABLE.code, List.of()));
    }

    public void offsetCommit(final RequestContext ctx, final OffsetCommitRequest request)
    {
        submit(ctx, now -> coordinator().commitOffsets(request, now, ctx::respond),
            () -> commitError(request, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }

    private static OffsetCommitResponse commitError(final OffsetCommitRequest request, final ErrorCode error)
    {
        final List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (final OffsetCommitRequest.Topic t : request.topics())
        {
            topics.add(new OffsetCommitResponse.Topic(t.name(), t.partitions().stream()
                .map(p -> new OffsetCommitResponse.Partition(p.partitionIndex(), error.code)).toList()));
        }
        return new OffsetCommitResponse(0, topics);
    }

    public void offsetFetch(final RequestContext ctx, final OffsetFetchRequest request)
    {
        final short v = ctx.version();
        submit(ctx, now ->
        {
            if (v >= 8)
            {
                final List<OffsetFetchResponse.Group> out = new ArrayList<>(request.groups().size());
                for (final OffsetFetchRequest.Group g : request.groups())
                {
                    out.add(coordinator().fetchOffsets(g.groupId(), g.topics()));
                }
                ctx.respond(new OffsetFetchResponse(0, List.of(), ErrorCode.NONE.code, out));
                return;
            }
            ctx.respond(singleGroupFetch(request, coordinator().fetchOffsets(request.groupId(), request.topics()), v));
        }, () -> v >= 8 ?
            new OffsetFetchResponse(0, List.of(), ErrorCode.NONE.code, request.groups().stream()
                .map(g -> new OffsetFetchResponse.Group(g.groupId(), List.of(), ErrorCode.COORDINATOR_NOT_AVAILABLE.code)).toList()) :
            singleGroupFetch(request, new OffsetFetchResponse.Group(request.groupId(), List.of(),
                ErrorCode.COORDINATOR_NOT_AVAILABLE.code), v));
    }

    /** v1-7: one group; v1 has no top-level error, so an error goes on every requested partition as well. */
    private static OffsetFetchResponse singleGroupFetch(final OffsetFetchRequest request, final OffsetFetchResponse.Group g,
        final short version)
    {
        if (g.errorCode() == ErrorCode.NONE.code || request.topics() == null)
        {
            return new OffsetFetchResponse(0, g.topics(), g.errorCode(), List.of());
        }
        final List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
        for (final OffsetFetchRequest.Topic t : request.topics())
        {
            topics.add(new OffsetFetchResponse.Topic(t.name(), t.partitionIndexes().stream()
                .map(p -> new OffsetFetchResponse.Partition(p, -1, -1, "", g.errorCode())).toList()));
        }
        return new OffsetFetchResponse(0, version >= 2 ? List.of() : topics, g.errorCode(), List.of());
    }

    public void listGroups(final RequestContext ctx, final ListGroupsRequest request)
    {
        submit(ctx, now -> ctx.respond(coordinator().listGroups(request.statesFilter(), request.typesFilter())),
            () -> new ListGroupsResponse(0, ErrorCode.COORDINATOR_NOT_AVAILABLE.code, List.of()));
    }

    public void describeGroups(final RequestContext ctx, final DescribeGroupsRequest request)
    {
        submit(ctx, now ->
        {
            final List<DescribeGroupsResponse.DescribedGroup> out = new ArrayList<>(request.groups().size());
            for (final String g : request.groups())
            {
                out.add(coordinator().describeGroup(g));
            }
            ctx.respond(new DescribeGroupsResponse(0, out));
        }, () -> new DescribeGroupsResponse(0, request.groups().stream().map(g -> new DescribeGroupsResponse.DescribedGroup(
            ErrorCode.COORDINATOR_NOT_AVAILABLE.code, g, "", "", "", List.of(), DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED))
            .toList()));
    }

    public void deleteGroups(final RequestContext ctx, final DeleteGroupsRequest request)
    {
        submit(ctx, now -> coordinator().deleteGroups(request.groupsNames(), now, ctx::respond),
            () -> new DeleteGroupsResponse(0, request.groupsNames().stream().map(g -> new DeleteGroupsResponse.DeletableGroupResult(
                g, ErrorCode.COORDINATOR_NOT_AVAILABLE.code)).toList()));
    }

    public void offsetDelete(final RequestContext ctx, final OffsetDeleteRequest request)
    {
        submit(ctx, now -> coordinator().deleteOffsets(request, now, ctx::respond),
            () -> new OffsetDeleteResponse(ErrorCode.COORDINATOR_NOT_AVAILABLE.code, 0, List.of()));
    }

    private GroupCoordinator coordinator()
    {
        return service.coordinator();
    }

    /**
     * Runs {@code work} on the coordinator thread (first making sure {@code __consumer_offsets}
     * exists or is being created), or answers {@code busy} now when the queue is full. A bug in
     * {@code work} closes the connection, as the router does: its response would never come.
     */
    private void submit(final RequestContext ctx, final LongConsumer work, final Supplier<Message> busy)
    {
        final boolean queued = service.submit(now ->
        {
            try
            {
                service.ensureTopic();
                work.accept(now);
            }
            catch (final RuntimeException e)
            {
                LOG.error("Closing connection from {}: {} v{} failed", ctx.connection().remoteAddress(), ctx.api(), ctx.version(), e);
                ctx.connection().close();
            }
        });
        if (!queued)
        {
            ctx.respond(busy.get());
        }
    }

    /** Kafka reports a member's host as {@code InetAddress.toString()} of the connection: "/127.0.0.1". */
    static String clientHost(final RequestContext ctx)
    {
        final String remote = ctx.connection().remoteAddress();
        final int colon = remote.lastIndexOf(':');
        return "/" + (colon > 0 ? remote.substring(0, colon) : remote);
    }
}
