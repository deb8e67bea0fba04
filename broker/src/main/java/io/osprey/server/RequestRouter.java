package io.osprey.server;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.group.GroupHandler;
import io.osprey.metrics.RequestMetrics;
import io.osprey.network.Connection;
import io.osprey.network.RequestDispatcher;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.message.AlterPartitionReassignmentsRequest;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.CreatePartitionsRequest;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.DeleteRecordsRequest;
import io.osprey.protocol.message.DeleteTopicsRequest;
import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeLogDirsRequest;
import io.osprey.protocol.message.ElectLeadersRequest;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListPartitionReassignmentsRequest;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.DeleteGroupsRequest;
import io.osprey.protocol.message.DescribeGroupsRequest;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.ListGroupsRequest;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetDeleteRequest;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.SyncGroupRequest;

/**
 * Decodes each request and routes it to its handler. Runs on the connection's event loop.
 * <p>
 * What cannot be answered in the request's own layout closes the connection, as Kafka does:
 * an unknown API key, an unsupported version (except ApiVersions, which is answered in its v0
 * layout with UNSUPPORTED_VERSION and the supported ranges so the client can retry lower),
 * and a body that does not decode. Everything else gets its API's error code and message.
 * <p>
 * Each routed request counts in {@link RequestMetrics}: queue time up to the handler's start,
 * local time while the handler runs here, total time when its response is sent.
 */
public final class RequestRouter implements RequestDispatcher
{
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    private final ProduceHandler produce;
    private final FetchHandler fetch;
    private final MetadataHandler metadata;
    private final ListOffsetsHandler listOffsets;
    private final AdminHandler admin;
    private final PartitionAdminHandler partitionAdmin;
    private final GroupHandler groups;
    private final RequestMetrics metrics;

    public RequestRouter(final ProduceHandler produce, final FetchHandler fetch, final MetadataHandler metadata,
        final ListOffsetsHandler listOffsets, final AdminHandler admin, final PartitionAdminHandler partitionAdmin, final GroupHandler groups,
        final RequestMetrics metrics)
    {
        this.partitionAdmin = partitionAdmin;
        this.metrics = metrics;
        this.groups = groups;
        this.produce = produce;
        this.fetch = fetch;
        this.metadata = metadata;
        this.listOffsets = listOffsets;
        this.admin = admin;
    }

    @Override
    public void onRequest(final Connection connection, final ByteBuffer frame, final Runnable release)
    {
        if (release == null)
        {
            dispatch(connection, frame, null);
            return;
        }
        // The router holds one share of the pooled frame while it dispatches; a produce hands a
        // share to each log agent task that appends from it.
        final FrameShares shares = new FrameShares(release);
        try
        {
            dispatch(connection, frame, shares);
        }
        finally
        {
            shares.release();
        }
    }

