package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class RecordBatchBuilderTest
{
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "SNAPPY", mode = EnumSource.Mode.EXCLUDE)
    void appendStopsBeforeTheBatchWouldExceedItsLimit(final Compression compression)
    {
        final int max = 16 * 1024;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(max))
        {
            final Random random = new Random(42);
            builder.reset(compression, 0, 1000);
            int appended = 0;
            while (true)
            {
                // Incompressible values are the codecs' worst case.
                final byte[] value = new byte[random.nextInt(700)];
                random.nextBytes(value);
                final int before = builder.estimatedSizeInBytes();
                if (!builder.append(1000 + appended, null, value))
                {
                    assertThat(builder.estimatedSizeInBytes()).as("a refused record changes nothing").isEqualTo(before);
                    break;
                }
                appended++;
            }
            assertThat(builder.recordCount()).isEqualTo(appended).isGreaterThan(10);
            assertThat(builder.estimatedSizeInBytes()).isLessThanOrEqualTo(max);
            final ByteBuffer batch = builder.build();
            assertThat(batch.limit()).isLessThanOrEqualTo(builder.estimatedSizeInBytes()).isLessThanOrEqualTo(max);
            if (compression == Compression.NONE)
            {
                assertThat(batch.limit()).as("fills to within one record of the limit").isGreaterThan(max - 720);
            }
            assertThat(new RecordBatch(batch, 0).recordCount()).isEqualTo(appended);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "SNAPPY", mode = EnumSource.Mode.EXCLUDE)
    void anOversizedFirstRecordStillMakesABatch(final Compression compression)
    {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(100);
            RecordBatchReader reader = new RecordBatchReader())
        {
            final byte[] value = new byte[300_000];
            new Random(7).nextBytes(value);
            assertThat(builder.reset(compression, 5, 0).append(0, null, value)).isTrue();
            assertThat(builder.append(0, null, new byte[1])).as("nothing more fits").isFalse();
            final ByteBuffer batch = builder.build();
            assertThat(new RecordBatch(batch, 0).isChecksumValid()).isTrue();
            reader.wrap(batch, 0);
            assertThat(reader.next().valueBytes()).isEqualTo(value);
            assertThat(reader.hasNext()).isFalse();

            // The grown buffers serve the next, small batch as well.
            builder.reset(compression, 6, 0).append(0, "k".getBytes(), "v".getBytes());
            assertThat(reader.wrap(builder.build(), 0).next().offset()).isEqualTo(6);
        }
    }

    @Test
    void buildWithoutRecordsIsRefused()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
        builder.reset(Compression.NONE, 0, 0);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one record");
        assertThat(builder.isEmpty()).isTrue();
    }

    @Test
    void snappyIsRefusedWithAClearMessage()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024);
        assertThatThrownBy(() -> builder.reset(Compression.SNAPPY, 0, 0))
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessage("snappy compression is not supported");
    }

    @Test
    void buildIsIdempotentAndClosesTheBatchForAppends()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024);
        builder.reset(Compression.NONE, 0, 0).append(0, null, new byte[] {1});
        final ByteBuffer first = builder.build();
        final int size = first.limit();
        assertThat(builder.build().limit()).isEqualTo(size);
        assertThat(builder.estimatedSizeInBytes()).isEqualTo(size);
        assertThatThrownBy(() -> builder.append(0, null, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder.producer(1, (short)0, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeTimestampsOtherThanNoneAreRejected()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024).reset(Compression.NONE, 0, 0);
        assertThatThrownBy(() -> builder.append(-2, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.append(RecordBatch.NO_TIMESTAMP, null, null)).isTrue();
    }

    @Test
    void byteBufferAppendLeavesTheCallersPositionsAlone()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024).reset(Compression.NONE, 0, 0);
        final ByteBuffer key = ByteBuffer.wrap(new byte[] {9, 1, 2, 9}).position(1).limit(3);
        final ByteBuffer value = ByteBuffer.allocateDirect(3).put(new byte[] {4, 5, 6}).flip();
        builder.append(0, key, value, new Header[] {new Header("h", null)});
        assertThat(key.position()).isEqualTo(1);
        assertThat(value.position()).isZero();
        final Record r = new RecordBatchReader().wrap(builder.build(), 0).next();
        assertThat(r.keyBytes()).containsExactly(1, 2);
        assertThat(r.valueBytes()).containsExactly(4, 5, 6);
        assertThat(r.headers()).containsExactly(new Header("h", null));
    }

    @Test
    void headerKeysAreEncodedLikeStringGetBytes()
    {
        final String[] keys = {"", "ascii", "é", "€uro", "😀", "a\uD800b", "\uDC00", "x\uD83D"};
        for (final String key : keys)
        {
            final byte[] expected = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(Utf8.encodedLength(key)).as(key).isEqualTo(expected.length);
            final ByteBuffer buffer = ByteBuffer.allocate(32);
            assertThat(Utf8.write(buffer, 2, key)).isEqualTo(expected.length);
            final byte[] written = new byte[expected.length];
            buffer.get(2, written);
            assertThat(written).as(key).isEqualTo(expected);
        }
    }

    @Test
    void sequencesWrapAfterIntegerMaxValue()
    {
        assertThat(RecordBatch.incrementSequence(0, 5)).isEqualTo(5);
        assertThat(RecordBatch.incrementSequence(Integer.MAX_VALUE, 1)).isZero();
        assertThat(RecordBatch.incrementSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
        assertThat(RecordBatch.incrementSequence(Integer.MAX_VALUE, 0)).isEqualTo(Integer.MAX_VALUE);
        for (final int[] c : new int[][] {{0, 5}, {Integer.MAX_VALUE, 1}, {Integer.MAX_VALUE - 1, 3}, {Integer.MAX_VALUE - 10, 100}})
        {
            assertThat(RecordBatch.incrementSequence(c[0], c[1]))
                .isEqualTo(org.apache.kafka.common.record.internal.DefaultRecordBatch.incrementSequence(c[0], c[1]));
        }

        final RecordBatchBuilder builder = new RecordBatchBuilder(1024).reset(Compression.NONE, 100, 0)
            .producer(7, (short)1, Integer.MAX_VALUE - 1);
        for (int i = 0; i < 4; i++)
        {
            builder.append(0, null, null);
        }
        final ByteBuffer batch = builder.build();
        assertThat(new RecordBatch(batch, 0).lastSequence()).isEqualTo(1);
        final RecordBatchReader reader = new RecordBatchReader().wrap(batch, 0);
        final int[] sequences = new int[4];
        for (int i = 0; i < 4; i++)
        {
            sequences[i] = reader.next().sequence();
        }
        assertThat(sequences).containsExactly(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0, 1);
    }
}
