package io.osprey.server;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.log.PartitionLog;
import io.osprey.log.Segment;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.record.Record;
import io.osprey.record.RecordBatchReader;

/**
 * ListOffsets: earliest (-2) is the log start offset, latest (-1) the high watermark, max
 * timestamp (-3) the record with the largest timestamp, and a timestamp the first record whose
 * timestamp is at or above it (the time index finds the batch; the batch's records are then
 * read to find the record, as consumers' {@code offsetsForTimes} expects).
 */
public final class ListOffsetsHandler
{
    public static final long EARLIEST = -2;
    public static final long LATEST = -1;
    public static final long MAX_TIMESTAMP = -3;

    private final PartitionManager partitions;

    public ListOffsetsHandler(final PartitionManager partitions)
    {
        this.partitions = partitions;
    }

    public void handle(final RequestContext ctx, final ListOffsetsRequest request)
    {
        final List<ListOffsetsResponse.Topic> topics = new ArrayList<>();
        for (final ListOffsetsRequest.Topic topic : request.topics())
        {
            final List<ListOffsetsResponse.Partition> out = new ArrayList<>();
            for (final ListOffsetsRequest.Partition p : topic.partitions())
            {
                out.add(lookup(topic.name(), p));
            }
            topics.add(new ListOffsetsResponse.Topic(topic.name(), out));
        }
        ctx.respond(new ListOffsetsResponse(0, topics));
    }

    private ListOffsetsResponse.Partition lookup(final String topic, final ListOffsetsRequest.Partition p)
    {
        final TopicPartition tp = new TopicPartition(topic, p.partitionIndex());
        final Partition partition = partitions.leaderPartition(tp);
        if (partition == null || partition.isDeleted())
        {
            return error(p.partitionIndex(), partition == null ? partitions.notServedError(tp) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        final ErrorCode epochError = FetchHandler.checkEpoch(p.currentLeaderEpoch(), partition.leaderEpoch());
        if (epochError != ErrorCode.NONE)
        {
            return error(p.partitionIndex(), epochError);
        }
        if (partition.highWatermarkBehindEpochStart())
        {
            // As Kafka: a new leader's high watermark may still be below what the old one committed; a "latest" (or any
            // offset) answered from it could send a consumer back over read records. Clients retry this error.
            return error(p.partitionIndex(), ErrorCode.OFFSET_NOT_AVAILABLE);
        }
        final PartitionLog log = partition.log();
        try
        {
            if (p.timestamp() == EARLIEST)
            {
                final long offset = log.logStartOffset();
                return found(p.partitionIndex(), -1, offset, log.leaderEpochCache().epochForOffset(offset));
            }
            if (p.timestamp() == LATEST)
            {
                return found(p.partitionIndex(), -1, partition.highWatermark(), partition.leaderEpoch());
            }
            long target = p.timestamp();
            if (target == MAX_TIMESTAMP)
            {
                target = Long.MIN_VALUE;
                for (final Segment s : log.segments())
                {
                    target = Math.max(target, s.maxTimestamp());
                }
                if (target < 0)
                {
                    return found(p.partitionIndex(), -1, -1, -1);
                }
            }
            else if (target < 0)
            {
                throw new OspreyException(ErrorCode.INVALID_REQUEST, "Invalid timestamp " + target);
            }
            return byTimestamp(p.partitionIndex(), partition, target);
        }
        catch (final OspreyException e)
        {
            return error(p.partitionIndex(), e.errorCode());
        }
    }

    private static ListOffsetsResponse.Partition byTimestamp(final int index, final Partition partition, final long target)
    {
        final PartitionLog log = partition.log();
        final long hw = partition.highWatermark();
        long batchOffset = log.offsetForTimestamp(target);
        while (batchOffset >= 0 && batchOffset < hw)
        {
            final ByteBuffer bytes = log.read(batchOffset, 1, hw, true).asByteBuffer();
            if (bytes.remaining() == 0)
            {
                break;
            }
            try (RecordBatchReader reader = new RecordBatchReader().wrap(bytes, 0))
            {
                long next = reader.batch().nextOffset();
                while (reader.hasNext())
                {
                    final Record r = reader.next();
                    if (r.offset() >= hw)
                    {
                        break;
                    }
                    if (r.timestamp() >= target && r.offset() >= log.logStartOffset())
                    {
                        return found(index, r.timestamp(), r.offset(), log.leaderEpochCache().epochForOffset(r.offset()));
                    }
                }
                // The batch's max timestamp covered the target but no record below the high watermark did.
                batchOffset = next;
            }
        }
        return found(index, -1, -1, -1);
    }

    private static ListOffsetsResponse.Partition found(final int index, final long timestamp, final long offset, final int epoch)
    {
        return new ListOffsetsResponse.Partition(index, ErrorCode.NONE.code, timestamp, offset, epoch);
    }

    private static ListOffsetsResponse.Partition error(final int index, final ErrorCode code)
    {
        return new ListOffsetsResponse.Partition(index, code.code, -1, -1, -1);
    }
}