    private void dispatch(final Connection connection, final ByteBuffer frame, final FrameShares shares)
    {
        final long receivedNs = System.nanoTime();
        final RequestHeader header;
        final ApiKey api;
        try
        {
            final ProtocolReader headerReader = new ProtocolReader(frame, false);
            header = RequestHeader.read(headerReader);
            api = ApiKey.forId(header.apiKey());
            if (api == null)
            {
                LOG.warn("Closing connection from {}: unknown API key {} (client {})", connection.remoteAddress(),
                    header.apiKey(), header.clientId());
                connection.close();
                return;
            }
            if (!api.isSupported(header.apiVersion()))
            {
                if (api == ApiKey.API_VERSIONS)
                {
                    final Connection.Slot slot = connection.newSlot(header.correlationId());
                    slot.complete(RequestContext.encode(api, (short)0, header.correlationId(),
                        apiVersions(ErrorCode.UNSUPPORTED_VERSION)));
                    return;
                }
                LOG.warn("Closing connection from {}: {} version {} is not supported (served {}-{}, client {})",
                    connection.remoteAddress(), api, header.apiVersion(), api.oldest, api.latest, header.clientId());
                connection.close();
                return;
            }
            if (api.requestHeaderVersion(header.apiVersion()) >= 2)
            {
                RequestHeader.readTaggedFields(new ProtocolReader(frame, true));
            }
        }
        catch (final ProtocolException e)
        {
            LOG.warn("Closing connection from {}: malformed request header: {}", connection.remoteAddress(), e.getMessage());
            connection.close();
            return;
        }
        final short version = header.apiVersion();
        final ProtocolReader body = new ProtocolReader(frame, api.isFlexible(version));
        final long startNs = System.nanoTime();
        try
        {
            switch (api)
            {
                case API_VERSIONS ->
                {
                    ApiVersionsRequest.read(body, version);
                    context(connection, header, api, receivedNs).respond(apiVersions(ErrorCode.NONE));
                }
                case METADATA -> metadata.handle(context(connection, header, api, receivedNs), MetadataRequest.read(body, version));
                case PRODUCE ->
                {
                    final ProduceRequest request = ProduceRequest.read(body, version);
                    // acks=0: the client expects no response, so the request takes no response slot.
                    final RequestContext ctx = request.acks() == 0 ?
                        new RequestContext(header, api, connection, null, receivedNs, metrics) : context(connection, header, api, receivedNs);
                    produce.handle(ctx, request, shares);
                }
                case FETCH -> fetch.handle(context(connection, header, api, receivedNs), FetchRequest.read(body, version));
                case LIST_OFFSETS -> listOffsets.handle(context(connection, header, api, receivedNs), ListOffsetsRequest.read(body, version));
                case INIT_PRODUCER_ID -> admin.initProducerId(context(connection, header, api, receivedNs),
                    InitProducerIdRequest.read(body, version));
                case CREATE_TOPICS -> admin.createTopics(context(connection, header, api, receivedNs), CreateTopicsRequest.read(body, version));
                case DELETE_TOPICS -> admin.deleteTopics(context(connection, header, api, receivedNs), DeleteTopicsRequest.read(body, version));
                case CREATE_PARTITIONS -> admin.createPartitions(context(connection, header, api, receivedNs),
                    CreatePartitionsRequest.read(body, version));
                case DESCRIBE_CONFIGS -> admin.describeConfigs(context(connection, header, api, receivedNs),
                    DescribeConfigsRequest.read(body, version));
                case INCREMENTAL_ALTER_CONFIGS -> admin.incrementalAlterConfigs(context(connection, header, api, receivedNs),
                    IncrementalAlterConfigsRequest.read(body, version));
                case DESCRIBE_CLUSTER -> admin.describeCluster(context(connection, header, api, receivedNs),
                    DescribeClusterRequest.read(body, version));
                case DESCRIBE_LOG_DIRS -> partitionAdmin.describeLogDirs(context(connection, header, api, receivedNs),
                    DescribeLogDirsRequest.read(body, version));
                case DELETE_RECORDS -> partitionAdmin.deleteRecords(context(connection, header, api, receivedNs),
                    DeleteRecordsRequest.read(body, version));
                case ELECT_LEADERS -> partitionAdmin.electLeaders(context(connection, header, api, receivedNs),
                    ElectLeadersRequest.read(body, version));
                case ALTER_PARTITION_REASSIGNMENTS -> partitionAdmin.alterPartitionReassignments(context(connection, header, api, receivedNs),
                    AlterPartitionReassignmentsRequest.read(body, version));
                case LIST_PARTITION_REASSIGNMENTS -> partitionAdmin.listPartitionReassignments(context(connection, header, api, receivedNs),
                    ListPartitionReassignmentsRequest.read(body, version));
                case FIND_COORDINATOR -> groups.findCoordinator(context(connection, header, api, receivedNs),
                    FindCoordinatorRequest.read(body, version));
                case JOIN_GROUP -> groups.joinGroup(context(connection, header, api, receivedNs), JoinGroupRequest.read(body, version));
                case SYNC_GROUP -> groups.syncGroup(context(connection, header, api, receivedNs), SyncGroupRequest.read(body, version));
                case HEARTBEAT -> groups.heartbeat(context(connection, header, api, receivedNs), HeartbeatRequest.read(body, version));
                case LEAVE_GROUP -> groups.leaveGroup(context(connection, header, api, receivedNs), LeaveGroupRequest.read(body, version));
                case OFFSET_COMMIT -> groups.offsetCommit(context(connection, header, api, receivedNs),
                    OffsetCommitRequest.read(body, version));
                case OFFSET_FETCH -> groups.offsetFetch(context(connection, header, api, receivedNs), OffsetFetchRequest.read(body, version));
                case LIST_GROUPS -> groups.listGroups(context(connection, header, api, receivedNs), ListGroupsRequest.read(body, version));
                case DESCRIBE_GROUPS -> groups.describeGroups(context(connection, header, api, receivedNs),
                    DescribeGroupsRequest.read(body, version));
                case OFFSET_DELETE -> groups.offsetDelete(context(connection, header, api, receivedNs),
                    OffsetDeleteRequest.read(body, version));
                case DELETE_GROUPS -> groups.deleteGroups(context(connection, header, api, receivedNs),
                    DeleteGroupsRequest.read(body, version));
                default -> connection.close();
            }
            metrics.onHandled(api, startNs - receivedNs, System.nanoTime() - startNs);
        }
        catch (final ProtocolException e)
        {
            LOG.warn("Closing connection from {}: malformed {} v{} request (client {}): {}", connection.remoteAddress(), api,
                version, header.clientId(), e.getMessage());
            connection.close();
        }
        catch (final RuntimeException e)
        {
            // A bug, not bad input: the response slot may never complete, so the connection cannot stay.
            LOG.error("Closing connection from {}: {} v{} failed", connection.remoteAddress(), api, version, e);
            connection.close();
        }
    }

    private RequestContext context(final Connection connection, final RequestHeader header, final ApiKey api,
        final long receivedNs)
    {
        return new RequestContext(header, api, connection, connection.newSlot(header.correlationId()), receivedNs, metrics);
    }

    static Message apiVersions(final ErrorCode error)
    {
        final List<ApiVersionsResponse.ApiVersion> keys = new ArrayList<>();
        for (final ApiKey k : ApiKey.values())
        {
            keys.add(new ApiVersionsResponse.ApiVersion(k.id, k.oldest, k.latest));
        }
        return new ApiVersionsResponse(error.code, keys, 0);
    }
}
