package io.osprey.log;

import static io.osprey.log.CompactionFixtures.batchAt;
import static io.osprey.log.CompactionFixtures.keyed;
import static io.osprey.log.CompactionFixtures.keyedAt;
import static io.osprey.log.CompactionFixtures.logBytes;
import static io.osprey.log.CompactionFixtures.readRecords;
import static io.osprey.log.CompactionFixtures.timestamps;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.osprey.log.CompactionFixtures.Rec;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatch;

/**
 * Tombstone expiry by delete horizon (KIP-534): the first cleaning that retains a batch holding
 * tombstones stamps it with {@code now + delete.retention.ms}, and only a cleaning at or after that
 * horizon removes them, whatever timestamps the producer gave the records. Record timestamps must
 * read the same before and after, through Osprey's reader and through Kafka's (the referee, in
 * {@link KafkaRecordsReferee} so that this class loads without kafka-clients 4).
 */
class LogCleanerDeleteHorizonTest
{
    private static final long T0 = 1_700_000_000_000L;
    private static final long RETENTION = 60_000;
    private static final LogConfig CONFIG = LogConfig.defaults().withSegmentBytes(600).withSegmentIndexBytes(4096)
        .withIndexIntervalBytes(100).withFileDeleteDelayMs(0).withCleanupPolicy(true, false)
        .withCompaction(CompactionConfig.DEFAULT.withDeletePolicy(false).withDeleteRetentionMs(RETENTION));

    @TempDir
    Path tmp;

    private static void appendFiller(final PartitionLog log, final long timestamp)
    {
        final long before = log.activeSegment().baseOffset();
        while (log.activeSegment().baseOffset() == before)
        {
            final long offset = log.logEndOffset();
            log.appendAsLeader(keyed(timestamp, "filler-" + offset, "f" + offset), 0, timestamp);
        }
    }

