package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Codec edge cases beyond the round trips: worst-case sizes and frames written by other encoders. */
class CodecTest
{
    private final RecordBatchReader reader = new RecordBatchReader();

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4", "ZSTD"})
    void incompressibleInputStaysWithinTheBoundAndRoundTrips(final Compression compression)
    {
        final Codecs codecs = new Codecs();
        final Codec codec = codecs.forCompression(compression);
        final Random random = new Random(1);
        ByteBuffer out = null;
        for (final int size : new int[] {0, 1, 100, 65_535, 65_536, 65_537, 200_000, 1_000_003})
        {
            final ByteBuffer src = ByteBuffer.allocate(size);
            random.nextBytes(src.array());
            final ByteBuffer dst = ByteBuffer.allocate((int)codec.maxCompressedLength(size) + 5);
            final int written = codec.compress(src, 0, size, dst, 5);
            assertThat(written).as("%s of %d bytes", compression, size).isLessThanOrEqualTo((int)codec.maxCompressedLength(size));
            if (written > 0 && size > 0)
            {
                out = codec.decompress(dst.duplicate(), 5, written, out);
                assertThat(out).isEqualTo(src.clear());
            }
        }
        codecs.close();
    }

    @Test
    void lz4FramesWithChecksumsContentSizeAndLargerBlocksAreRead() throws IOException
    {
        final ByteBuffer plain = plainBatch(300);
        final byte[] records = recordsOf(plain);
        final ByteArrayOutputStream lz4 = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream out = new LZ4FrameOutputStream(lz4, BLOCKSIZE.SIZE_256KB, records.length,
            Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE))
        {
            out.write(records);
        }
        assertThat(readValues(withRecords(plain, Compression.LZ4, lz4.toByteArray()))).hasSize(300);

