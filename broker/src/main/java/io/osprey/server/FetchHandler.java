package io.osprey.server;

import java.util.ArrayList;
import java.util.List;

import io.netty.util.Timer;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.log.LogSlice;
import io.osprey.metrics.TopicMetrics;
import io.osprey.network.FileRecords;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.Records;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;

/**
 * Fetch: reads run on the network thread (log reads are safe from any thread and return file
 * regions, so nothing is copied); the response carries those regions and goes out with
 * sendfile. A fetch that finds fewer than {@code min.bytes} waits as a {@link DelayedFetch}
 * until an append brings enough or {@code max.wait.ms} passes (the long poll).
 * <p>
 * Fetch sessions are declined (session id 0 in every response), which clients handle by
 * sending full fetch requests. Consumers read up to the high watermark. A fetch with a replica
 * id is a follower's: the leader records its position ({@link Partition#onFollowerFetch}), which
 * moves the high watermark, answers a diverging follower with the epoch where the logs part,
 * and serves records up to its log end.
 */
public final class FetchHandler
{
    private final PartitionManager partitions;
    private final Timer timer;
    private final int fetchMaxBytes;

    public FetchHandler(final PartitionManager partitions, final Timer timer, final int fetchMaxBytes)
    {
        this.partitions = partitions;
        this.timer = timer;
        this.fetchMaxBytes = fetchMaxBytes;
    }

    public void handle(final RequestContext ctx, final FetchRequest request)
    {
        final List<Partition> watched = new ArrayList<>();
        final Result first = read(request, watched);
        // As Kafka: min_bytes counts at most the bytes the response may carry, and a fetch for no partition has
        // nothing to wait for.
        final long minBytes = Math.min(request.minBytes(), budget(request));
        if (first.done(minBytes) || request.maxWaitMs() <= 0 || watched.isEmpty())
        {
            first.respond(ctx);
            return;
        }
        final DelayedFetch delayed = new DelayedFetch(watched, force ->
        {
            final Result again = read(request, null);
            if (force || again.done(minBytes))
            {
                again.respond(ctx);
                return true;
            }
            return false;
        }, () -> ctx.connection().close());
        delayed.start(timer, request.maxWaitMs());
    }

    /**
     * The response for the data available now, and whether it satisfies the request; with the
     * bytes each topic's consumer reads carry ({@code null} when none), so that only the response
     * actually sent counts as bytes out.
     */
    private record Result(FetchResponse response, long bytes, boolean hasError, List<TopicBytes> bytesOut)
    {
        /** Whether to answer now: an error, or at least {@code minBytes} (0 or less: at once, as Kafka). */
        boolean done(final long minBytes)
        {
            return hasError || bytes >= minBytes;
        }

        void respond(final RequestContext ctx)
        {
            if (bytesOut != null)
            {
                for (final TopicBytes t : bytesOut)
                {
                    t.metrics().onFetch(t.bytes(), t.messages());
                }
            }
            ctx.respond(response);
        }
    }

    /** The bytes a response carries from one requested topic, for its counters. */
    private record TopicBytes(TopicMetrics metrics, long bytes, long messages)
    {
    }

    /** The bytes the response may carry: the request's max_bytes, capped by fetch.max.bytes. */
    private int budget(final FetchRequest request)
    {
        return Math.min(request.maxBytes() <= 0 ? Integer.MAX_VALUE : request.maxBytes(), fetchMaxBytes);
    }