    private static void clean(final PartitionLog log, final long nowMs) throws InterruptedException
    {
        assertThat(new LogCleaner(CleanerConfig.defaults(), () -> List.of(log), () -> { }).cleanNow(nowMs)).isPositive();
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4", "ZSTD"})
    void shouldKeepAnAncientTombstoneDeleteRetentionAfterItsFirstCleaningWithTimestampsIntact(final Compression codec)
        throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), CONFIG, 0, 0, T0))
        {
            // Offsets 0-3, CreateTimes from 1970: a value, a tombstone, a value superseded below, a tombstone.
            log.appendAsLeader(keyedAt(codec, -1, new long[] {5, 7, 3, 11}, new String[] {"k1", "k2", "k3", "k4"},
                new String[] {"a", null, "c", null}), 0, T0);
            log.appendAsLeader(keyed(T0, "k3", "c2"), 0, T0);
            // Offset 5: an idempotent producer's only batch, a tombstone with no timestamp at all.
            log.appendAsLeader(keyedAt(Compression.NONE, 9, new long[] {RecordBatch.NO_TIMESTAMP}, new String[] {"k5"},
                new String[] {null}), 0, T0);
            appendFiller(log, T0);
            final ByteBuffer before = logBytes(log);
            final Map<Long, Long> timestamps = timestamps(before);
            assertThat(timestamps).containsEntry(0L, 5L).containsEntry(1L, 7L).containsEntry(2L, 3L).containsEntry(3L, 11L)
                .containsEntry(5L, RecordBatch.NO_TIMESTAMP);
            assertThat(KafkaRecordsReferee.timestamps(before)).isEqualTo(timestamps);

            final long firstCleaning = T0 + 10;
            final long horizon = firstCleaning + RETENTION;
            clean(log, firstCleaning);

            final ByteBuffer cleaned = logBytes(log);
            assertThat(readRecords(log)).contains(new Rec(0, "k1", "a"), new Rec(1, "k2", null), new Rec(3, "k4", null),
                new Rec(4, "k3", "c2"), new Rec(5, "k5", null)).doesNotContain(new Rec(2, "k3", "c"));
            final ByteBuffer first = batchAt(cleaned, 0);
            final RecordBatch header = new RecordBatch(first, 0);
            assertThat(header.hasDeleteHorizon()).isTrue();
            assertThat(header.deleteHorizonMs()).isEqualTo(horizon);
            assertThat(header.compression()).isEqualTo(codec);
            assertThat(header.recordCount()).isEqualTo(3);
            assertThat(header.lastOffsetDelta()).isEqualTo(3);
            assertThat(header.maxTimestamp()).isEqualTo(11);
            assertThat(new RecordBatch(batchAt(cleaned, 5), 0).deleteHorizonMs()).isEqualTo(horizon);
            final Map<Long, Long> expected = new LinkedHashMap<>(timestamps);
            expected.remove(2L);
            final Map<Long, Long> seen = timestamps(cleaned);
            assertThat(seen).isEqualTo(expected);
            assertThat(KafkaRecordsReferee.timestamps(cleaned)).as("Kafka reads the same timestamps").isEqualTo(expected);
            assertThat(KafkaRecordsReferee.deleteHorizonMs(first)).isEqualTo(OptionalLong.of(horizon));
            if (codec == Compression.NONE)
            {
                assertThat(first).as("byte for byte what Kafka's MemoryRecords.filterTo writes")
                    .isEqualTo(KafkaRecordsReferee.cleanerFilter(batchAt(before, 0), firstCleaning, RETENTION, Set.of(0L, 1L, 3L)));
            }

            appendFiller(log, T0);
            clean(log, horizon - 1);
            assertThat(readRecords(log)).as("just before the horizon").contains(new Rec(1, "k2", null), new Rec(3, "k4", null),
                new Rec(5, "k5", null));
            assertThat(batchAt(logBytes(log), 0)).as("later cleanings leave the batch and its horizon alone").isEqualTo(first);

            appendFiller(log, T0);
            clean(log, horizon);
            final ByteBuffer after = logBytes(log);
            assertThat(readRecords(log)).contains(new Rec(0, "k1", "a"), new Rec(4, "k3", "c2"))
                .doesNotContain(new Rec(1, "k2", null), new Rec(3, "k4", null), new Rec(5, "k5", null));
            final RecordBatch survivor = new RecordBatch(batchAt(after, 0), 0);
            assertThat(survivor.deleteHorizonMs()).as("as Kafka, a rebuilt batch keeps its horizon").isEqualTo(horizon);
            assertThat(survivor.recordCount()).isEqualTo(1);
            expected.remove(1L);
            expected.remove(3L);
            expected.remove(5L);
            final Map<Long, Long> survivors = timestamps(after);
            survivors.keySet().retainAll(expected.keySet());
            assertThat(survivors).isEqualTo(expected);
            final Map<Long, Long> kafkaSurvivors = KafkaRecordsReferee.timestamps(after);
            kafkaSurvivors.keySet().retainAll(expected.keySet());
            assertThat(kafkaSurvivors).isEqualTo(expected);
            final RecordBatch empty = new RecordBatch(batchAt(after, 5), 0);
            assertThat(empty.recordCount()).as("the producer's last batch stays, empty").isZero();
            assertThat(empty.producerId()).isEqualTo(9);
            assertThat(empty.hasDeleteHorizon()).isFalse();
            assertThat(empty.baseTimestamp()).isEqualTo(RecordBatch.NO_TIMESTAMP);
            assertThat(empty.isChecksumValid()).isTrue();
        }
    }

    @Test
    void shouldSetNoHorizonOnBatchesWithoutTombstones() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), CONFIG, 0, 0, T0))
        {
            log.appendAsLeader(keyedAt(Compression.NONE, -1, new long[] {T0 - 3, T0 - 1}, new String[] {"k1", "k2"},
                new String[] {"a", "b"}), 0, T0);
            log.appendAsLeader(keyed(T0, "k1", "a2"), 0, T0);
            appendFiller(log, T0);
            final ByteBuffer before = logBytes(log);

            clean(log, T0 + 10);

            final ByteBuffer first = batchAt(logBytes(log), 0);
            final RecordBatch header = new RecordBatch(first, 0);
            assertThat(header.hasDeleteHorizon()).isFalse();
            assertThat(header.baseTimestamp()).isEqualTo(T0 - 3);
            assertThat(timestamps(first)).containsExactly(Map.entry(1L, T0 - 1));
            assertThat(KafkaRecordsReferee.timestamps(first)).containsExactly(Map.entry(1L, T0 - 1));
            assertThat(KafkaRecordsReferee.deleteHorizonMs(first)).isEmpty();
            assertThat(timestamps(before)).containsEntry(1L, T0 - 1);
        }
    }

    @Test
    void shouldSaturateTheHorizonOfAHugeDeleteRetention()
    {
        assertThat(Cleaner.deleteHorizon(T0, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(Cleaner.deleteHorizon(T0, Long.MAX_VALUE - T0)).isEqualTo(Long.MAX_VALUE);
        assertThat(Cleaner.deleteHorizon(T0, RETENTION)).isEqualTo(T0 + RETENTION);
    }
}
