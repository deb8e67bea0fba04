package io.osprey.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

import io.osprey.record.Compression;
import io.osprey.record.RecordBatchBuilder;

/**
 * The payload every storage benchmark writes, built once: 100-byte record values packed into
 * one uncompressed RecordBatch of at most 16 KiB (about 150 records), plus temp-dir helpers.
 */
final class StorageFixtures
{
    /** Target size of one batch: what a producer with {@code batch.size=16384} sends. */
    static final int BATCH_BYTES = 16 * 1024;
    static final int VALUE_BYTES = 100;
    static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    /** The finished batch: position 0, limit its size, a copy the caller owns. */
    final ByteBuffer batch;
    /** The record values inside {@link #batch}, in order. */
    final byte[][] values;

    private StorageFixtures(final ByteBuffer batch, final byte[][] values)
    {
        this.batch = batch;
        this.values = values;
    }

    /** Fills a 16 KiB batch with as many 100-byte records as fit; deterministic bytes. */
    static StorageFixtures build()
    {
        final Random random = new Random(42);
        final byte[][] maxValues = new byte[BATCH_BYTES / VALUE_BYTES][];
        int count = 0;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(BATCH_BYTES))
        {
            builder.reset(Compression.NONE, 0, BASE_TIMESTAMP);
            while (count < maxValues.length)
            {
                final byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value);
                if (!builder.append(BASE_TIMESTAMP, null, value))
                {
                    break;
                }
                maxValues[count++] = value;
            }
            final ByteBuffer built = builder.build();
            final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
            copy.put(built).flip();
            final byte[][] values = new byte[count][];
            System.arraycopy(maxValues, 0, values, 0, count);
            return new StorageFixtures(copy, values);
        }
    }

    int batchBytes()
    {
        return batch.remaining();
    }

    int recordCount()
    {
        return values.length;
    }

    /** A fresh directory under {@code java.io.tmpdir}. */
    static Path tempDir(final String prefix) throws IOException
    {
        return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
    }

    static void deleteRecursively(final Path dir) throws IOException
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
