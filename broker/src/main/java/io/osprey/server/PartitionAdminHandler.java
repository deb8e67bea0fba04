package io.osprey.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;
import io.osprey.controller.TopicInfo;
import io.osprey.protocol.message.AlterPartitionReassignmentsRequest;
import io.osprey.protocol.message.AlterPartitionReassignmentsResponse;
import io.osprey.protocol.message.DeleteRecordsRequest;
import io.osprey.protocol.message.DeleteRecordsResponse;
import io.osprey.protocol.message.DescribeLogDirsRequest;
import io.osprey.protocol.message.DescribeLogDirsResponse;
import io.osprey.protocol.message.ElectLeadersRequest;
import io.osprey.protocol.message.ElectLeadersResponse;
import io.osprey.protocol.message.ListPartitionReassignmentsRequest;
import io.osprey.protocol.message.ListPartitionReassignmentsResponse;

/**
 * Leadership and replica placement: ElectLeaders (preferred-leader election) and
 * AlterPartitionReassignments are forwarded to the controller quorum and answered once
 * committed, with Kafka's per-partition errors (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
 * INVALID_REPLICA_ASSIGNMENT, NO_REASSIGNMENT_IN_PROGRESS, UNKNOWN_TOPIC_OR_PARTITION);
 * ListPartitionReassignments is answered from this broker's metadata image, DescribeLogDirs
 * from its own logs (what Kafka's reassignment tool also asks for). The committed
 * records reach this broker's image before the controller's answer, so a client that asks this
 * broker next sees the change.
 * <p>
 * Threads: requests are handled on the admin executor, never on a network event loop; answers to
 * forwarded requests are sent from the controller client's callback thread.
 */
