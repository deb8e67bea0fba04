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
 * Produce: each partition's batch goes to the log agent that owns the partition; the response
 * is sent when every partition has answered. Batches of one partition from one connection reach
 * the same agent queue in arrival order, so pipelined produces append in order.
 * <p>
 * Single node: the high watermark is the log end, so {@code acks=all} and {@code acks=1} are
 * both satisfied by the local append (and its flush when the flush policy asks for one).
 */
public final class ProduceHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);

    private final PartitionManager partitions;

    public ProduceHandler(final PartitionManager partitions)
    {
        this.partitions = partitions;
    }

    public void handle(final RequestContext ctx, final ProduceRequest request)
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
            item.partition.agent().submit(new LogAgent.Task()
            {
                private ProduceResponse.PartitionResponse result;

                @Override
                public PartitionLog log()
                {
                    return item.partition.log();
                }

                @Override
                public void run(final long nowMs)
                {
                    result = append(item, nowMs);
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
                    results[item.topicIndex][item.partitionIndex] = result;
                    if (outstanding.decrementAndGet() == 0)
                    {
                        respond(ctx, request, results);
                    }
                    try
                    {
                        item.partition.onNewData();
                    }
                    catch (final RuntimeException e)
                    {
                        LOG.error("Waking delayed fetches of {} failed", item.partition.topicPartition(), e);
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

    private static ProduceResponse.PartitionResponse append(final Pending item, final long nowMs)
    {
        final Partition partition = item.partition;
        if (partition.isDeleted())
        {
            return error(partition.topicPartition().partition(), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "Topic " + partition.topicPartition().topic() + " was deleted");
        }
        try
        {
            final LogAppendInfo info = partition.log().appendAsLeader(item.records.buffer(), partition.leaderEpoch(), nowMs);
            if (!info.duplicate())
            {
                partition.metrics().onAppend(info.bytes(), info.lastOffset() - info.firstOffset() + 1);
            }
            return new ProduceResponse.PartitionResponse(partition.topicPartition().partition(), ErrorCode.NONE.code,
                info.firstOffset(), info.logAppendTimeMs(), partition.log().logStartOffset(), List.of(), null, null);
        }
        catch (final OspreyException e)
        {
            LOG.info("Rejected produce to {}: {}", partition.topicPartition(), e.getMessage());
            return error(partition.topicPartition().partition(), e.errorCode(), e.getMessage());
        }
        catch (final RuntimeException e)
        {
            LOG.error("Append to {} failed", partition.topicPartition(), e);
            return error(partition.topicPartition().partition(), ErrorCode.UNKNOWN_SERVER_ERROR,
                "Append to " + partition.topicPartition() + " failed: " + e);
        }
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
