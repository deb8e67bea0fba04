package io.osprey.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.log.LogAppendInfo;
import io.osprey.log.PartitionLog;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.ProduceResponse;

/**
 * Produce: each partition's batch goes to the log agent that owns the partition, run on the
 * network thread itself when that agent is idle ({@link LogAgent#runInline}); the response is
 * sent when every partition has answered. Batches of one partition from one connection reach the
 * same agent in arrival order (a batch runs inline only when nothing is queued before it), so
 * pipelined produces append in order.
 * <p>
 * {@code acks=1} is answered after the leader's append (and its flush when the flush policy asks
 * for one). {@code acks=all} is refused with NOT_ENOUGH_REPLICAS before the append when the ISR
 * is smaller than {@code min.insync.replicas}; after the append it waits (the produce purgatory,
 * {@link Partition#awaitHighWatermark}) until the high watermark passes the batch, that is
 * until every in-sync replica holds it, and fails with NOT_ENOUGH_REPLICAS_AFTER_APPEND or
 * REQUEST_TIMED_OUT when it cannot complete.
 */
public final class ProduceHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);

    private final PartitionManager partitions;

    public ProduceHandler(final PartitionManager partitions)
    {
        this.partitions = partitions;
    }

    /**
     * @param shares non-null when the request's batches are slices of pooled network memory: each
     *               log agent task holds a share until it has appended (or refused) its batch
     */
    void handle(final RequestContext ctx, final ProduceRequest request, final FrameShares shares)
    {
        final List<Pending> pending = new ArrayList<>();
        final ProduceResponse.PartitionResponse[][] results = new ProduceResponse.PartitionResponse[request.topicData().size()][];
        final ErrorCode precheck = precheck(ctx, request);
        final String precheckMessage = precheck == ErrorCode.NONE ? null : precheckMessage(precheck, ctx, request);
        for (int t = 0; t < request.topicData().size(); t++)
        {
            final ProduceRequest.TopicData topic = request.topicData().get(t);
            results[t] = new ProduceResponse.PartitionResponse[topic.partitionData().size()];
            for (int p = 0; p < topic.partitionData().size(); p++)
            {
                final ProduceRequest.PartitionData data = topic.partitionData().get(p);
                if (precheck != ErrorCode.NONE)
                {
                    results[t][p] = error(data.index(), precheck, precheckMessage);
                    continue;
                }
                if (MetadataHandler.isInternal(topic.name()))
                {
                    // As Kafka: only the group coordinator writes its internal topic.
                    results[t][p] = error(data.index(), ErrorCode.INVALID_TOPIC_EXCEPTION,
                        "Cannot append to internal topic " + topic.name());
                    continue;
                }
                final TopicPartition tp = new TopicPartition(topic.name(), data.index());
                final Partition partition = partitions.leaderPartition(tp);
                if (partition == null)
                {
                    final ErrorCode code = partitions.notServedError(tp);
                    results[t][p] = error(data.index(), code, code == ErrorCode.NOT_LEADER_OR_FOLLOWER
                        ? "This server is not the leader of " + tp.topic() + "-" + tp.partition()
                        : "This server does not host " + tp.topic() + "-" + tp.partition());
                    continue;
                }
                if (data.records() == null || data.records().sizeInBytes() == 0)
                {
                    results[t][p] = error(data.index(), ErrorCode.INVALID_RECORD, "Produce request carries no records");
                    continue;
                }
                pending.add(new Pending(t, p, partition, data.records()));
            }
        }
        if (pending.isEmpty())
        {
            respond(ctx, request, results);
            return;
        }
        final AtomicInteger outstanding = new AtomicInteger(pending.size());
        for (final Pending item : pending)
        {
            if (shares != null)
            {
                shares.retain();
            }
            item.partition.agent().runInlineOrSubmit(new LogAgent.Task()
            {
                private ProduceResponse.PartitionResponse result;
                private long lastOffset;
                private int appendEpoch;

                @Override
                public PartitionLog log()
                {
                    return item.partition.log();
                }

                @Override
                public void run(final long nowMs)
                {
                    final LogAppendInfo info;
                    try
                    {
                        info = append(item, request.acks(), nowMs);
                    }
                    finally
                    {
                        // The batch is in the log (or refused): its bytes in the request are not read again.
                        if (shares != null)
                        {
                            shares.release();
                        }
                    }
                    if (info != null)
                    {
                        lastOffset = info.lastOffset();
                        result = new ProduceResponse.PartitionResponse(item.partition.topicPartition().partition(),
                            ErrorCode.NONE.code, info.firstOffset(), info.logAppendTimeMs(), item.partition.log().logStartOffset(),
                            List.of(), null, null);
                    }
                    else
                    {
                        result = failure;
                    }
                }

                private ProduceResponse.PartitionResponse failure;

                private LogAppendInfo append(final Pending item, final short acks, final long nowMs)
                {
                    final Partition partition = item.partition;
                    final int index = partition.topicPartition().partition();
                    if (partition.isDeleted())
                    {
                        failure = error(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "Topic " + partition.topicPartition().topic() + " was deleted");
                        return null;
                    }
                    final int epoch = partition.leaderEpochOnAgent();
                    if (epoch < 0)
                    {
                        failure = error(index, ErrorCode.NOT_LEADER_OR_FOLLOWER,
                            "This server is not the leader of " + partition.topicPartition());
                        return null;
                    }
                    if (acks == -1)
                    {
                        final ErrorCode enough = partition.checkEnoughReplicas();
                        if (enough != ErrorCode.NONE)
                        {
                            failure = error(index, enough, replicationErrorMessage(enough, partition));
                            return null;
                        }
                    }
                    try
                    {
                        appendEpoch = epoch;
                        final LogAppendInfo info = partition.appendAsLeader(item.records.buffer(), epoch, nowMs);
                        if (!info.duplicate())
                        {
                            partition.metrics().onAppend(info.bytes(), info.lastOffset() - info.firstOffset() + 1);
                        }
                        return info;
                    }
                    catch (final OspreyException e)
                    {
                        LOG.info("Rejected produce to {}: {}", partition.topicPartition(), e.getMessage());
                        failure = error(index, e.errorCode(), e.getMessage());
                    }
                    catch (final RuntimeException e)
                    {
                        LOG.error("Append to {} failed", partition.topicPartition(), e);
                        failure = error(index, ErrorCode.UNKNOWN_SERVER_ERROR,
                            "Append to " + partition.topicPartition() + " failed: " + e);
                    }
                    return null;
                }

                @Override
                public void onFlushFailed(final RuntimeException e)
                {
                    // The flush the policy requires did not happen: the batch must not be acknowledged as durable.
                    result = error(item.partition.topicPartition().partition(), ErrorCode.KAFKA_STORAGE_ERROR,
                        "Could not flush " + item.partition.topicPartition() + ": " + e.getMessage());
                }

                @Override
                public void complete()
                {
                    try
                    {
                        item.partition.onNewData();
                    }
                    catch (final RuntimeException e)
                    {
                        LOG.error("Waking delayed fetches of {} failed", item.partition.topicPartition(), e);
                    }
                    if (request.acks() != -1 || result.errorCode() != ErrorCode.NONE.code)
                    {
                        finish(result);
                        return;
                    }
                    final ProduceResponse.PartitionResponse appended = result;
                    item.partition.awaitHighWatermark(appendEpoch, lastOffset, request.timeoutMs(), error ->
                        finish(error == ErrorCode.NONE ? appended : error(item.partition.topicPartition().partition(), error,
                            replicationErrorMessage(error, item.partition))));
                }

                private void finish(final ProduceResponse.PartitionResponse r)
                {
                    results[item.topicIndex][item.partitionIndex] = r;
                    if (outstanding.decrementAndGet() == 0)
                    {
                        respond(ctx, request, results);
                    }
                }
            });
        }
    }

    private static ErrorCode precheck(final RequestContext ctx, final ProduceRequest request)
    {
        if (ctx.version() < 3)
        {
            return ErrorCode.UNSUPPORTED_VERSION;
        }
        if (request.acks() != 0 && request.acks() != 1 && request.acks() != -1)
        {
            return ErrorCode.INVALID_REQUIRED_ACKS;
        }
        return ErrorCode.NONE;
    }

    private static String precheckMessage(final ErrorCode code, final RequestContext ctx, final ProduceRequest request)
    {
        return code == ErrorCode.UNSUPPORTED_VERSION ?
            "Produce v" + ctx.version() + " (message format v0/v1) is not supported; use v3 or later" :
            "acks must be -1 (all), 0 or 1, not " + request.acks();
    }

    /** The message for a replication failure, in Kafka's words where Kafka has them. */
    static String replicationErrorMessage(final ErrorCode code, final Partition partition)
    {
        final List<Integer> isr = partition.isr();
        return switch (code)
        {
            case NOT_ENOUGH_REPLICAS -> "The size of the current ISR " + isr + " is insufficient to satisfy the min.isr " +
                "requirement of " + partition.minInsyncReplicas() + " for partition " + partition.topicPartition();
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "The write to " + partition.topicPartition() + " was appended, but the ISR " +
                isr + " shrank below min.insync.replicas=" + partition.minInsyncReplicas() + " before it was replicated";
            case REQUEST_TIMED_OUT -> "The write to " + partition.topicPartition() + " was appended but not replicated to the " +
                "ISR " + isr + " within the request timeout";
            case NOT_LEADER_OR_FOLLOWER -> "Leadership of " + partition.topicPartition() + " moved before the write was replicated";
            default -> code + " for " + partition.topicPartition();
        };
    }

    /**
     * Sends the response; with acks=0 there is none, so a failed partition closes the connection
     * instead, as Kafka does, which makes the producer refresh its metadata.
     */
    private static void respond(final RequestContext ctx, final ProduceRequest request,
        final ProduceResponse.PartitionResponse[][] results)
    {
        if (request.acks() == 0)
        {
            for (final ProduceResponse.PartitionResponse[] topic : results)
            {
                for (final ProduceResponse.PartitionResponse r : topic)
                {
                    if (r.errorCode() != ErrorCode.NONE.code)
                    {
                        LOG.info("Closing connection from {}: acks=0 produce failed: {}", ctx.connection().remoteAddress(),
                            r.errorMessage());
                        ctx.connection().close();
                        return;
                    }
                }
            }
            return;
        }
        ctx.respond(response(request, results));
    }

    private static ProduceResponse.PartitionResponse error(final int index, final ErrorCode code, final String message)
    {
        return new ProduceResponse.PartitionResponse(index, code.code, -1, -1, -1, List.of(), message, null);
    }

    private static ProduceResponse response(final ProduceRequest request, final ProduceResponse.PartitionResponse[][] results)
    {
        final List<ProduceResponse.TopicResponse> topics = new ArrayList<>(results.length);
        for (int t = 0; t < results.length; t++)
        {
            topics.add(new ProduceResponse.TopicResponse(request.topicData().get(t).name(), List.of(results[t])));
        }
        return new ProduceResponse(topics, 0, List.of());
    }

    private record Pending(int topicIndex, int partitionIndex, Partition partition, MemoryRecords records)
    {
    }
}
