package io.osprey.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Batch-level fields a test builds with, and helpers that build and read whole batches. */
record BatchSpec(long baseOffset, int partitionLeaderEpoch, long producerId, short producerEpoch, int baseSequence,
    boolean transactional, boolean logAppendTime)
{
    static final BatchSpec PLAIN = new BatchSpec(0, -1, -1, (short)-1, -1, false, false);

    /** Either no producer at all, or a consistent idempotent (maybe transactional) producer, as Kafka requires. */
    static Arbitrary<BatchSpec> specs()
    {
        final Arbitrary<BatchSpec> idempotent = Combinators.combine(
            Arbitraries.longs().between(0, Long.MAX_VALUE / 2),
            Arbitraries.integers().between(-1, Integer.MAX_VALUE),
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.shorts().between((short)0, Short.MAX_VALUE),
            Arbitraries.integers().between(0, Integer.MAX_VALUE),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
            .as(BatchSpec::new);
        final Arbitrary<BatchSpec> none = Combinators.combine(
            Arbitraries.longs().between(0, Long.MAX_VALUE / 2),
            Arbitraries.integers().between(-1, Integer.MAX_VALUE),
            Arbitraries.of(true, false))
            .as((offset, epoch, logAppend) -> new BatchSpec(offset, epoch, -1, (short)-1, -1, false, logAppend));
        return Arbitraries.oneOf(idempotent, none);
    }

    /** Builds {@code records} with {@code builder}; the base timestamp is the first record's, as Kafka does. */
    ByteBuffer build(final RecordBatchBuilder builder, final Compression compression, final List<TestRecord> records,
        final boolean asBuffers)
    {
        builder.reset(compression, baseOffset, records.get(0).timestamp())
            .partitionLeaderEpoch(partitionLeaderEpoch)
            .transactional(transactional)
            .logAppendTime(logAppendTime);
        if (producerId != -1)
        {
            builder.producer(producerId, producerEpoch, baseSequence);
        }
        for (final TestRecord r : records)
        {
            final boolean appended = asBuffers
                ? builder.append(r.timestamp(), paddedView(r.key()), paddedView(r.value()), r.headers())
                : builder.append(r.timestamp(), r.key(), r.value(), r.headers());
            if (!appended)
            {
                throw new AssertionError("builder refused a record below its limit");
            }
        }
        return builder.build();
    }

    /** A view over {@code bytes} inside a larger buffer, so that a builder that ignores position or limit is caught. */
    static ByteBuffer paddedView(final byte[] bytes)
    {
        if (bytes == null)
        {
            return null;
        }
        final ByteBuffer padded = ByteBuffer.allocate(bytes.length + 7);
        padded.put(3, bytes);
        return padded.position(3).limit(3 + bytes.length);
    }

    /** Reads every record of the batch at 0, checking offsets and sequences along the way. */
    static List<TestRecord> readAll(final RecordBatchReader reader, final ByteBuffer batch)
    {
        reader.wrap(batch, 0);
        final RecordBatch header = reader.batch();
        final List<TestRecord> out = new ArrayList<>();
        int index = 0;
        while (reader.hasNext())
        {
            final Record r = reader.next();
            if (r.offset() != header.baseOffset() + index)
            {
                throw new AssertionError("offset " + r.offset() + " at index " + index);
            }
            final int expectedSequence = header.baseSequence() == -1 ? -1 : RecordBatch.incrementSequence(header.baseSequence(), index);
            if (r.sequence() != expectedSequence)
            {
                throw new AssertionError("sequence " + r.sequence() + " at index " + index);
            }
            out.add(new TestRecord(r.timestamp(), r.keyBytes(), r.valueBytes(), r.headers()));
            index++;
        }
        return out;
    }

    /** What a reader must return for {@code sent}: log-append-time batches report the max timestamp. */
    List<TestRecord> expected(final List<TestRecord> sent)
    {
        if (!logAppendTime)
        {
            return sent;
        }
        final long max = TestRecord.maxTimestamp(sent);
        return sent.stream().map(r -> new TestRecord(max, r.key(), r.value(), r.headers())).toList();
    }
}
