package io.osprey.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/** Builds record batches laid end to end, as a fetch response carries them, for consumer tests. */
final class Batches
{
    static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private final RecordBatchBuilder builder = new RecordBatchBuilder(1 << 20);
    private ByteBuffer out = ByteBuffer.allocate(1 << 16);

    /** Appends a batch of records {@code first..first+count-1}, keyed "k{offset}" with value "v{offset}". */
    Batches batch(final long first, final int count, final Compression compression)
    {
        builder.reset(compression, first, BASE_TIMESTAMP + first);
        for (int i = 0; i < count; i++)
        {
            final long offset = first + i;
            builder.append(BASE_TIMESTAMP + offset, bytes("k" + offset), bytes("v" + offset),
                new Header[] {Header.of("h", "x" + offset)});
        }
        return add(builder.build());
    }

    Batches batch(final long first, final int count)
    {
        return batch(first, count, Compression.NONE);
    }

    /** Appends a batch whose records are given by the caller-configured builder step. */
    Batches add(final ByteBuffer batch)
    {
        if (out.remaining() < batch.remaining())
        {
            final ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + batch.remaining()));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put(batch.duplicate());
        return this;
    }

    /** Appends the first {@code bytes} of a batch, as a fetch response cut short by its size limit. */
    Batches partialBatch(final long first, final int count, final int bytes)
    {
        builder.reset(Compression.NONE, first, BASE_TIMESTAMP + first);
        for (int i = 0; i < count; i++)
        {
            builder.append(BASE_TIMESTAMP + first + i, bytes("k" + (first + i)), bytes("v" + (first + i)));
        }
        final ByteBuffer whole = builder.build();
        return add(whole.duplicate().limit(bytes));
    }

    /** Appends a control batch (transaction marker) covering {@code offset}. */
    Batches controlBatch(final long offset)
    {
        builder.reset(Compression.NONE, offset, BASE_TIMESTAMP);
        builder.append(BASE_TIMESTAMP, new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0, 0, 0});
        final ByteBuffer batch = ByteBuffer.allocate(builder.build().remaining());
        batch.put(builder.build()).flip();
        batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short)(batch.getShort(RecordBatch.ATTRIBUTES_OFFSET)
            | RecordBatch.CONTROL_FLAG_MASK | RecordBatch.TRANSACTIONAL_FLAG_MASK));
        new RecordBatch(batch, 0).updateChecksum();
        return add(batch);
    }

    /** The bytes so far, position 0, as a heap slice of their own. */
    ByteBuffer build()
    {
        final ByteBuffer copy = ByteBuffer.allocate(out.position());
        copy.put(out.duplicate().flip()).flip();
        return copy;
    }

    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
