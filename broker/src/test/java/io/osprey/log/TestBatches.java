package io.osprey.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/** Builds batches the way a producer would, for log tests. */
final class TestBatches
{
    private TestBatches()
    {
    }

    /** A batch of {@code records} records whose values say "v-{tag}-{i}" padded to {@code valueSize}. */
    static ByteBuffer batch(final int records, final int valueSize, final long timestamp, final String tag)
    {
        final RecordBatchBuilder b = new RecordBatchBuilder(Math.max(1024, records * (valueSize + 64)));
        b.reset(Compression.NONE, 0, timestamp);
        for (int i = 0; i < records; i++)
        {
            b.append(timestamp + i, ("k" + i).getBytes(StandardCharsets.UTF_8), value(tag, i, valueSize));
        }
        final ByteBuffer built = b.build();
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        return copy;
    }

    static ByteBuffer batch(final int records, final long timestamp)
    {
        return batch(records, 20, timestamp, "x");
    }

    /**
     * A batch from an idempotent producer: {@code records} records with sequences from
     * {@code baseSequence}, every record stamped {@code timestamp}. Building it again with the
     * same arguments gives the same bytes, as a producer's retry would.
     */
    static ByteBuffer idempotent(final long producerId, final int epoch, final int baseSequence, final int records,
        final long timestamp)
    {
        final RecordBatchBuilder b = new RecordBatchBuilder(1024 + records * 96);
        b.reset(Compression.NONE, 0, timestamp);
        b.producer(producerId, (short)epoch, baseSequence);
        for (int i = 0; i < records; i++)
        {
            b.append(timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8), value("p" + producerId + "s" + baseSequence, i, 20));
        }
        final ByteBuffer built = b.build();
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        return copy;
    }

    static byte[] value(final String tag, final int i, final int size)
    {
        final byte[] v = new byte[size];
        final byte[] prefix = ("v-" + tag + "-" + i).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, v, 0, Math.min(prefix.length, size));
        return v;
    }

    /** Every batch in a slice, as (baseOffset, lastOffset) pairs, checking each CRC. */
    static List<long[]> batchesIn(final ByteBuffer bytes)
    {
        final List<long[]> out = new ArrayList<>();
        final RecordBatch view = new RecordBatch();
        int p = 0;
        while (p + RecordBatch.HEADER_SIZE <= bytes.limit())
        {
            view.wrap(bytes, p);
            if (p + view.sizeInBytes() > bytes.limit())
            {
                break;
            }
            if (!view.isChecksumValid())
            {
                throw new AssertionError("CRC mismatch in batch at " + p + ": " + view);
            }
            out.add(new long[] {view.baseOffset(), view.lastOffset()});
            p += view.sizeInBytes();
        }
        return out;
    }

    /** Reads every batch from {@code from} to the log end, following segments. */
    static List<long[]> readAll(final PartitionLog log, final long from)
    {
        final List<long[]> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset())
        {
            final LogSlice slice = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            final List<long[]> got = batchesIn(slice.asByteBuffer());
            if (got.isEmpty())
            {
                throw new AssertionError("no batch at " + next + " below end " + log.logEndOffset());
            }
            out.addAll(got);
            next = got.get(got.size() - 1)[1] + 1;
        }
        return out;
    }
}
