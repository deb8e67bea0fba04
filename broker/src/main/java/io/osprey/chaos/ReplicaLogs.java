package io.osprey.chaos;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.osprey.record.RecordBatch;

/**
 * Reads one replica of a partition from its directory ({@code <log.dir>/<topic>-<partition>/})
 * after its node has stopped, the way {@code dump-log} does: every {@code <base offset>.log}
 * segment in order, batch by batch, mapped read-only, stopping at the first bytes that are not a
 * whole batch (the unwritten zeros of a preallocated active segment, or a torn tail). Each batch
 * is kept as (base offset, last offset, CRC, partition leader epoch): the CRC covers the records,
 * the other three are what the leader stamped, and a follower stores the leader's bytes as they
 * are, so in-sync replicas hold equal lists.
 */
final class ReplicaLogs
{
    private ReplicaLogs()
    {
    }

    record Batch(long baseOffset, long lastOffset, long crc, int leaderEpoch)
    {
    }

    /**
     * @param batches      every whole batch, in file order
     * @param logEnd       one past the last offset of the last batch (0 when empty)
     * @param invalid      batches with a wrong magic or CRC, and bytes that were neither a batch nor the unwritten tail
     * @param invalidFirst a description of the first invalid spot, or null
     */
    record Replica(int nodeId, List<Batch> batches, long logEnd, int invalid, String invalidFirst)
    {
    }

    static Replica read(final int nodeId, final Path partitionDir) throws IOException
    {
        final List<Batch> batches = new ArrayList<>();
        int invalid = 0;
        String invalidFirst = null;
        if (!Files.isDirectory(partitionDir))
        {
            return new Replica(nodeId, batches, 0, 0, null);
        }
        final List<Path> segments;
        try (Stream<Path> files = Files.list(partitionDir))
        {
            // Names are the base offset in 20 digits, so name order is offset order.
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        for (final Path segment : segments)
        {
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ))
            {
                final long length = channel.size();
                final ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
                final RecordBatch batch = new RecordBatch();
                int position = 0;
                while (position + RecordBatch.HEADER_SIZE <= length)
                {
                    batch.wrap(map, position);
                    if (batch.batchLength() == 0)
                    {
                        if (!allZero(map, position, (int)Math.min(length, position + 4096L)))
                        {
                            invalid++;
                            invalidFirst = invalidFirst != null ? invalidFirst : segment + ": zero batch length at " + position +
                                " followed by data";
                        }
                        break;
                    }
                    final int size = batch.sizeInBytes();
                    if (batch.batchLength() < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD || position + (long)size > length)
                    {
                        invalid++;
                        invalidFirst = invalidFirst != null ? invalidFirst : segment + ": batch length " + batch.batchLength() +
                            " at " + position + " does not fit";
                        break;
                    }
                    if (batch.magic() != RecordBatch.MAGIC || !batch.isChecksumValid())
                    {
                        invalid++;
                        invalidFirst = invalidFirst != null ? invalidFirst : segment + ": bad magic or CRC at " + position;
                    }
                    batches.add(new Batch(batch.baseOffset(), batch.lastOffset(), batch.checksum(), batch.partitionLeaderEpoch()));
                    position += size;
                }
            }
        }
        final long logEnd = batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastOffset() + 1;
        return new Replica(nodeId, batches, logEnd, invalid, invalidFirst);
    }

    /**
     * Batches that differ between the replicas below the smallest log end among them: the first
     * replica is the reference, and each batch position where another replica holds a different
     * batch (or none) counts once, as do the invalid spots of every replica.
     */
    static long inconsistencies(final List<Replica> replicas, final List<String> examples, final String partitionName)
    {
        long count = 0;
        long end = Long.MAX_VALUE;
        for (final Replica r : replicas)
        {
            end = Math.min(end, r.logEnd());
            count += r.invalid();
            if (r.invalidFirst() != null && examples.size() < 5)
            {
                examples.add("replica on node " + r.nodeId() + " of " + partitionName + ": " + r.invalidFirst());
            }
        }
        final List<List<Batch>> below = new ArrayList<>();
        for (final Replica r : replicas)
        {
            final long limit = end;
            below.add(r.batches().stream().filter(b -> b.baseOffset() < limit).toList());
        }
        final List<Batch> reference = below.get(0);
        for (int i = 1; i < below.size(); i++)
        {
            final List<Batch> other = below.get(i);
            final int common = Math.min(reference.size(), other.size());
            for (int b = 0; b < common; b++)
            {
                if (!reference.get(b).equals(other.get(b)))
                {
                    count++;
                    if (examples.size() < 5)
                    {
                        examples.add(String.format("%s: node %d holds %s where node %d holds %s", partitionName,
                            replicas.get(0).nodeId(), reference.get(b), replicas.get(i).nodeId(), other.get(b)));
                    }
                }
            }
            count += Math.abs(reference.size() - other.size());
        }
        return count;
    }

    private static boolean allZero(final ByteBuffer map, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (map.get(i) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
