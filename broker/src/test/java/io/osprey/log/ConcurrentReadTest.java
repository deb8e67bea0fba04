package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.record.RecordBatch;

/**
 * One writer thread appends while several readers tail the log; every batch a reader sees must
 * be whole (valid CRC), in offset order without gaps, and below the published log end.
 */
class ConcurrentReadTest
{
    private static final int BATCHES = 3000;
    private static final int READERS = 3;

    @TempDir
    Path tmp;

    @Test
    void shouldLetReadersSeeOnlyCompletePublishedBatches() throws Exception
    {
        final LogConfig config = LogConfig.defaults().withSegmentBytes(64 * 1024).withSegmentIndexBytes(4096)
            .withIndexIntervalBytes(1024).withFileDeleteDelayMs(60_000);
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), config, 0, 0, 0))
        {
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicLong[] seen = new AtomicLong[READERS];
            final CountDownLatch finished = new CountDownLatch(READERS);
            final List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++)
            {
                final AtomicLong next = seen[r] = new AtomicLong();
                final Thread t = new Thread(() ->
                {
                    final RecordBatch view = new RecordBatch();
                    try
                    {
                        while (!done.get() || next.get() < log.logEndOffset())
                        {
                            final long end = log.logEndOffset();
                            if (next.get() >= end)
                            {
                                Thread.onSpinWait();
                                continue;
                            }
                            final ByteBuffer bytes = log.read(next.get(), 8192, end, true).asByteBuffer();
                            int p = 0;
                            while (p + RecordBatch.HEADER_SIZE <= bytes.limit())
                            {
                                view.wrap(bytes, p);
                                if (p + view.sizeInBytes() > bytes.limit())
                                {
                                    break;
                                }
                                if (!view.isChecksumValid())
                                {
                                    throw new AssertionError("torn batch " + view);
                                }
                                if (view.baseOffset() != next.get() || view.lastOffset() >= end)
                                {
                                    throw new AssertionError("expected offset " + next.get() + " below " + end + " got " + view);
                                }
                                next.set(view.lastOffset() + 1);
                                p += view.sizeInBytes();
                            }
                        }
                    }
                    catch (final Throwable e)
                    {
                        failure.compareAndSet(null, e);
                    }
                    finally
                    {
                        finished.countDown();
                    }
                }, "reader-" + r);
                t.setDaemon(true);
                readers.add(t);
                t.start();
            }

            for (int i = 0; i < BATCHES && failure.get() == null; i++)
            {
                log.appendAsLeader(TestBatches.batch(1 + i % 7, 10 + i % 90, 1000 + i, "c"), 0, 1000 + i);
            }
            done.set(true);
            assertThat(finished.await(60, TimeUnit.SECONDS)).as("readers finished").isTrue();
            assertThat(failure.get()).isNull();
            for (final AtomicLong s : seen)
            {
                assertThat(s.get()).isEqualTo(log.logEndOffset());
            }
        }
    }
}
