package io.osprey.group;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.log.PartitionLog;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;
import io.osprey.server.LogAgent;
import io.osprey.server.Partition;
import io.osprey.server.PartitionManager;

/**
 * The {@link GroupLog} of a live broker: each append becomes one uncompressed RecordBatch v2
 * (no producer id, create time = now) handed to the log agent that owns the
 * {@code __consumer_offsets} partition, like a produce, without waiting (a full agent queue fails
 * the append with COORDINATOR_NOT_AVAILABLE, which clients retry). The agent appends, applies the flush
 * policy (sharing the fsync with other appends of its cycle) and only then reports back, through
 * {@code completions}, which the coordinator thread drains: so a commit is answered only once
 * it is as durable as the broker's flush policy makes produced data.
 * <p>
 * Thread-safety: {@link #append} from the coordinator thread; the completion is posted from the
 * log agent's thread.
 */
final class OffsetsTopicLog implements GroupLog
{
    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopicLog.class);
    /** Varint and attribute overhead of one record beyond its key and value (at most 5+1+10+5+5+5+1 bytes). */
    private static final int RECORD_OVERHEAD_MAX = 32;

    /** The room the reused builder starts with. */
    private static final int BUILDER_INITIAL = 64 * 1024;
    /** Batches larger than this get a builder of their own, so the reused one stays small. */
    private static final int BUILDER_RETAINED_MAX = 1024 * 1024;

    private final PartitionManager partitions;
    private final Consumer<LongConsumer> completions;
    private final long commitTimeoutMs;
    /** Reused for every append (the coordinator is single-threaded); grown when a batch needs more room. */
    private RecordBatchBuilder builder;
    private int builderCapacity;

    /**
     * @param completions     runs a completion on the coordinator thread (given that thread's time)
     * @param commitTimeoutMs {@code offsets.commit.timeout.ms}: how long an append waits for the ISR
     */
    OffsetsTopicLog(final PartitionManager partitions, final Consumer<LongConsumer> completions, final long commitTimeoutMs)
    {
        this.partitions = partitions;
        this.completions = completions;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    @Override
    public void append(final int partitionIndex, final List<OffsetsRecord> records, final long nowMs,
        final Consumer<ErrorCode> onComplete)
    {
        // Only the leader appends (as a produce would): a coordinator that lost the partition answers NOT_COORDINATOR.
        final Partition partition =
            partitions.leaderPartition(new TopicPartition(GroupCoordinatorService.OFFSETS_TOPIC, partitionIndex));
        if (partition == null || partition.isDeleted())
        {
            completions.accept(now -> onComplete.accept(ErrorCode.NOT_LEADER_OR_FOLLOWER));
            return;
        }
        final ByteBuffer batch = build(records, nowMs);
        // Never wait for the agent: the coordinator thread serves every group. A full queue fails the append (retriable).
        final boolean taken = partition.agent().offer(new LogAgent.Task()
        {
            private ErrorCode result = ErrorCode.NONE;
            private long lastOffset = -1;
            private int epoch = -1;

            @Override
            public PartitionLog log()
            {
                return partition.log();
            }

            @Override
            public void run(final long agentNowMs)
            {
                if (partition.isDeleted())
                {
                    result = ErrorCode.NOT_LEADER_OR_FOLLOWER;
                    return;
                }
                // As Kafka's coordinator (acks=-1): refused before the append when the ISR is too small.
                if (partition.checkEnoughReplicas() != ErrorCode.NONE)
                {
                    result = ErrorCode.COORDINATOR_NOT_AVAILABLE;
                    return;
                }
                try
                {
                    epoch = partition.leaderEpochOnAgent();
                    lastOffset = partition.appendAsLeader(batch, agentNowMs).lastOffset();
                }
                catch (final OspreyException e)
                {
                    LOG.warn("Append to {} failed: {}", partition.topicPartition(), e.getMessage());
                    result = e.errorCode();
                }
                catch (final RuntimeException e)
                {
                    LOG.error("Append to {} failed", partition.topicPartition(), e);
                    result = ErrorCode.UNKNOWN_SERVER_ERROR;
                }
            }

            @Override
            public void onFlushFailed(final RuntimeException e)
            {
                result = ErrorCode.KAFKA_STORAGE_ERROR;
            }

            @Override
            public void complete()
            {
                final ErrorCode error = result;
                partition.onNewData();
                if (error != ErrorCode.NONE)
                {
                    completions.accept(now -> onComplete.accept(error));
                    return;
                }
                // As acks=all: a commit is answered once every in-sync replica holds it (Kafka maps the
                // replication failures to COORDINATOR_NOT_AVAILABLE, which the consumer retries).
                partition.awaitHighWatermark(epoch, lastOffset, commitTimeoutMs, replicated ->
                {
                    final ErrorCode mapped = switch (replicated)
                    {
                        case NONE -> ErrorCode.NONE;
                        case NOT_LEADER_OR_FOLLOWER -> ErrorCode.NOT_LEADER_OR_FOLLOWER;
                        default -> ErrorCode.COORDINATOR_NOT_AVAILABLE;
                    };
                    completions.accept(now -> onComplete.accept(mapped));
                });
            }
        });
        if (!taken)
        {
            LOG.warn("The log agent of {} is full; failing an append of {} records with COORDINATOR_NOT_AVAILABLE",
                partition.topicPartition(), records.size());
            completions.accept(now -> onComplete.accept(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
    }

    /** One batch holding every record, in a buffer of its own (the agent writes offsets into it). Coordinator thread. */
    ByteBuffer build(final List<OffsetsRecord> records, final long nowMs)
    {
        final int size = estimatedSize(records);
        if (size > BUILDER_RETAINED_MAX)
        {
            // A rare huge batch: its room is not kept for the small ones that follow.
            return build(new RecordBatchBuilder(size), records, nowMs);
        }
        if (builder == null || builderCapacity < size)
        {
            builderCapacity = Math.max(size, BUILDER_INITIAL);
            builder = new RecordBatchBuilder(builderCapacity);
        }
        return build(builder, records, nowMs);
    }

    private static int estimatedSize(final List<OffsetsRecord> records)
    {
        long size = RecordBatch.HEADER_SIZE;
        for (final OffsetsRecord r : records)
        {
            size += r.key().length + (r.value() == null ? 0 : r.value().length) + RECORD_OVERHEAD_MAX;
        }
        return (int)Math.min(Integer.MAX_VALUE - 8, size);
    }

    /** Builds the batch in {@code builder} (uncompressed: nothing to release) and copies it out once. */
    private static ByteBuffer build(final RecordBatchBuilder builder, final List<OffsetsRecord> records, final long nowMs)
    {
        builder.reset(Compression.NONE, 0, nowMs);
        for (final OffsetsRecord r : records)
        {
            if (!builder.append(nowMs, r.key(), r.value()))
            {
                throw new IllegalStateException("Batch size estimate too small for " + records.size() + " records");
            }
        }
        final ByteBuffer built = builder.build();
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        return copy;
    }
}