public final class PartitionAdminHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(PartitionAdminHandler.class);

    private final PartitionManager partitions;
    private final ControllerLink controller;
    private final ExecutorService executor;

    public PartitionAdminHandler(final PartitionManager partitions, final ControllerLink controller, final ExecutorService executor)
    {
        this.partitions = partitions;
        this.controller = controller;
        this.executor = executor;
    }

    private void async(final RequestContext ctx, final Runnable work)
    {
        AdminHandler.runAsync(executor, ctx, work);
    }

    // ---- DeleteRecords -----------------------------------------------------------------------------

    /**
     * Moves each partition's log start up to the requested offset (-1: the high watermark) on
     * its leader, writes the log start checkpoint once every move is made (so an answered
     * deletion survives a restart of the leader), and answers each partition, as Kafka does, once
     * every in-sync replica reports a log start at or above its offset (the low watermark).
     * Followers take the leader's new start from the fetch answers the move releases at once.
     */
    public void deleteRecords(final RequestContext ctx, final DeleteRecordsRequest request)
    {
        async(ctx, () ->
        {
            final List<String> names = new ArrayList<>();
            final List<List<Deletion>> byTopic = new ArrayList<>();
            final List<CompletableFuture<Void>> moved = new ArrayList<>();
            final List<CompletableFuture<DeleteRecordsResponse.Partition>> answered = new ArrayList<>();
            for (final DeleteRecordsRequest.Topic t : request.topics())
            {
                final List<Deletion> topic = new ArrayList<>();
                for (final DeleteRecordsRequest.Partition p : t.partitions())
                {
                    final Deletion d = deleteBelow(t.name(), p, request.timeoutMs());
                    topic.add(d);
                    moved.add(d.moved());
                    answered.add(d.answer());
                }
                names.add(t.name());
                byTopic.add(topic);
            }
            final boolean[] stored = {true};
            CompletableFuture.allOf(moved.toArray(CompletableFuture[]::new)).thenRunAsync(() ->
            {
                try
                {
                    partitions.checkpointLogStartOffsets();
                }
                catch (final IOException ex)
                {
                    LOG.error("Could not write the log start offsets after DeleteRecords", ex);
                    stored[0] = false;
                }
            }, executor).thenCompose(v -> CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new))).thenRunAsync(() ->
            {
                final List<DeleteRecordsResponse.Topic> topics = new ArrayList<>(names.size());
                for (int i = 0; i < names.size(); i++)
                {
                    final List<DeleteRecordsResponse.Partition> out = new ArrayList<>();
                    for (final Deletion d : byTopic.get(i))
                    {
                        final DeleteRecordsResponse.Partition r = d.answer().join();
                        // Deleted in memory but not recorded: a restart would bring the records back, so say it failed.
                        out.add(stored[0] || r.errorCode() != ErrorCode.NONE.code ? r :
                            deleteError(r.partitionIndex(), ErrorCode.KAFKA_STORAGE_ERROR));
                    }
                    topics.add(new DeleteRecordsResponse.Topic(names.get(i), out));
                }
                ctx.respond(new DeleteRecordsResponse(0, topics));
            }, executor).whenComplete((v, e) ->
            {
                if (e != null)
                {
                    // As the router does for a request whose answer cannot be made: the connection goes.
                    LOG.error("{} failed", ctx.api(), e);
                    ctx.connection().close();
                }
            });
        });
    }

    /** One partition's deletion: {@code moved} once the leader's log start moved (or it failed), {@code answer} at the end. */
    private record Deletion(CompletableFuture<Void> moved, CompletableFuture<DeleteRecordsResponse.Partition> answer)
    {
        static Deletion failed(final int index, final ErrorCode code)
        {
            return new Deletion(CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(deleteError(index, code)));
        }

        void fail(final int index, final ErrorCode code)
        {
            answer.complete(deleteError(index, code));
            moved.complete(null);
        }
    }

    private Deletion deleteBelow(final String topic, final DeleteRecordsRequest.Partition p, final int timeoutMs)
    {
        final int index = p.partitionIndex();
        final TopicPartition tp = new TopicPartition(topic, index);
        final Partition partition = partitions.leaderPartition(tp);
        if (partition == null || partition.isDeleted())
        {
            return Deletion.failed(index, partition == null ? partitions.notServedError(tp) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (!partition.log().config().compaction().deletePolicy())
        {
            // As Kafka: a compacted-only topic keeps every key's latest value; deleting a prefix would drop some.
            return Deletion.failed(index, ErrorCode.POLICY_VIOLATION);
        }
        final Deletion deletion = new Deletion(new CompletableFuture<>(), new CompletableFuture<>());
        // On the partition's agent, its single writer: the log start moves between appends, never during one.
        partition.agent().submit(nowMs ->
        {
            try
            {
                if (partition.isDeleted() || !partition.isLeader())
                {
                    deletion.fail(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
                    return;
                }
                final long hw = partition.highWatermark();
                final long offset = p.offset() == DeleteRecordsRequest.HIGH_WATERMARK ? hw : p.offset();
                if (offset < 0 || offset > hw)
                {
                    deletion.fail(index, ErrorCode.OFFSET_OUT_OF_RANGE);
                    return;
                }
                final long before = partition.log().logStartOffset();
                if (partition.log().advanceLogStartOffset(offset, nowMs) > before)
                {
                    partition.onLogStartMoved();
                }
                deletion.moved().complete(null);
                // As Kafka: answered once every in-sync replica has moved its own log start that far (the low watermark),
                // so a new leader elected from the ISR does not serve the deleted records; REQUEST_TIMED_OUT if that
                // takes longer than the request allows (the leader's deletion stands).
                partition.awaitLowWatermark(offset).orTimeout(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS).whenComplete((low, e) ->
                {
                    final Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                    deletion.answer().complete(cause == null ? new DeleteRecordsResponse.Partition(index, low, ErrorCode.NONE.code) :
                        deleteError(index, cause instanceof TimeoutException ? ErrorCode.REQUEST_TIMED_OUT :
                            cause instanceof OspreyException o ? o.errorCode() : ErrorCode.UNKNOWN_SERVER_ERROR));
                });
            }
            catch (final OspreyException e)
            {
                deletion.fail(index, e.errorCode());
            }
            catch (final RuntimeException e)
            {
                LOG.error("DeleteRecords on {} failed", tp, e);
                deletion.fail(index, ErrorCode.UNKNOWN_SERVER_ERROR);
            }
        });
        return deletion;
    }

    private static DeleteRecordsResponse.Partition deleteError(final int index, final ErrorCode code)
    {
        return new DeleteRecordsResponse.Partition(index, -1, code.code);
    }

    // ---- ElectLeaders ------------------------------------------------------------------------------

    public void electLeaders(final RequestContext ctx, final ElectLeadersRequest request)
    {
        async(ctx, () ->
        {
            if (request.electionType() != ElectLeadersRequest.PREFERRED)
            {
                refuseElection(ctx, request);
                return;
            }
            if (request.topicPartitions() == null)
            {
                electAll(ctx);
                return;
            }
            final Set<TopicPartition> wanted = new LinkedHashSet<>();
            for (final ElectLeadersRequest.TopicPartitions t : request.topicPartitions())
            {
                for (final int p : t.partitions())
                {
                    wanted.add(new TopicPartition(t.topic(), p));
                }
            }
            if (wanted.isEmpty())
            {
                ctx.respond(new ElectLeadersResponse(0, ErrorCode.NONE.code, List.of()));
                return;
            }
            controller.submit(new Command.ElectLeaders("", 0, new ArrayList<>(wanted))).whenComplete((response, e) ->
            {
                final Map<TopicPartition, Response.Simple> results = new LinkedHashMap<>();
                for (final TopicPartition tp : wanted)
                {
                    results.put(tp, resultOf(response, e, tp));
                }
                ctx.respond(electionResponse(results));
            });
        });
    }

    /**
     * Every partition of the cluster, as the controller's image has them. As Kafka does, the
     * answer leaves out the partitions whose preferred replica already leads.
     */
    private void electAll(final RequestContext ctx)
    {
        controller.submit(new Command.ElectLeaders("", 0, List.of())).whenComplete((response, e) ->
        {
            if (e != null || !(response instanceof Response.PerItem items))
            {
                final ErrorCode code = e != null ? AdminHandler.errorOf(e) : response.error();
                LOG.warn("Preferred leader election of every partition failed: {}", e != null ? e.toString() : response);
                ctx.respond(new ElectLeadersResponse(0, code.code, List.of()));
                return;
            }
            final Map<TopicPartition, Response.Simple> results = new LinkedHashMap<>();
            for (final Map.Entry<String, Response.Simple> item : items.results().entrySet())
            {
                if (item.getValue().error() != ErrorCode.ELECTION_NOT_NEEDED)
                {
                    // Keys are topic + "-" + partition of partitions that exist: the partition follows the last dash.
                    final int dash = item.getKey().lastIndexOf('-');
                    final TopicPartition tp = new TopicPartition(item.getKey().substring(0, dash),
                        Integer.parseInt(item.getKey().substring(dash + 1)));
                    results.put(tp, withMessage(tp, item.getValue()));
                }
            }
            ctx.respond(electionResponse(results));
        });
    }

    /**
     * Unclean elections on request are not served: the controller elects an out-of-sync replica
     * on its own when the topic has {@code unclean.leader.election.enable=true}.
     */
    private static void refuseElection(final RequestContext ctx, final ElectLeadersRequest request)
    {
        final String message = request.electionType() == ElectLeadersRequest.UNCLEAN
            ? "Unclean leader election on request is not supported by Osprey; set unclean.leader.election.enable=true on the topic "
            + "and the controller elects a live out-of-sync replica for a partition without a leader"
            : "Unknown election type " + request.electionType();
        if (request.topicPartitions() == null)
        {
            ctx.respond(new ElectLeadersResponse(0, ErrorCode.INVALID_REQUEST.code, List.of()));
            return;
        }
        final Map<TopicPartition, Response.Simple> results = new LinkedHashMap<>();
        for (final ElectLeadersRequest.TopicPartitions t : request.topicPartitions())
        {
            for (final int p : t.partitions())
            {
                results.put(new TopicPartition(t.topic(), p), new Response.Simple(ErrorCode.INVALID_REQUEST, message));
            }
        }
        ctx.respond(electionResponse(results));
    }

    private static Response.Simple resultOf(final Response response, final Throwable e, final TopicPartition tp)
    {
        if (e != null)
        {
            return new Response.Simple(AdminHandler.errorOf(e), "The controller quorum did not answer: " + causeOf(e).getMessage());
        }
        if (!(response instanceof Response.PerItem items))
        {
            return new Response.Simple(response.error(), String.valueOf(response));
        }
        final Response.Simple r = items.results().get(tp.toString());
        return r == null ? new Response.Simple(ErrorCode.UNKNOWN_SERVER_ERROR, "No result from the controller for " + tp) : withMessage(tp, r);
    }

    /** The controller leaves some messages out; the answer names the partition in each. */
    private static Response.Simple withMessage(final TopicPartition tp, final Response.Simple r)
    {
        if (r.message() != null || r.error() == ErrorCode.NONE)
        {
            return r;
        }
        if (r.error() == ErrorCode.ELECTION_NOT_NEEDED)
        {
            return new Response.Simple(r.error(), "The preferred replica already leads partition " + tp);
        }
        return r;
    }

    private static ElectLeadersResponse electionResponse(final Map<TopicPartition, Response.Simple> results)
    {
        final Map<String, List<ElectLeadersResponse.PartitionResult>> byTopic = new LinkedHashMap<>();
        results.forEach((tp, r) -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
            .add(new ElectLeadersResponse.PartitionResult(tp.partition(), r.error().code, r.error() == ErrorCode.NONE ? null : r.message())));
        final List<ElectLeadersResponse.ReplicaElectionResult> topics = new ArrayList<>();
        byTopic.forEach((topic, list) -> topics.add(new ElectLeadersResponse.ReplicaElectionResult(topic, list)));
        return new ElectLeadersResponse(0, ErrorCode.NONE.code, topics);
    }

    // ---- AlterPartitionReassignments ---------------------------------------------------------------

    public void alterPartitionReassignments(final RequestContext ctx, final AlterPartitionReassignmentsRequest request)
    {
        async(ctx, () ->
        {
            final Map<TopicPartition, Command.PartitionTarget> targets = new LinkedHashMap<>();
            for (final AlterPartitionReassignmentsRequest.ReassignableTopic t : request.topics())
            {
                for (final AlterPartitionReassignmentsRequest.ReassignablePartition p : t.partitions())
                {
                    // Named twice: the first target counts, and both get its answer.
                    targets.putIfAbsent(new TopicPartition(t.name(), p.partitionIndex()),
                        new Command.PartitionTarget(t.name(), p.partitionIndex(), p.replicas()));
                }
            }
            if (targets.isEmpty())
            {
                ctx.respond(reassignmentResponse(request, Map.of()));
                return;
            }
            controller.submit(new Command.AlterPartitionReassignments("", 0, new ArrayList<>(targets.values()),
                request.allowReplicationFactorChange())).whenComplete((response, e) ->
                {
                    final Map<TopicPartition, Response.Simple> results = new LinkedHashMap<>();
                    for (final TopicPartition tp : targets.keySet())
                    {
                        results.put(tp, resultOf(response, e, tp));
                    }
                    ctx.respond(reassignmentResponse(request, results));
                });
        });
    }

    private static AlterPartitionReassignmentsResponse reassignmentResponse(final AlterPartitionReassignmentsRequest request,
        final Map<TopicPartition, Response.Simple> results)
    {
        final List<AlterPartitionReassignmentsResponse.ReassignableTopicResponse> topics = new ArrayList<>();
        for (final AlterPartitionReassignmentsRequest.ReassignableTopic t : request.topics())
        {
            final List<AlterPartitionReassignmentsResponse.ReassignablePartitionResponse> list = new ArrayList<>();
            for (final AlterPartitionReassignmentsRequest.ReassignablePartition p : t.partitions())
            {
                final Response.Simple r = results.get(new TopicPartition(t.name(), p.partitionIndex()));
                list.add(new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse(p.partitionIndex(), r.error().code,
                    r.error() == ErrorCode.NONE ? null : r.message()));
            }
            topics.add(new AlterPartitionReassignmentsResponse.ReassignableTopicResponse(t.name(), list));
        }
        return new AlterPartitionReassignmentsResponse(0, request.allowReplicationFactorChange(), ErrorCode.NONE.code, null, topics);
    }

    // ---- ListPartitionReassignments ----------------------------------------------------------------

    /** The moves in progress in this broker's image, by topic and partition; partitions that do not exist are left out. */
    public void listPartitionReassignments(final RequestContext ctx, final ListPartitionReassignmentsRequest request)
    {
        final MetadataImage image = partitions.metadata().image();
        final TreeMap<String, TreeMap<Integer, PartitionInfo>> moving = new TreeMap<>();
        if (request.topics() == null)
        {
            for (final TopicInfo t : image.topics().values())
            {
                t.partitions().forEach((index, p) -> addIfMoving(moving, t.name(), index, p));
            }
        }
        else
        {
            for (final ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics t : request.topics())
            {
                for (final int index : t.partitionIndexes())
                {
                    addIfMoving(moving, t.name(), index, image.partition(t.name(), index));
                }
            }
        }
        final List<ListPartitionReassignmentsResponse.OngoingTopicReassignment> topics = new ArrayList<>();
        moving.forEach((topic, byIndex) ->
        {
            final List<ListPartitionReassignmentsResponse.OngoingPartitionReassignment> list = new ArrayList<>();
            byIndex.forEach((index, p) -> list.add(new ListPartitionReassignmentsResponse.OngoingPartitionReassignment(index, p.replicas(),
                p.adding(), p.removing())));
            topics.add(new ListPartitionReassignmentsResponse.OngoingTopicReassignment(topic, list));
        });
        ctx.respond(new ListPartitionReassignmentsResponse(0, ErrorCode.NONE.code, null, topics));
    }

    // ---- DescribeLogDirs ---------------------------------------------------------------------------

    /**
     * This broker's one log directory with the partitions it holds (those asked for, or all), each
     * with its size on disk; Kafka's reassignment tool asks it for the rollback plan's log dirs.
     * Osprey keeps no future logs (no moves between directories), so none is listed.
     */
    public void describeLogDirs(final RequestContext ctx, final DescribeLogDirsRequest request)
    {
        async(ctx, () ->
        {
            final java.util.Set<TopicPartition> wanted = new java.util.HashSet<>();
            if (request.topics() != null)
            {
                request.topics().forEach(t -> t.partitions().forEach(p -> wanted.add(new TopicPartition(t.topic(), p))));
            }
            final TreeMap<String, TreeMap<Integer, DescribeLogDirsResponse.DescribeLogDirsPartition>> byTopic = new TreeMap<>();
            for (final Partition p : partitions.partitions())
            {
                final TopicPartition tp = p.topicPartition();
                if (p.isDeleted() || (request.topics() != null && !wanted.contains(tp)))
                {
                    continue;
                }
                final long lag = Math.max(0, p.log().highWatermark() - p.log().logEndOffset());
                byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(),
                    new DescribeLogDirsResponse.DescribeLogDirsPartition(tp.partition(), p.log().sizeInBytes(), lag, false));
            }
            final List<DescribeLogDirsResponse.DescribeLogDirsTopic> topics = new ArrayList<>();
            byTopic.forEach((topic, list) -> topics.add(new DescribeLogDirsResponse.DescribeLogDirsTopic(topic, new ArrayList<>(list.values()))));
            final java.nio.file.Path dir = partitions.logDir().toAbsolutePath();
            long total = DescribeLogDirsResponse.UNKNOWN_BYTES;
            long usable = DescribeLogDirsResponse.UNKNOWN_BYTES;
            try
            {
                final java.nio.file.FileStore store = java.nio.file.Files.getFileStore(dir);
                total = store.getTotalSpace();
                usable = store.getUsableSpace();
            }
            catch (final java.io.IOException e)
            {
                LOG.debug("Cannot read the size of the volume of {}: {}", dir, e.toString());
            }
            ctx.respond(new DescribeLogDirsResponse(0, ErrorCode.NONE.code,
                List.of(new DescribeLogDirsResponse.DescribeLogDirsResult(ErrorCode.NONE.code, dir.toString(), topics, total, usable))));
        });
    }

    private static void addIfMoving(final TreeMap<String, TreeMap<Integer, PartitionInfo>> moving, final String topic, final int index,
        final PartitionInfo p)
    {
        if (p != null && p.isReassigning())
        {
            moving.computeIfAbsent(topic, t -> new TreeMap<>()).put(index, p);
        }
    }

    private static Throwable causeOf(final Throwable e)
    {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