        // Flip one byte of the first block: the block checksum catches it before the content checksum.
        final byte[] damaged = lz4.toByteArray();
        damaged[30] ^= 1;
        assertThatThrownBy(() -> readValues(withRecords(plain, Compression.LZ4, damaged))).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void lz4FramesWithDependentBlocksAreRefusedAsKafkaRefusesThem() throws IOException
    {
        final ByteBuffer plain = plainBatch(10);
        final ByteArrayOutputStream lz4 = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream out = new LZ4FrameOutputStream(lz4, BLOCKSIZE.SIZE_64KB))
        {
            out.write(recordsOf(plain));
        }
        final byte flg = lz4.toByteArray()[4];
        if ((flg & 0x20) == 0)
        {
            assertThatThrownBy(() -> readValues(withRecords(plain, Compression.LZ4, lz4.toByteArray())))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("dependent");
        }
        else
        {
            assertThat(readValues(withRecords(plain, Compression.LZ4, lz4.toByteArray()))).hasSize(10);
        }
    }

    @Test
    void gzipMembersWithOptionalHeaderFieldsAndSeveralMembersAreRead() throws IOException
    {
        final ByteBuffer plain = plainBatch(50);
        final byte[] records = recordsOf(plain);
        final int half = records.length / 2;

        final ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        // Member 1: FEXTRA, FNAME, FCOMMENT and FHCRC set (the header CRC is not checked, as in java.util.zip).
        gzip.write(new byte[] {0x1f, (byte)0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3});
        gzip.write(new byte[] {3, 0, 'a', 'b', 'c'});
        gzip.write("name\0comment\0".getBytes());
        gzip.write(new byte[] {0x12, 0x34});
        writeDeflateAndTrailer(gzip, records, 0, half);
        // Member 2: what GZIPOutputStream writes.
        try (GZIPOutputStream out = new GZIPOutputStream(gzip))
        {
            out.write(records, half, records.length - half);
        }
        assertThat(readValues(withRecords(plain, Compression.GZIP, gzip.toByteArray()))).hasSize(50);

        final byte[] badCrc = gzip.toByteArray();
        badCrc[badCrc.length - 5] ^= 1;
        assertThatThrownBy(() -> readValues(withRecords(plain, Compression.GZIP, badCrc)))
            .isInstanceOf(CorruptRecordException.class).hasMessageContaining("CRC");
    }

    @Test
    void zstdStreamingFramesWithoutContentSizeAreReadEvenWhenHighlyCompressed() throws IOException
    {
        // A few KB of zstd that decompress to megabytes: the first output guess is far too small.
        final RecordBatchBuilder builder = new RecordBatchBuilder(8 << 20).reset(Compression.NONE, 0, 0);
        builder.append(0, null, new byte[3_000_000]);
        builder.append(0, null, new byte[10]);
        final ByteBuffer plain = builder.build();
        final ByteArrayOutputStream zstd = new ByteArrayOutputStream();
        try (ZstdOutputStream out = new ZstdOutputStream(zstd))
        {
            out.setChecksum(true);
            out.write(recordsOf(plain));
        }
        assertThat(zstd.size()).isLessThan(10_000);
        assertThat(readValues(withRecords(plain, Compression.ZSTD, zstd.toByteArray())))
            .extracting(v -> v.length).containsExactly(3_000_000, 10);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4", "ZSTD"})
    void anEmptyCompressedSectionReadsAsNoRecords(final Compression compression)
    {
        final ByteBuffer empty = withRecords(plainBatch(1), compression, new byte[0]);
        empty.putInt(RecordBatch.RECORDS_COUNT_OFFSET, 0);
        new RecordBatch(empty, 0).updateChecksum();
        assertThat(reader.wrap(empty, 0).hasNext()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4", "ZSTD"})
    void compressedBatchesInDirectAndReadOnlyBuffersAreRead(final Compression compression)
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1 << 16).reset(compression, 0, 0);
        for (int i = 0; i < 100; i++)
        {
            builder.append(i, null, ("value " + i).getBytes());
        }
        final ByteBuffer heap = builder.build();
        final ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining() + 3);
        direct.position(3);
        direct.put(heap.duplicate()).flip();
        final ByteBuffer readOnly = ByteBuffer.allocate(heap.remaining() + 3).position(3).put(heap.duplicate()).flip().asReadOnlyBuffer();
        for (final ByteBuffer buffer : new ByteBuffer[] {direct, readOnly})
        {
            reader.wrap(buffer, 3);
            int count = 0;
            while (reader.hasNext())
            {
                assertThat(new String(reader.next().valueBytes())).isEqualTo("value " + count++);
            }
            assertThat(count).isEqualTo(100);
        }
    }

    private static void writeDeflateAndTrailer(final ByteArrayOutputStream out, final byte[] data, final int offset, final int length)
    {
        final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        deflater.setInput(data, offset, length);
        deflater.finish();
        final byte[] chunk = new byte[4096];
        while (!deflater.finished())
        {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        final CRC32 crc = new CRC32();
        crc.update(data, offset, length);
        final ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int)crc.getValue()).putInt(length);
        out.write(trailer.array(), 0, 8);
    }

    private static ByteBuffer plainBatch(final int count)
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(1 << 20).reset(Compression.NONE, 0, 0);
        for (int i = 0; i < count; i++)
        {
            builder.append(i, ("key " + i).getBytes(), ("value " + i + " " + "x".repeat(i % 50)).getBytes());
        }
        return builder.build();
    }

    private static byte[] recordsOf(final ByteBuffer plainBatch)
    {
        final byte[] records = new byte[plainBatch.limit() - RecordBatch.RECORDS_OFFSET];
        plainBatch.get(RecordBatch.RECORDS_OFFSET, records);
        return records;
    }

    /** {@code template}'s header with another codec and records section, the length and CRC fixed up. */
    static ByteBuffer withRecords(final ByteBuffer template, final Compression compression, final byte[] records)
    {
        final ByteBuffer batch = ByteBuffer.allocate(RecordBatch.RECORDS_OFFSET + records.length);
        batch.put(0, template, 0, RecordBatch.RECORDS_OFFSET);
        batch.put(RecordBatch.RECORDS_OFFSET, records);
        batch.putInt(RecordBatch.BATCH_LENGTH_OFFSET, batch.capacity() - RecordBatch.LOG_OVERHEAD);
        batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short)compression.id);
        new RecordBatch(batch, 0).updateChecksum();
        return batch;
    }

    private List<byte[]> readValues(final ByteBuffer batch)
    {
        reader.wrap(batch, 0);
        final List<byte[]> values = new java.util.ArrayList<>();
        while (reader.hasNext())
        {
            values.add(reader.next().valueBytes());
        }
        return values;
    }
}
