package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Malformed batches must end in CorruptRecordException, never IndexOutOfBounds, garbage records or a loop. */
class MalformedRecordTest
{
    /** First record: null key, 20-byte value, no headers; its fields sit at fixed places. */
    private static final int FIRST_RECORD = RecordBatch.RECORDS_OFFSET;
    private static final int FIRST_KEY_LENGTH = FIRST_RECORD + 4;
    private static final int FIRST_OFFSET_DELTA = FIRST_RECORD + 3;

    private final RecordBatchReader reader = new RecordBatchReader();

    private static ByteBuffer threeRecords()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024).reset(Compression.NONE, 0, 0);
        builder.append(0, null, new byte[20]);
        builder.append(0, "k".getBytes(), "v".getBytes());
        builder.append(0, "k".getBytes(), "value".getBytes(), new Header[] {new Header("h", new byte[] {1})});
        final ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static void setBatchLength(final ByteBuffer batch, final int size)
    {
        batch.putInt(RecordBatch.BATCH_LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
        batch.limit(size);
    }

    private void drain()
    {
        while (reader.hasNext())
        {
            reader.next();
        }
    }

    @Test
    void theFixtureHasItsFieldsWhereTheConstantsSay()
    {
        final ByteBuffer batch = threeRecords();
        assertThat(batch.get(FIRST_RECORD)).as("length 26 zig-zagged").isEqualTo((byte)52);
        assertThat(batch.get(FIRST_KEY_LENGTH)).as("null key").isEqualTo((byte)1);
        reader.wrap(batch, 0);
        drain();
    }

    @Test
    void aTruncatedLastRecordIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        setBatchLength(batch, batch.limit() - 2);
        reader.wrap(batch, 0);
        reader.next();
        reader.next();
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("runs past");
        assertThat(reader.hasNext()).isFalse();
    }

    @Test
    void moreRecordsCountedThanPresentIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.putInt(RecordBatch.RECORDS_COUNT_OFFSET, 4);
        reader.wrap(batch, 0);
        reader.next();
        reader.next();
        reader.next();
        assertThat(reader.hasNext()).isTrue();
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("short");
    }

    @Test
    void fewerRecordsCountedThanPresentIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.putInt(RecordBatch.RECORDS_COUNT_OFFSET, 2);
        reader.wrap(batch, 0);
        reader.next();
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("after its last record");
    }

    @Test
    void negativeRecordCountIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.putInt(RecordBatch.RECORDS_COUNT_OFFSET, -1);
        assertThatThrownBy(() -> reader.wrap(batch, 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void sizesBelowMinusOneAreCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.put(FIRST_KEY_LENGTH, (byte)3);
        reader.wrap(batch, 0);
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("key size -2");
    }

    @Test
    void aRecordLengthBeyondTheBatchIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        // 63 bytes: the first record would swallow the other two (53 bytes in all) and more.
        batch.put(FIRST_RECORD, (byte)0x7E);
        reader.wrap(batch, 0);
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("runs past its batch");
    }

    @Test
    void aRecordLengthShorterThanItsFieldsIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.put(FIRST_RECORD, (byte)40);
        reader.wrap(batch, 0);
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void anOverlongVarintIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        for (int i = 0; i < 6; i++)
        {
            batch.put(FIRST_OFFSET_DELTA + i, (byte)0x80);
        }
        reader.wrap(batch, 0);
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("longer than 5 bytes");
    }

    @Test
    void aNegativeHeaderCountIsCorrupt()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024).reset(Compression.NONE, 0, 0);
        builder.append(0, null, null);
        final ByteBuffer batch = builder.build();
        // length, attributes, timestampDelta, offsetDelta, key -1, value -1, then the header count.
        batch.put(FIRST_RECORD + 6, (byte)1);
        reader.wrap(batch, 0);
        assertThatThrownBy(reader::next).isInstanceOf(CorruptRecordException.class).hasMessageContaining("header count");
    }

    @Test
    void aBatchLongerThanItsBufferIsCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.putInt(RecordBatch.BATCH_LENGTH_OFFSET, batch.limit());
        assertThatThrownBy(() -> reader.wrap(batch, 0)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> reader.wrap(batch, batch.limit() - 10)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> reader.wrap(batch, -1)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void otherMagicsAndUnknownCodecsAreCorrupt()
    {
        final ByteBuffer batch = threeRecords();
        batch.put(RecordBatch.MAGIC_OFFSET, (byte)1);
        assertThatThrownBy(() -> reader.wrap(batch, 0)).isInstanceOf(CorruptRecordException.class).hasMessageContaining("magic");
        final ByteBuffer codec = threeRecords();
        codec.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short)5);
        assertThatThrownBy(() -> reader.wrap(codec, 0)).isInstanceOf(CorruptRecordException.class).hasMessageContaining("codec");
    }

    @Test
    void snappyBatchesAreRefusedWithAClearMessage()
    {
        final ByteBuffer batch = threeRecords();
        batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short)Compression.SNAPPY.id);
        assertThatThrownBy(() -> reader.wrap(batch, 0))
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessage("snappy compression is not supported");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4", "ZSTD"})
    void recordsThatDoNotDecompressAreCorrupt(final Compression compression)
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1024).reset(compression, 0, 0);
        builder.append(0, "key".getBytes(), "value".getBytes());
        final ByteBuffer built = builder.build();
        for (int i = RecordBatch.RECORDS_OFFSET; i < built.limit(); i++)
        {
            built.put(i, (byte)0x5A);
        }
        assertThatThrownBy(() -> reader.wrap(built, 0)).isInstanceOf(CorruptRecordException.class);

        final RecordBatchBuilder again = new RecordBatchBuilder(1024).reset(compression, 0, 0);
        again.append(0, "key".getBytes(), "value".getBytes());
        final ByteBuffer cut = again.build();
        setBatchLength(cut, cut.limit() - 3);
        assertThatThrownBy(() -> reader.wrap(cut, 0)).isInstanceOf(CorruptRecordException.class);
    }
}
