package io.osprey.log;

import static io.osprey.log.CompactionFixtures.latest;
import static io.osprey.log.CompactionFixtures.readRecords;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import io.osprey.log.CompactionFixtures.Rec;
import io.osprey.record.Compression;

/**
 * Compaction against the naive model, the uncompacted log: random keyed workloads (keys from a
 * small space, some tombstones, random codecs, several segment rolls) with cleaning passes at
 * random points, a small offset map now and then (so passes stop early), and a restart at the
 * end. After every pass, reading the compacted log must give each key the latest value of the
 * uncompacted log (or nothing, where that latest record is a tombstone old enough to go), every
 * surviving record must sit at its original offset, offsets must strictly increase, and below
 * the first dirty offset no key may appear twice. Every surviving record must keep its timestamp,
 * as Osprey's reader and Kafka's read it (the cleaner rewrites timestamp deltas when it sets a
 * tombstone batch's delete horizon).
 */
class LogCleanerPropertyTest
{
    private static final Compression[] CODECS = {Compression.NONE, Compression.NONE, Compression.GZIP, Compression.LZ4,
        Compression.ZSTD};

    @Property(tries = 20)
    void shouldReadLikeTheUncompactedLog(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final Path root = Files.createTempDirectory("compaction");
        try
        {
            final Path dir = root.resolve("p-0");
            final LogConfig config = LogConfig.defaults().withSegmentBytes(300 + random.nextInt(900)).withSegmentIndexBytes(4096)
                .withIndexIntervalBytes(random.nextInt(300)).withFileDeleteDelayMs(0).withCleanupPolicy(true, false)
                .withCompaction(CompactionConfig.DEFAULT.withDeletePolicy(false).withDeleteRetentionMs(random.nextInt(100)));
            final CleanerConfig cleanerConfig = new CleanerConfig(false, 1,
                random.nextBoolean() ? OffsetMap.MIN_SLOTS * OffsetMap.SLOT_SIZE : 1 << 20, 0.9, 1000, Double.MAX_VALUE);
            final int keySpace = 1 + random.nextInt(8);
            final List<Rec> reference = new ArrayList<>();
            final Map<Long, Long> referenceTimestamps = new HashMap<>();
            long nowMs = 1_000_000;
            PartitionLog log = PartitionLog.open(dir, config, 0, 0, nowMs);
            try
            {
                final int ops = 50 + random.nextInt(250);
                for (int op = 0; op < ops; op++)
                {
                    if (random.nextInt(100) < 8)
                    {
                        clean(log, cleanerConfig, nowMs);
                        check(log, reference, referenceTimestamps);
                        continue;
                    }
                    final int n = 1 + random.nextInt(4);
                    final String[] keys = new String[n];
                    final String[] values = new String[n];
                    final long base = log.logEndOffset();
                    for (int i = 0; i < n; i++)
                    {
                        keys[i] = "k" + random.nextInt(keySpace);
                        values[i] = random.nextInt(100) < 15 ? null : "v" + (base + i) + "-" + random.nextInt(1000);
                        reference.add(new Rec(base + i, keys[i], values[i]));
                        referenceTimestamps.put(base + i, nowMs);
                    }
                    log.appendAsLeader(CompactionFixtures.keyed(CODECS[random.nextInt(CODECS.length)], nowMs, -1, 0, keys, values),
                        0, nowMs);
                    nowMs += random.nextInt(20);
                }
                clean(log, cleanerConfig, nowMs + 1000);
                check(log, reference, referenceTimestamps);
                log.close();
                log = PartitionLog.open(dir, config, log.logEndOffset(), 0, nowMs);
                check(log, reference, referenceTimestamps);
            }
            finally
            {
                log.close();
            }
        }
        finally
        {
            LogManager.deleteRecursively(root);
        }
    }

    private static void clean(final PartitionLog log, final CleanerConfig config, final long nowMs) throws InterruptedException
    {
        new LogCleaner(config, () -> List.of(log), () -> { }).cleanNow(nowMs);
    }

    private static void check(final PartitionLog log, final List<Rec> reference, final Map<Long, Long> referenceTimestamps)
        throws IOException
    {
        final ByteBuffer bytes = CompactionFixtures.logBytes(log);
        final Map<Long, Long> timestamps = CompactionFixtures.timestamps(bytes);
        for (final Map.Entry<Long, Long> e : timestamps.entrySet())
        {
            assertThat(e.getValue()).as("timestamp at offset %d", e.getKey()).isEqualTo(referenceTimestamps.get(e.getKey()));
        }
        assertThat(KafkaRecordsReferee.timestamps(bytes)).as("Kafka's reading").isEqualTo(timestamps);
        final List<Rec> compacted = readRecords(log);
        final Map<Long, Rec> byOffset = new HashMap<>();
        reference.forEach(r -> byOffset.put(r.offset(), r));
        for (final Rec r : compacted)
        {
            assertThat(r).as("record at offset %d", r.offset()).isEqualTo(byOffset.get(r.offset()));
        }
        final Map<String, Rec> expected = latest(reference);
        final Map<String, Rec> actual = latest(compacted);
        assertThat(expected.keySet()).containsAll(actual.keySet());
        for (final Map.Entry<String, Rec> e : expected.entrySet())
        {
            final Rec got = actual.get(e.getKey());
            if (e.getValue().value() != null || got != null)
            {
                assertThat(got).as("latest record of %s", e.getKey()).isEqualTo(e.getValue());
            }
        }
        final Set<String> cleanKeys = new HashSet<>();
        for (final Rec r : compacted)
        {
            if (r.offset() < log.firstDirtyOffset())
            {
                assertThat(cleanKeys.add(r.key())).as("key %s twice below the first dirty offset %d", r.key(),
                    log.firstDirtyOffset()).isTrue();
            }
        }
    }
}
