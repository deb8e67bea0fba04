package io.osprey.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.osprey.record.Compression;
import io.osprey.record.Record;
import io.osprey.record.RecordBatchBuilder;
import io.osprey.record.RecordBatchReader;

/**
 * Shows the partition log working end to end: appends keyed records in batches, rolls
 * segments, reads them back through the index, simulates a crash with a torn tail, recovers,
 * and prints what it did. Run by {@code scripts/storage-demo.sh}.
 */
public final class StorageDemo
{
    private StorageDemo()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path dir = Paths.get(args.length > 0 ? args[0] : "target/storage-demo").resolve("demo-0");
        LogManager.deleteRecursively(dir);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(128 * 1024).withFileDeleteDelayMs(0);
        final RecordBatchBuilder builder = new RecordBatchBuilder(16 * 1024);
        final int batches = 200;
        final int perBatch = 100;
        final long startNs = System.nanoTime();
        final long nowMs = System.currentTimeMillis();
        try (PartitionLog log = PartitionLog.open(dir, config, 0, 0, nowMs))
        {
            for (int b = 0; b < batches; b++)
            {
                builder.reset(Compression.NONE, 0, nowMs);
                for (int i = 0; i < perBatch; i++)
                {
                    builder.append(nowMs, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + (b * perBatch + i)).getBytes(StandardCharsets.UTF_8));
                }
                log.appendAsLeader(copy(builder.build()), 1, nowMs);
            }
            final double ms = (System.nanoTime() - startNs) / 1e6;
            System.out.printf("appended %d records in %d batches in %.1f ms; log end offset %d, %d segment(s), %d bytes%n",
                batches * perBatch, batches, ms, log.logEndOffset(), log.segmentCount(), log.sizeInBytes());

            final ByteBuffer slice = log.read(12_345, 4096, Long.MAX_VALUE, true).asByteBuffer();
            final RecordBatchReader reader = new RecordBatchReader().wrap(slice, 0);
            while (reader.hasNext())
            {
                final Record r = reader.next();
                if (r.offset() == 12_345)
                {
                    System.out.printf("read offset %d: key=%s value=%s%n", r.offset(),
                        new String(r.keyBytes(), StandardCharsets.UTF_8), new String(r.valueBytes(), StandardCharsets.UTF_8));
                }
            }
            log.flush(nowMs);
            log.abandon(); // leave the files as a crash would; the close() that follows is a no-op
        }
        final Path last;
        try (var files = Files.list(dir))
        {
            last = files.filter(f -> f.toString().endsWith(Segment.LOG_SUFFIX)).sorted().reduce((a, b) -> b).orElseThrow();
        }
        final long written;
        try (PartitionLog probe = PartitionLog.open(dir, config, 0, 0, nowMs))
        {
            written = probe.logEndOffset();
            probe.abandon();
        }
        // Tear the tail: overwrite the middle of the last batch with garbage, as a crash mid-write could.
        final byte[] bytes = Files.readAllBytes(last);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }
        for (int i = end - 50; i < end - 20; i++)
        {
            bytes[i] = (byte)0xAB;
        }
        Files.write(last, bytes);
        try (PartitionLog log = PartitionLog.open(dir, config, 0, 0, nowMs))
        {
            System.out.printf("tore the last batch of %s; recovery kept offsets [0, %d) of [0, %d): the torn batch is not served%n",
                last.getFileName(), log.logEndOffset(), written);
        }
        System.out.println("storage demo OK: files in " + dir.toAbsolutePath());
    }

    private static ByteBuffer copy(final ByteBuffer src)
    {
        final ByteBuffer b = ByteBuffer.allocate(src.remaining());
        b.put(src).flip();
        return b;
    }
}
