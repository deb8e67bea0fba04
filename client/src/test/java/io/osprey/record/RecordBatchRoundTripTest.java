package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;

class RecordBatchRoundTripTest
{
    // One builder and reader per property, reused across tries, as producers and consumers reuse them.
    private final RecordBatchBuilder builder = new RecordBatchBuilder(1 << 20);
    private final RecordBatchReader reader = new RecordBatchReader();

    @AfterProperty
    void close()
    {
        builder.close();
        reader.close();
    }

    @Provide
    Arbitrary<Compression> codecs()
    {
        return Arbitraries.of(Compression.NONE, Compression.GZIP, Compression.LZ4, Compression.ZSTD);
    }

    @Provide
    Arbitrary<List<TestRecord>> recordLists()
    {
        return TestRecord.recordLists();
    }

    @Provide
    Arbitrary<BatchSpec> specs()
    {
        return BatchSpec.specs();
    }

    @Property(tries = 400)
    void everyFieldSurvivesBuildAndRead(@ForAll("codecs") final Compression compression, @ForAll("specs") final BatchSpec spec,
        @ForAll("recordLists") final List<TestRecord> records, @ForAll final boolean asBuffers)
    {
        final ByteBuffer batch = spec.build(builder, compression, records, asBuffers);

        assertThat(batch.position()).isZero();
        final RecordBatch header = new RecordBatch(batch, 0);
        assertThat(header.sizeInBytes()).isEqualTo(batch.limit());
        assertThat(header.isChecksumValid()).isTrue();
        assertThat(header.magic()).isEqualTo(RecordBatch.MAGIC);
        assertThat(header.compression()).isEqualTo(compression);
        assertThat(header.baseOffset()).isEqualTo(spec.baseOffset());
        assertThat(header.partitionLeaderEpoch()).isEqualTo(spec.partitionLeaderEpoch());
        assertThat(header.recordCount()).isEqualTo(records.size());
        assertThat(header.lastOffsetDelta()).isEqualTo(records.size() - 1);
        assertThat(header.baseTimestamp()).isEqualTo(records.get(0).timestamp());
        assertThat(header.maxTimestamp()).isEqualTo(TestRecord.maxTimestamp(records));
        assertThat(header.producerId()).isEqualTo(spec.producerId());
        assertThat(header.producerEpoch()).isEqualTo(spec.producerEpoch());
        assertThat(header.baseSequence()).isEqualTo(spec.baseSequence());
        assertThat(header.isTransactional()).isEqualTo(spec.transactional());
        assertThat(header.isLogAppendTime()).isEqualTo(spec.logAppendTime());
        assertThat(header.isControlBatch()).isFalse();
        assertThat(header.attributes()).isEqualTo((short)(compression.id
            | (spec.logAppendTime() ? RecordBatch.TIMESTAMP_TYPE_MASK : 0)
            | (spec.transactional() ? RecordBatch.TRANSACTIONAL_FLAG_MASK : 0)));
        if (compression == Compression.NONE)
        {
            assertThat(builder.estimatedSizeInBytes()).isEqualTo(batch.limit());
        }

        assertThat(BatchSpec.readAll(reader, batch)).containsExactlyElementsOf(spec.expected(records));
        assertThat(batch.position()).as("the reader leaves the caller's position alone").isZero();
    }

    @Property(tries = 300)
    void anyByteChangedInsideTheCrcRangeIsDetected(@ForAll("codecs") final Compression compression,
        @ForAll("recordLists") final List<TestRecord> records, @ForAll final int positionSeed,
        @ForAll @IntRange(min = 1, max = 255) final int xor)
    {
        final ByteBuffer batch = BatchSpec.PLAIN.build(builder, compression, records, false);
        final RecordBatch view = new RecordBatch(batch, 0);
        final int size = view.sizeInBytes();
        final int position = RecordBatch.ATTRIBUTES_OFFSET + Math.floorMod(positionSeed, size - RecordBatch.ATTRIBUTES_OFFSET);

        batch.put(position, (byte)(batch.get(position) ^ xor));
        assertThat(view.isChecksumValid()).as("byte %d of %d changed", position, size).isFalse();
        batch.put(position, (byte)(batch.get(position) ^ xor));
        assertThat(view.isChecksumValid()).isTrue();

        // The leader rewrites these two fields without touching the CRC.
        view.setBaseOffset(view.baseOffset() ^ ((long)xor << 17 | xor));
        view.setPartitionLeaderEpoch(view.partitionLeaderEpoch() ^ xor);
        assertThat(view.isChecksumValid()).isTrue();
    }

    @Property(tries = 300)
    void corruptedBatchesFailOnlyWithCorruptRecordException(@ForAll("codecs") final Compression compression,
        @ForAll("recordLists") final List<TestRecord> records, @ForAll final int positionSeed,
        @ForAll @IntRange(min = 1, max = 255) final int xor, @ForAll final boolean recordsOnly)
    {
        final ByteBuffer batch = BatchSpec.PLAIN.build(builder, compression, records, false);
        final int from = recordsOnly ? RecordBatch.RECORDS_OFFSET : RecordBatch.BATCH_LENGTH_OFFSET;
        final int position = from + Math.floorMod(positionSeed, batch.limit() - from);
        batch.put(position, (byte)(batch.get(position) ^ xor));
        try
        {
            reader.wrap(batch, 0);
            while (reader.hasNext())
            {
                final Record r = reader.next();
                r.keyBytes();
                r.valueBytes();
                r.headers();
            }
        }
        catch (final CorruptRecordException expected)
        {
            // Detected; the other outcome, reading records with changed bytes, is also allowed.
        }
        catch (final UnsupportedOperationException e)
        {
            assertThat(e).hasMessageContaining("snappy");
        }
    }
}
