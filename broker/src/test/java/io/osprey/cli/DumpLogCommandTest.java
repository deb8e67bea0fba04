package io.osprey.cli;

import static io.osprey.cli.CliRun.runFields;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.log.LogConfig;
import io.osprey.log.PartitionLog;
import io.osprey.log.Segment;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatchBuilder;

class DumpLogCommandTest
{
    @TempDir
    Path tmp;

    private static ByteBuffer batch(final Compression compression, final int records, final String tag)
    {
        try (RecordBatchBuilder b = new RecordBatchBuilder(64 * 1024))
        {
            b.reset(compression, 0, 1_700_000_000_000L);
            for (int i = 0; i < records; i++)
            {
                b.append(1_700_000_000_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    (tag + i).getBytes(StandardCharsets.UTF_8));
            }
            final ByteBuffer built = b.build();
            return ByteBuffer.allocate(built.remaining()).put(built).flip();
        }
    }

    @Test
    void shouldPrintBatchesRecordsAndStopAtTheUnwrittenTail() throws Exception
    {
        final Path dir = tmp.resolve("t-0");
        final PartitionLog log = PartitionLog.open(dir, LogConfig.defaults().withSegmentBytes(1 << 20)
            .withTimestampBounds(Long.MAX_VALUE, Long.MAX_VALUE), 0, 0, 1000);
        log.appendAsLeader(batch(Compression.NONE, 3, "plain-"), 4, 1000);
        log.appendAsLeader(batch(Compression.LZ4, 2, "lz4-"), 4, 1000);
        log.abandon(); // active segment still preallocated: zeros after the data
        final Path file = dir.resolve(Segment.fileName(0, Segment.LOG_SUFFIX));

        final String[] result = runFields("dump-log", "--print-records", file.toString());
        assertThat(result[0]).isEqualTo("0");
        assertThat(result[1])
            .contains("baseOffset: 0 lastOffset: 2 count: 3")
            .contains("baseOffset: 3 lastOffset: 4 count: 2")
            .contains("compression: lz4")
            .contains("partitionLeaderEpoch: 4")
            .contains("| offset: 4 timestamp: 1700000000001 key: k1 value: lz4-1")
            .contains("2 batch(es), 0 invalid; stopped at: unwritten (zero) bytes");

        final String[] json = runFields("dump-log", "--output", "json", file.toString());
        assertThat(json[1]).contains("\"baseOffset\":3").contains("\"crcValid\":true").contains("\"batches\":2");
    }

    @Test
    void shouldReportACorruptBatchAndExitNonZero() throws Exception
    {
        final Path dir = tmp.resolve("c-0");
        final PartitionLog log = PartitionLog.open(dir, LogConfig.defaults().withSegmentBytes(1 << 20)
            .withTimestampBounds(Long.MAX_VALUE, Long.MAX_VALUE), 0, 0, 1000);
        log.appendAsLeader(batch(Compression.NONE, 3, "v"), 0, 1000);
        log.close();
        final Path file = dir.resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            f.seek(70);
            final int b = f.read();
            f.seek(70);
            f.write(b ^ 0xFF);
        }
        final String[] result = runFields("dump-log", file.toString());
        assertThat(result[0]).isEqualTo("1");
        assertThat(result[1]).contains("INVALID CRC").contains("1 invalid");
    }
}
