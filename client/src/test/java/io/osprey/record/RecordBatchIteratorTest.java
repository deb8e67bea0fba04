package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecordBatchIteratorTest
{
    private static ByteBuffer concatenatedBatches(final int[] sizes)
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(4096);
        final Compression[] codecs = {Compression.NONE, Compression.LZ4, Compression.GZIP, Compression.ZSTD};
        final ByteBuffer all = ByteBuffer.allocate(64 * 1024);
        long offset = 0;
        for (int b = 0; b < codecs.length; b++)
        {
            builder.reset(codecs[b], offset, 0);
            for (int i = 0; i <= b; i++)
            {
                builder.append(i, ("k" + i).getBytes(), ("value " + offset).getBytes());
            }
            final ByteBuffer batch = builder.build();
            sizes[b] = batch.remaining();
            all.put(batch);
            offset += b + 1;
        }
        return all.flip();
    }

    @Test
    void walksConcatenatedBatchesAndDropsAPartialTrailingOne()
    {
        final int[] sizes = new int[4];
        final ByteBuffer all = concatenatedBatches(sizes);
        final int wholeThree = sizes[0] + sizes[1] + sizes[2];
        final RecordBatchReader reader = new RecordBatchReader();

        for (int cut = wholeThree; cut < all.limit(); cut++)
        {
            final ByteBuffer fetched = all.duplicate().limit(cut);
            final RecordBatchIterator batches = new RecordBatchIterator().wrap(fetched);
            final List<Long> offsets = new ArrayList<>();
            while (batches.hasNext())
            {
                final RecordBatch batch = batches.next();
                assertThat(batch.isChecksumValid()).isTrue();
                reader.wrap(batch.buffer(), batch.offset());
                while (reader.hasNext())
                {
                    offsets.add(reader.next().offset());
                }
            }
            assertThat(offsets).as("cut at %d", cut).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(batches.position()).isEqualTo(wholeThree);
            assertThat(fetched.position()).isZero();
        }

        final RecordBatchIterator whole = new RecordBatchIterator().wrap(all);
        int count = 0;
        while (whole.hasNext())
        {
            whole.next();
            count++;
        }
        assertThat(count).isEqualTo(4);
        assertThat(whole.position()).isEqualTo(all.limit());
    }

    @Test
    void startsAtTheGivenRangeAndReusesOneView()
    {
        final int[] sizes = new int[4];
        final ByteBuffer all = concatenatedBatches(sizes);
        final RecordBatchIterator batches = new RecordBatchIterator().wrap(all, sizes[0], sizes[1] + sizes[2]);
        final RecordBatch first = batches.next();
        assertThat(first.baseOffset()).isEqualTo(1);
        assertThat(first.offset()).isEqualTo(sizes[0]);
        assertThat(batches.next()).isSameAs(first);
        assertThat(first.baseOffset()).isEqualTo(3);
        assertThat(batches.hasNext()).isFalse();
    }

    @Test
    void aBatchLengthTooSmallForAnyBatchIsCorrupt()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(100);
        buffer.putInt(RecordBatch.BATCH_LENGTH_OFFSET, 3);
        assertThatThrownBy(() -> new RecordBatchIterator().wrap(buffer).hasNext()).isInstanceOf(CorruptRecordException.class);
        assertThat(new RecordBatchIterator().wrap(ByteBuffer.allocate(10)).hasNext()).isFalse();
    }
}