    private Result read(final FetchRequest request, final List<Partition> watched)
    {
        final boolean fromReplica = request.replicaId() >= 0;
        int budget = budget(request);
        long total = 0;
        boolean hasError = false;
        boolean first = true;
        List<TopicBytes> bytesOut = null;
        final List<FetchResponse.TopicResponse> topics = new ArrayList<>(request.topics().size());
        for (final FetchRequest.FetchTopic topic : request.topics())
        {
            final List<FetchResponse.PartitionData> out = new ArrayList<>(topic.partitions().size());
            TopicMetrics topicMetrics = null;
            long topicBytes = 0;
            long topicMessages = 0;
            for (final FetchRequest.FetchPartition fp : topic.partitions())
            {
                final TopicPartition tp = new TopicPartition(topic.topic(), fp.partition());
                final Partition partition = partitions.leaderPartition(tp);
                if (partition == null || partition.isDeleted())
                {
                    out.add(error(fp.partition(), partition == null ? partitions.notServedError(tp) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
                    hasError = true;
                    continue;
                }
                if (watched != null)
                {
                    watched.add(partition);
                }
                final long hw;
                final long upper;
                if (fromReplica)
                {
                    // The leader records the follower's position; the follower reads up to the log end the
                    // replication state knows (never past it, so its next offset is always in range).
                    final Partition.FollowerFetch ff = partition.onFollowerFetch(request.replicaId(), request.replicaEpoch(),
                        fp.currentLeaderEpoch(), fp.lastFetchedEpoch(), fp.fetchOffset(), fp.logStartOffset(),
                        System.currentTimeMillis());
                    if (ff.error() != ErrorCode.NONE)
                    {
                        out.add(new FetchResponse.PartitionData(fp.partition(), ff.error().code, ff.highWatermark(),
                            ff.highWatermark(), partition.log().logStartOffset(), null, null, null, null, -1, MemoryRecords.EMPTY));
                        hasError = true;
                        continue;
                    }
                    if (ff.diverging())
                    {
                        out.add(new FetchResponse.PartitionData(fp.partition(), ErrorCode.NONE.code, ff.highWatermark(),
                            ff.highWatermark(), partition.log().logStartOffset(),
                            new FetchResponse.EpochEndOffset(ff.divergingEpoch().epoch(), ff.divergingEpoch().endOffset()),
                            null, null, null, -1, MemoryRecords.EMPTY));
                        hasError = true; // answer at once: the follower must truncate before it fetches again
                        continue;
                    }
                    hw = ff.highWatermark();
                    upper = ff.logEndOffset();
                }
                else
                {
                    final ErrorCode epochError = checkEpoch(fp.currentLeaderEpoch(), partition.leaderEpoch());
                    if (epochError != ErrorCode.NONE)
                    {
                        out.add(error(fp.partition(), epochError));
                        hasError = true;
                        continue;
                    }
                    hw = partition.highWatermark();
                    upper = hw;
                }
                Records records = MemoryRecords.EMPTY;
                short code = ErrorCode.NONE.code;
                try
                {
                    final int max = Math.min(fp.partitionMaxBytes(), budget);
                    final LogSlice slice = partition.log().read(fp.fetchOffset(), Math.max(0, max), upper, first);
                    if (!slice.isEmpty())
                    {
                        records = new FileRecords(slice);
                        total += slice.length();
                        budget -= slice.length();
                        first = false;
                        if (!fromReplica)
                        {
                            // Every partition of a topic counts into the same topic counters.
                            topicMetrics = partition.metrics();
                            topicBytes += slice.length();
                            topicMessages += partition.log().recordsIn(slice);
                        }
                    }
                }
                catch (final OspreyException e)
                {
                    code = e.errorCode().code;
                    hasError = true;
                }
                out.add(new FetchResponse.PartitionData(fp.partition(), code, hw, hw, partition.log().logStartOffset(),
                    null, null, null, null, -1, records));
            }
            topics.add(new FetchResponse.TopicResponse(topic.topic(), out));
            if (topicMetrics != null)
            {
                if (bytesOut == null)
                {
                    bytesOut = new ArrayList<>(request.topics().size());
                }
                bytesOut.add(new TopicBytes(topicMetrics, topicBytes, topicMessages));
            }
        }
        return new Result(new FetchResponse(0, ErrorCode.NONE.code, 0, topics), total, hasError, bytesOut);
    }

    /** A request's leader epoch must match ours: older is fenced, newer means we have not caught up. -1 skips the check. */
    static ErrorCode checkEpoch(final int requestEpoch, final int currentEpoch)
    {
        if (requestEpoch < 0 || requestEpoch == currentEpoch)
        {
            return ErrorCode.NONE;
        }
        return requestEpoch < currentEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }

    private static FetchResponse.PartitionData error(final int partition, final ErrorCode code)
    {
        return new FetchResponse.PartitionData(partition, code.code, -1, -1, -1, null, null, null, null, -1, MemoryRecords.EMPTY);
    }
}
