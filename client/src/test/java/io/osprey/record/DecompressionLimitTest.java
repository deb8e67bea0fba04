package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A reader with a decompression limit refuses a batch that inflates past it, whatever the codec. */
class DecompressionLimitTest
{
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4", "ZSTD"})
    void shouldRefuseABatchThatDecompressesBeyondTheLimit(final Compression compression)
    {
        final ByteBuffer batch = bomb(compression, 4 << 20);
        assertThat(batch.remaining()).as("compresses well").isLessThan(256 * 1024);

        try (RecordBatchReader limited = new RecordBatchReader(1 << 20))
        {
            assertThatThrownBy(() -> limited.wrap(batch, 0))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("decompress to more than");
        }
        try (RecordBatchReader generous = new RecordBatchReader(8 << 20))
        {
            generous.wrap(batch, 0);
            int count = 0;
            while (generous.hasNext())
            {
                assertThat(generous.next().valueSize()).isEqualTo(1 << 20);
                count++;
            }
            assertThat(count).isEqualTo(4);
            generous.trimBuffers(1024);
            generous.wrap(batch, 0);
            assertThat(generous.hasNext()).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseAZstdFrameWhoseWindowConsumersCannotDecode()
    {
        // Magic, a frame header without the single-segment flag, and a window descriptor of 2^30
        // bytes: zstd's streaming decoder (what Kafka consumers use) refuses windows above 2^27.
        final byte[] frame = {(byte)0x28, (byte)0xB5, (byte)0x2F, (byte)0xFD, 0x00, (byte)(20 << 3), 0, 0, 0};
        final ZstdCodec codec = new ZstdCodec();
        try
        {
            assertThatThrownBy(() -> codec.decompress(ByteBuffer.wrap(frame), 0, frame.length, null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("window");
        }
        finally
        {
            codec.close();
        }
    }

    /** Four records of 1 MiB of zeros each. */
    private static ByteBuffer bomb(final Compression compression, final int totalBytes)
    {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(2 * totalBytes))
        {
            builder.reset(compression, 0, 1000);
            for (int i = 0; i < totalBytes / (1 << 20); i++)
            {
                builder.append(1000, null, new byte[1 << 20]);
            }
            final ByteBuffer built = builder.build();
            final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
            copy.put(built).flip();
            return copy;
        }
    }
}
