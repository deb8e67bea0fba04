package io.osprey.log;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.record.Compression;
import io.osprey.record.Record;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;
import io.osprey.record.RecordBatchReader;

/** Keyed batches and whole-log reads for the compaction tests. */
final class CompactionFixtures
{
    /** One record as a consumer sees it; a null value is a tombstone. */
    record Rec(long offset, String key, String value)
    {
    }

    private CompactionFixtures()
    {
    }

    /**
     * A batch of records with these keys and values (a null value is a tombstone), all stamped
     * {@code timestamp}, optionally from an idempotent producer ({@code producerId} >= 0).
     */
    static ByteBuffer keyed(final Compression codec, final long timestamp, final long producerId, final int baseSequence,
        final String[] keys, final String[] values)
    {
        final RecordBatchBuilder b = new RecordBatchBuilder(64 * 1024);
        b.reset(codec, 0, timestamp);
        if (producerId >= 0)
        {
            b.producer(producerId, (short)0, baseSequence);
        }
        for (int i = 0; i < keys.length; i++)
        {
            b.append(timestamp, keys[i] == null ? null : keys[i].getBytes(StandardCharsets.UTF_8),
                values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8));
        }
        final ByteBuffer built = b.build();
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        b.close();
        return copy;
    }

    /**
     * A batch whose records carry their own timestamps (the first is the base timestamp), optionally
     * from an idempotent producer ({@code producerId} >= 0, base sequence 0).
     */
    static ByteBuffer keyedAt(final Compression codec, final long producerId, final long[] timestamps, final String[] keys,
        final String[] values)
    {
        final RecordBatchBuilder b = new RecordBatchBuilder(64 * 1024);
        b.reset(codec, 0, timestamps[0]);
        if (producerId >= 0)
        {
            b.producer(producerId, (short)0, 0);
        }
        for (int i = 0; i < keys.length; i++)
        {
            b.append(timestamps[i], keys[i].getBytes(StandardCharsets.UTF_8),
                values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8));
        }
        final ByteBuffer built = b.build();
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        b.close();
        return copy;
    }

    /** The whole batches from the log start to the log end, concatenated as a fetch would return them. */
    static ByteBuffer logBytes(final PartitionLog log)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final RecordBatch view = new RecordBatch();
        long next = log.logStartOffset();
        while (next < log.logEndOffset())
        {
            final ByteBuffer bytes = log.read(next, 1 << 20, Long.MAX_VALUE, true).asByteBuffer();
            int p = 0;
            final long from = next;
            while (p + RecordBatch.HEADER_SIZE <= bytes.limit())
            {
                view.wrap(bytes, p);
                if (p + view.sizeInBytes() > bytes.limit())
                {
                    break;
                }
                final byte[] batch = new byte[view.sizeInBytes()];
                bytes.get(p, batch);
                out.write(batch, 0, batch.length);
                next = view.lastOffset() + 1;
                p += view.sizeInBytes();
            }
            if (next == from)
            {
                throw new AssertionError("no batch at " + next + " below end " + log.logEndOffset());
            }
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** A copy of the batch of {@code batches} (as from {@link #logBytes}) whose base offset is {@code baseOffset}. */
    static ByteBuffer batchAt(final ByteBuffer batches, final long baseOffset)
    {
        final RecordBatch view = new RecordBatch();
        for (int p = 0; p + RecordBatch.HEADER_SIZE <= batches.limit(); p += view.sizeInBytes())
        {
            view.wrap(batches, p);
            if (view.baseOffset() == baseOffset)
            {
                final ByteBuffer copy = ByteBuffer.allocate(view.sizeInBytes());
                copy.put(0, batches, p, view.sizeInBytes());
                return copy;
            }
        }
        throw new AssertionError("no batch at base offset " + baseOffset);
    }

    /** Offset to timestamp of every record of {@code batches} (as from {@link #logBytes}), as Osprey's reader gives them. */
    static Map<Long, Long> timestamps(final ByteBuffer batches)
    {
        final Map<Long, Long> out = new LinkedHashMap<>();
        final RecordBatch view = new RecordBatch();
        try (RecordBatchReader reader = new RecordBatchReader())
        {
            for (int p = 0; p + RecordBatch.HEADER_SIZE <= batches.limit(); p += view.sizeInBytes())
            {
                view.wrap(batches, p);
                reader.wrap(batches, p);
                while (reader.hasNext())
                {
                    final Record r = reader.next();
                    out.put(r.offset(), r.timestamp());
                }
            }
        }
        return out;
    }

    static ByteBuffer keyed(final long timestamp, final String... keysAndValues)
    {
        final String[] keys = new String[keysAndValues.length / 2];
        final String[] values = new String[keys.length];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = keysAndValues[2 * i];
            values[i] = keysAndValues[2 * i + 1];
        }
        return keyed(Compression.NONE, timestamp, -1, 0, keys, values);
    }

    /** Every record from the log start to the log end, checking each batch's CRC and that offsets only grow. */
    static List<Rec> readRecords(final PartitionLog log)
    {
        return readBatches(log, null);
    }

    /** As {@link #readRecords}, also collecting every batch header seen (a copy of its first 61 bytes). */
    static List<Rec> readBatches(final PartitionLog log, final List<ByteBuffer> headers)
    {
        final List<Rec> out = new ArrayList<>();
        final RecordBatch view = new RecordBatch();
        try (RecordBatchReader reader = new RecordBatchReader())
        {
            long next = log.logStartOffset();
            long lastOffset = -1;
            while (next < log.logEndOffset())
            {
                final ByteBuffer bytes = log.read(next, 1 << 20, Long.MAX_VALUE, true).asByteBuffer();
                int p = 0;
                boolean any = false;
                while (p + RecordBatch.HEADER_SIZE <= bytes.limit())
                {
                    view.wrap(bytes, p);
                    if (p + view.sizeInBytes() > bytes.limit())
                    {
                        break;
                    }
                    if (!view.isChecksumValid())
                    {
                        throw new AssertionError("CRC mismatch in batch " + view);
                    }
                    if (view.baseOffset() < next)
                    {
                        throw new AssertionError("batch " + view + " starts below the requested offset " + next);
                    }
                    if (headers != null)
                    {
                        final ByteBuffer h = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
                        h.put(0, bytes, p, RecordBatch.HEADER_SIZE);
                        headers.add(h);
                    }
                    reader.wrap(bytes, p);
                    while (reader.hasNext())
                    {
                        final Record r = reader.next();
                        if (r.offset() <= lastOffset)
                        {
                            throw new AssertionError("offset " + r.offset() + " after " + lastOffset);
                        }
                        lastOffset = r.offset();
                        out.add(new Rec(r.offset(), string(r.keyBytes()), string(r.valueBytes())));
                    }
                    next = view.lastOffset() + 1;
                    p += view.sizeInBytes();
                    any = true;
                }
                if (!any)
                {
                    throw new AssertionError("no batch at " + next + " below end " + log.logEndOffset());
                }
            }
        }
        return out;
    }

    /** The last record of each key, in key order of first appearance. */
    static Map<String, Rec> latest(final List<Rec> records)
    {
        final Map<String, Rec> latest = new LinkedHashMap<>();
        for (final Rec r : records)
        {
            latest.put(r.key(), r);
        }
        return latest;
    }

    private static String string(final byte[] bytes)
    {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
