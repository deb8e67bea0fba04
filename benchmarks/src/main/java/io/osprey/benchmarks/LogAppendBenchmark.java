package io.osprey.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.osprey.log.LogAppendInfo;
import io.osprey.log.LogConfig;
import io.osprey.log.PartitionLog;

/**
 * Append throughput of {@link PartitionLog} for 100-byte records in 16 KiB batches, next to two
 * reference points that write the same bytes, so that one run reports all three side by side:
 * <ul>
 *   <li>{@code logAppend}: one {@code appendAsLeader} of the prebuilt batch per op (validation
 *       with CRC-32C, copy into the mapped segment, sparse index, segment rolls); retention
 *       runs between iterations;</li>
 *   <li>{@code plainCopy}: the same batch bytes copied into a plain {@link MappedByteBuffer} of
 *       a preallocated, pre-touched file, wrapping at its end: the memory-bandwidth ceiling;</li>
 *   <li>{@code chronicleQueue}: the batch's record values written as individual 100-byte
 *       messages (about 150 per op) with Chronicle Queue's raw {@code writeBytes}.</li>
 * </ul>
 * Besides ops/s each benchmark reports the auxiliary rates {@code bytes} (bytes/s) and
 * {@code records} (records/s); {@link StorageReport} turns the JSON into the comparison table.
 * <p>
 * Settings: 1 fork, 2 warm-up iterations of 2 s, 3 measured iterations of 3 s, one thread, so
 * the whole class runs in well under a minute. The machines have 2 cores and other builds run
 * beside it, so one single-threaded fork leaves the second core to the kernel's writeback and
 * the rest of the system; more forks and iterations would narrow the error bars but not change
 * which side of the targets the ratios fall. Files live under {@code java.io.tmpdir}; disk use
 * stays bounded by one iteration's appends (log retention and a new Chronicle queue per
 * iteration, a fixed-size plain file).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Xmx1g"})
public class LogAppendBenchmark
{
    /** segment.bytes of the benchmarked log: large, so rolls are rare but still happen. */
    static final int SEGMENT_BYTES = 512 * 1024 * 1024;
    /** Size of the plain file the reference copy wraps around in. */
    static final int PLAIN_FILE_BYTES = 512 * 1024 * 1024;
    private static final int PAGE_BYTES = 4096;

    /** Bytes and records written, reported by JMH as rates next to ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates
    {
        public long bytes;
        public long records;

        @Setup(Level.Iteration)
        public void reset()
        {
            bytes = 0;
            records = 0;
        }
    }

    @State(Scope.Thread)
    public static class LogState
    {
        Path dir;
        PartitionLog log;
        ByteBuffer batch;
        int batchBytes;
        int recordCount;

        @Setup(Level.Trial)
        public void open() throws IOException
        {
            final StorageFixtures fixtures = StorageFixtures.build();
            batch = fixtures.batch;
            batchBytes = fixtures.batchBytes();
            recordCount = fixtures.recordCount();
            dir = StorageFixtures.tempDir("osprey-append-");
            final LogConfig config = LogConfig.defaults()
                .withSegmentBytes(SEGMENT_BYTES)
                .withRetention(-1, SEGMENT_BYTES)
                .withFileDeleteDelayMs(0);
            log = PartitionLog.open(dir.resolve("bench-0"), config, 0, 0, System.currentTimeMillis());
        }

        /**
         * Retention between iterations, untimed like the Chronicle queue's deletion: drops every
         * sealed segment but one (disk use peaks at one iteration's appends). Deleting a
         * segment costs the writer thread an unmap and an unlink; {@link AppendBreakdown}
         * measures that separately.
         */
        @TearDown(Level.Iteration)
        public void retention()
        {
            log.deleteRetainedSegments(System.currentTimeMillis());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException
        {
            // No clean close: it would msync up to a gigabyte of page cache only to delete it.
            log.abandon();
            StorageFixtures.deleteRecursively(dir);
        }
    }

    @State(Scope.Thread)
    public static class PlainState
    {
        Path dir;
        MappedByteBuffer map;
        ByteBuffer batch;
        int batchBytes;
        int recordCount;
        int position;

        @Setup(Level.Trial)
        public void open() throws IOException
        {
            final StorageFixtures fixtures = StorageFixtures.build();
            batch = fixtures.batch;
            batchBytes = fixtures.batchBytes();
            recordCount = fixtures.recordCount();
            dir = StorageFixtures.tempDir("osprey-plain-");
            try (FileChannel channel = FileChannel.open(dir.resolve("plain.dat"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                map = channel.map(FileChannel.MapMode.READ_WRITE, 0, PLAIN_FILE_BYTES);
            }
            // Fault every page in once, so that the measured copies see memory, not page faults.
            for (int i = 0; i < PLAIN_FILE_BYTES; i += PAGE_BYTES)
            {
                map.put(i, (byte)0);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException
        {
            // The mapping goes with the forked JVM; the inode with it.
            StorageFixtures.deleteRecursively(dir);
        }
    }

    @State(Scope.Thread)
    public static class ChronicleState
    {
        Path dir;
        ChronicleQueue queue;
        ExcerptAppender appender;
        BytesStore<?, ?>[] messages;
        int payloadBytes;

        @Setup(Level.Trial)
        public void prepare()
        {
            final StorageFixtures fixtures = StorageFixtures.build();
            messages = new BytesStore<?, ?>[fixtures.recordCount()];
            for (int i = 0; i < messages.length; i++)
            {
                messages[i] = BytesStore.nativeStoreFrom(fixtures.values[i]);
                payloadBytes += fixtures.values[i].length;
            }
        }

        /** A new queue per iteration bounds disk use to one iteration's worth. */
        @Setup(Level.Iteration)
        public void open() throws IOException
        {
            dir = StorageFixtures.tempDir("osprey-chronicle-");
            queue = ChronicleQueue.singleBuilder(dir).build();
            appender = queue.createAppender();
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException
        {
            appender.close();
            queue.close();
            StorageFixtures.deleteRecursively(dir);
        }

        @TearDown(Level.Trial)
        public void release()
        {
            for (final BytesStore<?, ?> m : messages)
            {
                m.releaseLast();
            }
        }
    }

    @Benchmark
    public LogAppendInfo logAppend(final LogState s, final Rates rates)
    {
        final long nowMs = System.currentTimeMillis();
        final LogAppendInfo info = s.log.appendAsLeader(s.batch.duplicate(), 0, nowMs);
        rates.bytes += s.batchBytes;
        rates.records += s.recordCount;
        return info;
    }

    @Benchmark
    public int plainCopy(final PlainState s, final Rates rates)
    {
        int p = s.position;
        if (p + s.batchBytes > PLAIN_FILE_BYTES)
        {
            p = 0;
        }
        s.map.put(p, s.batch, 0, s.batchBytes);
        s.position = p + s.batchBytes;
        rates.bytes += s.batchBytes;
        rates.records += s.recordCount;
        return p;
    }

    @Benchmark
    public long chronicleQueue(final ChronicleState s, final Rates rates)
    {
        final ExcerptAppender appender = s.appender;
        for (final BytesStore<?, ?> m : s.messages)
        {
            appender.writeBytes(m);
        }
        rates.bytes += s.payloadBytes;
        rates.records += s.messages.length;
        return appender.lastIndexAppended();
    }
}
