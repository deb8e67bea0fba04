package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * Building and iterating uncompressed batches must not allocate per record. Measured with the
 * JVM's per-thread allocation counter: one object per record would show as tens of kilobytes.
 */
class AllocationTest
{
    private static final int RECORDS = 5_000;
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final byte[] key = "some-key".getBytes();
    private final byte[] value = new byte[100];
    private final Header[] headers = {new Header("trace-id", new byte[16]), new Header("ünïcode", null)};
    private final ByteBuffer valueBuffer = ByteBuffer.allocateDirect(50);

    @Test
    void appendingUncompressedRecordsAllocatesNothing()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(4 << 20);
        for (int warm = 0; warm < 20; warm++)
        {
            fill(builder);
        }
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        fill(builder);
        final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated appending %d records", RECORDS).isLessThan(1024);
    }

    @Test
    void iteratingAnUncompressedBatchAllocatesNothing()
    {
        final RecordBatchBuilder builder = new RecordBatchBuilder(4 << 20);
        fill(builder);
        final ByteBuffer batch = builder.build();
        final RecordBatchReader reader = new RecordBatchReader();
        long checksum = 0;
        for (int warm = 0; warm < 20; warm++)
        {
            checksum += iterate(reader, batch);
        }
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        checksum += iterate(reader, batch);
        final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated reading %d records", RECORDS).isLessThan(1024);
        assertThat(checksum).isNotZero();
    }

    private void fill(final RecordBatchBuilder builder)
    {
        builder.reset(Compression.NONE, 0, 1_000);
        for (int i = 0; i < RECORDS; i++)
        {
            final boolean ok = (i & 1) == 0
                ? builder.append(1_000 + i, key, value, headers)
                : builder.append(1_000 + i, null, valueBuffer, null);
            if (!ok)
            {
                // Not an assertion per record: AssertJ's own objects would be counted.
                throw new AssertionError("record " + i + " refused");
            }
        }
    }

    private static long iterate(final RecordBatchReader reader, final ByteBuffer batch)
    {
        reader.wrap(batch, 0);
        long sum = 0;
        while (reader.hasNext())
        {
            final Record r = reader.next();
            sum += r.offset() + r.timestamp() + r.keySize() + r.valueSize() + r.headerCount() + r.buffer().get(r.valuePosition());
        }
        return sum;
    }
}
