package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;
import io.osprey.record.Record;

class PartitionLogTest
{
    @TempDir
    Path tmp;

    private PartitionLog log;

    private LogConfig small()
    {
        return LogConfig.defaults().withSegmentBytes(4096).withSegmentIndexBytes(1024).withIndexIntervalBytes(256)
            .withFileDeleteDelayMs(0);
    }

    private PartitionLog open(final LogConfig config) throws IOException
    {
        log = PartitionLog.open(tmp.resolve("t-0"), config, 0, 0, 1000);
        return log;
    }

    @AfterEach
    void close() throws IOException
    {
        if (log != null)
        {
            log.close();
            log = null;
        }
    }

    /** Records in the batches whose header lies within the slice: the count the metric had from reading every header. */
    private static long headerCount(final LogSlice slice)
    {
        final ByteBuffer bytes = slice.asByteBuffer();
        long count = 0;
        int p = 0;
        while (p + RecordBatch.HEADER_SIZE <= bytes.limit())
        {
            count += bytes.getInt(p + RecordBatch.RECORDS_COUNT_OFFSET);
            p += bytes.getInt(p + RecordBatch.BATCH_LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
        }
        return count;
    }

    @Test
    void shouldCountTheRecordsOfAReadFromTheIndexAsTheBatchHeadersWould() throws IOException
    {
        for (final boolean compacted : new boolean[] {false, true})
        {
            close();
            log = PartitionLog.open(tmp.resolve(compacted ? "compacted-0" : "t-0"), LogConfig.defaults().withSegmentBytes(64 * 1024)
                .withIndexIntervalBytes(256).withFileDeleteDelayMs(0).withCompacted(compacted), 0, 0, 1000);
            for (int i = 0; i < 600; i++)
            {
                log.appendAsLeader(TestBatches.batch(1 + i % 5, 20 + i % 90, 1000, "r" + i), 0, 1000);
            }
            assertThat(log.segmentCount()).as("several segments").isGreaterThan(2);
            int reads = 0;
            for (long offset = 0; offset < log.logEndOffset(); offset += 37)
            {
                for (final int maxBytes : new int[] {1, 100, 777, 4096, 30_000, 1 << 20})
                {
                    final LogSlice slice = log.read(offset, maxBytes, Long.MAX_VALUE, true);
                    assertThat(log.recordsIn(slice)).as("compacted=%s offset %d max %d", compacted, offset, maxBytes)
                        .isEqualTo(headerCount(slice));
                    reads++;
                }
                // Below the log end (a high watermark): the read ends at a batch boundary inside the segment.
                final LogSlice bounded = log.read(offset, 1 << 20, Math.min(log.logEndOffset(), offset + 50), true);
                assertThat(log.recordsIn(bounded)).isEqualTo(headerCount(bounded));
            }
            assertThat(reads).isGreaterThan(100);
            assertThat(log.recordsIn(LogSlice.empty(3))).isZero();
        }
    }

    @Test
    void shouldAssignOffsetsAndLeaderEpochByPatchingTheBatch() throws IOException
    {
        open(small());
        final ByteBuffer first = TestBatches.batch(3, 1000);
        final ByteBuffer second = TestBatches.batch(2, 1000);
        final LogAppendInfo a = log.appendAsLeader(first, 7, 1000);
        final LogAppendInfo b = log.appendAsLeader(second, 7, 1000);

        assertThat(a.firstOffset()).isZero();
        assertThat(a.lastOffset()).isEqualTo(2);
        assertThat(b.firstOffset()).isEqualTo(3);
        assertThat(b.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(5);

        final ByteBuffer read = log.read(3, 1 << 20, Long.MAX_VALUE, true).asByteBuffer();
        final RecordBatch view = new RecordBatch(read, 0);
        assertThat(view.baseOffset()).isEqualTo(3);
        assertThat(view.partitionLeaderEpoch()).isEqualTo(7);
        assertThat(view.isChecksumValid()).isTrue();
        final RecordBatchReader reader = new RecordBatchReader().wrap(read, 0);
        long expected = 3;
        while (reader.hasNext())
        {
            final Record r = reader.next();
            assertThat(r.offset()).isEqualTo(expected++);
        }
        assertThat(expected).isEqualTo(5);
        assertThat(log.leaderEpochCache().latestEpoch()).isEqualTo(7);
    }

    @Test
    void shouldReadFromTheBatchContainingAnOffsetAndStopAtTheUpperBound() throws IOException
    {
        open(small());
        for (int i = 0; i < 5; i++)
        {
            log.appendAsLeader(TestBatches.batch(4, 1000), 0, 1000);
        }
        // Offset 6 lies inside the second batch [4..7].
        final List<long[]> fromMiddle = TestBatches.batchesIn(log.read(6, 1 << 20, 12, true).asByteBuffer());
        assertThat(fromMiddle).extracting(x -> x[0]).containsExactly(4L, 8L);
        assertThat(log.read(20, 100, Long.MAX_VALUE, true).isEmpty()).isTrue();
        assertThatThrownBy(() -> log.read(21, 100, Long.MAX_VALUE, true))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE));
    }

    @Test
    void shouldReturnAtLeastOneWholeBatchWhenMaxBytesIsSmaller() throws IOException
    {
        open(small());
        final int size = TestBatches.batch(4, 1000).remaining();
        log.appendAsLeader(TestBatches.batch(4, 1000), 0, 1000);
        log.appendAsLeader(TestBatches.batch(4, 1000), 0, 1000);
        assertThat(log.read(0, 10, Long.MAX_VALUE, true).length()).isEqualTo(size);
        assertThat(log.read(0, 10, Long.MAX_VALUE, false).isEmpty()).as("never a lone cut-off batch").isTrue();
        assertThat(log.read(0, size + 10, Long.MAX_VALUE, false).length()).as("a whole batch and a cut-off one").isEqualTo(size + 10);
    }

    @Test
    void shouldRollBySegmentBytesAndTrimSealedSegments() throws IOException
    {
        open(small());
        for (int i = 0; i < 40; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000);
        }
        assertThat(log.segmentCount()).isGreaterThan(3);
        for (final Segment s : log.segments())
        {
            if (!s.isActive())
            {
                assertThat(Files.size(s.logPath())).isEqualTo(s.sizeInBytes());
                assertThat(Files.size(s.offsetIndex().path())).isEqualTo((long)s.offsetIndex().entries() * OffsetIndex.ENTRY_SIZE);
                assertThat(s.sizeInBytes()).isLessThanOrEqualTo(4096);
            }
            else
            {
                assertThat(Files.size(s.logPath())).isEqualTo(4096); // preallocated
            }
        }
        assertThat(TestBatches.readAll(log, 0)).hasSize(40);
    }

    @Test
    void shouldRollBySegmentMs() throws IOException
    {
        open(small().withSegmentMs(100));
        log.appendAsLeader(TestBatches.batch(1, 1000), 0, 1000);
        log.appendAsLeader(TestBatches.batch(1, 1000), 0, 1050);
        assertThat(log.segmentCount()).isEqualTo(1);
        log.appendAsLeader(TestBatches.batch(1, 1000), 0, 1100);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.segments().get(1).baseOffset()).isEqualTo(2);
    }

    @Test
    void shouldTrimTheActiveSegmentOnCloseAndReopenWhereItLeftOff() throws IOException
    {
        open(small());
        for (int i = 0; i < 10; i++)
        {
            log.appendAsLeader(TestBatches.batch(3, 1000 + i), 2, 1000);
        }
        final long end = log.logEndOffset();
        final Segment active = log.segments().get(log.segmentCount() - 1);
        final int size = active.sizeInBytes();
        log.close();
        assertThat(Files.size(active.logPath())).isEqualTo(size);
        log = PartitionLog.open(tmp.resolve("t-0"), small(), end, 0, 2000);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(TestBatches.readAll(log, 0)).hasSize(10);
        assertThat(log.appendAsLeader(TestBatches.batch(1, 1000), 3, 2000).firstOffset()).isEqualTo(end);
        assertThat(log.leaderEpochCache().entries()).extracting(e -> e.epoch()).containsExactly(2, 3);
    }

    @Test
    void shouldRejectInvalidBatchesWithTheProtocolError() throws IOException
    {
        open(small().withMaxMessageBytes(2000));
        final ByteBuffer corrupt = TestBatches.batch(2, 1000);
        corrupt.put(corrupt.limit() - 1, (byte)(corrupt.get(corrupt.limit() - 1) ^ 0x5A));
        assertError(corrupt, ErrorCode.CORRUPT_MESSAGE);

        final ByteBuffer magic = TestBatches.batch(2, 1000);
        magic.put(RecordBatch.MAGIC_OFFSET, (byte)1);
        assertError(magic, ErrorCode.INVALID_RECORD);

        assertError(TestBatches.batch(30, 100, 1000, "big"), ErrorCode.MESSAGE_TOO_LARGE);

        final ByteBuffer delta = TestBatches.batch(3, 1000);
        delta.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 5);
        new RecordBatch(delta, 0).updateChecksum();
        assertError(delta, ErrorCode.INVALID_RECORD);

        final ByteBuffer truncated = TestBatches.batch(3, 1000);
        truncated.limit(truncated.limit() - 5);
        assertError(truncated, ErrorCode.CORRUPT_MESSAGE);

        // Record framing inside an uncompressed batch is walked too: a wrong offset delta, a length past the end.
        final ByteBuffer wrongDelta = TestBatches.batch(3, 1000);
        wrongDelta.put(RecordBatch.RECORDS_OFFSET + 3, (byte)10);
        new RecordBatch(wrongDelta, 0).updateChecksum();
        assertError(wrongDelta, ErrorCode.INVALID_RECORD);
        final ByteBuffer longRecord = TestBatches.batch(3, 1000);
        longRecord.put(RecordBatch.RECORDS_OFFSET, (byte)120);
        new RecordBatch(longRecord, 0).updateChecksum();
        assertError(longRecord, ErrorCode.INVALID_RECORD);
        final ByteBuffer direct = ByteBuffer.allocateDirect(wrongDelta.limit());
        direct.put(wrongDelta.duplicate().position(0)).flip();
        assertError(direct, ErrorCode.INVALID_RECORD);

        final ByteBuffer twoBatches = ByteBuffer.allocate(2 * TestBatches.batch(1, 1).remaining());
        twoBatches.put(TestBatches.batch(1, 1)).put(TestBatches.batch(1, 1)).flip();
        assertError(twoBatches, ErrorCode.INVALID_RECORD);

        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(TestBatches.batch(1, 1000), 0, 1000).firstOffset()).isZero();
    }

    private void assertError(final ByteBuffer batch, final ErrorCode code)
    {
        assertThatThrownBy(() -> log.appendAsLeader(batch, 0, 1000))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    @Test
    void shouldAppendAsFollowerKeepingOffsetsAndRejectGapsAndOverlaps() throws IOException
    {
        open(small());
        final ByteBuffer b1 = TestBatches.batch(3, 1000);
        final ByteBuffer b2 = TestBatches.batch(2, 1000);
        new RecordBatch(b1, 0).setBaseOffset(0);
        new RecordBatch(b1, 0).setPartitionLeaderEpoch(4);
        new RecordBatch(b2, 0).setBaseOffset(3);
        new RecordBatch(b2, 0).setPartitionLeaderEpoch(5);
        final ByteBuffer both = ByteBuffer.allocate(b1.remaining() + b2.remaining() + 30);
        both.put(b1.duplicate()).put(b2.duplicate());
        both.put(TestBatches.batch(1, 1).limit(30)); // a partial trailing batch is ignored
        both.flip();
        final LogAppendInfo info = log.appendAsFollower(both, 1000);
        assertThat(info.firstOffset()).isZero();
        assertThat(info.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.leaderEpochCache().entries()).extracting(e -> e.startOffset()).containsExactly(0L, 3L);

        final ByteBuffer gap = TestBatches.batch(1, 1000);
        new RecordBatch(gap, 0).setBaseOffset(7);
        assertThatThrownBy(() -> log.appendAsFollower(gap, 1000)).isInstanceOf(OspreyException.class);
        final ByteBuffer overlap = TestBatches.batch(1, 1000);
        new RecordBatch(overlap, 0).setBaseOffset(4);
        assertThatThrownBy(() -> log.appendAsFollower(overlap, 1000)).isInstanceOf(OspreyException.class);
        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void shouldTruncateAcrossSegmentsAndContinueAppending() throws IOException
    {
        open(small());
        for (int i = 0; i < 40; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), i < 20 ? 1 : 2, 1000);
        }
        final int before = log.segmentCount();
        assertThat(log.truncateTo(52)).isEqualTo(50); // batch [50..54] goes whole
        log.abandon();
        log = PartitionLog.open(tmp.resolve("t-0"), small(), 0, 0, 2000);
        assertThat(log.logEndOffset()).as("truncated batches stay gone after a crash").isEqualTo(50);
        assertThat(log.segmentCount()).isLessThan(before);
        assertThat(log.leaderEpochCache().latestEpoch()).isEqualTo(1);
        assertThat(TestBatches.readAll(log, 0)).hasSize(10);
        assertThat(log.appendAsLeader(TestBatches.batch(2, 1000), 3, 1000).firstOffset()).isEqualTo(50);

        // Truncated bytes must not come back after a crash.
        final long end = log.logEndOffset();
        log.abandon();
        log = PartitionLog.open(tmp.resolve("t-0"), small(), 0, 0, 3000);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.leaderEpochCache().entries()).extracting(e -> e.epoch()).containsExactly(1, 3);
    }

    @Test
    void shouldTreatTheWholeLogAsCommittedUntilTheReplicationLayerSetsTheHighWatermark() throws IOException
    {
        open(small());
        for (int i = 0; i < 3; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 1000), 0, 1000);
        }
        assertThat(log.highWatermark()).as("no replication layer yet: the log end").isEqualTo(15);
        assertThat(log.storedHighWatermark()).as("nothing checkpointed").isZero();

        log.updateHighWatermark(7);
        assertThat(log.highWatermark()).isEqualTo(7);
        log.appendAsLeader(TestBatches.batch(5, 1000), 0, 1000);
        assertThat(log.highWatermark()).as("appends do not move it").isEqualTo(7);

        log.updateHighWatermark(1000);
        assertThat(log.highWatermark()).as("clamped to the log end").isEqualTo(20);
        log.updateHighWatermark(-5);
        assertThat(log.highWatermark()).as("clamped to the log start").isZero();
        log.updateHighWatermark(3);
        assertThat(log.highWatermark()).as("the log does not refuse a lower value; the replication layer decides").isEqualTo(3);
        assertThat(log.storedHighWatermark()).isEqualTo(3);
    }

    @Test
    void shouldClampTheCheckpointedHighWatermarkToTheRecoveredLog() throws IOException
    {
        open(small());
        for (int i = 0; i < 4; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 1000), 0, 1000);
        }
        log.close();

        log = PartitionLog.open(tmp.resolve("t-0"), small(), 0, 0, 1000, 2000);
        assertThat(log.storedHighWatermark()).as("above the recovered end").isEqualTo(20);
        log.close();

        log = PartitionLog.open(tmp.resolve("t-0"), small(), 0, 0, 12, 3000);
        assertThat(log.storedHighWatermark()).isEqualTo(12);
        assertThat(log.highWatermark()).as("not driven yet").isEqualTo(20);
        assertThat(log.truncateTo(7)).as("batch [5..9] goes whole").isEqualTo(5);
        assertThat(log.storedHighWatermark()).as("truncation clamps the stored value too").isEqualTo(5);
        assertThat(log.highWatermark()).isEqualTo(5);
    }

    @Test
    void shouldNeverKeepTheHighWatermarkAboveTheEndOfATruncatedLog() throws IOException
    {
        open(small());
        for (int i = 0; i < 40; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000);
        }
        log.updateHighWatermark(180);

        assertThat(log.truncateTo(152)).isEqualTo(150);
        assertThat(log.highWatermark()).isEqualTo(150);
        assertThat(log.storedHighWatermark()).isEqualTo(150);

        log.updateHighWatermark(100);
        assertThat(log.truncateTo(120)).isEqualTo(120);
        assertThat(log.highWatermark()).as("a truncation above the high watermark leaves it").isEqualTo(100);
        assertThat(log.truncateTo(500)).isEqualTo(120);
        assertThat(log.highWatermark()).isEqualTo(100);

        log.truncateFullyAndStartAt(500, 2000);
        assertThat(log.highWatermark()).as("start over at 500: nothing below it remains").isEqualTo(500);
        assertThat(log.truncateTo(0)).isZero();
        assertThat(log.highWatermark()).isZero();
    }

    @Test
    void shouldDeleteRetainedSegmentsOnlyBelowTheHighWatermark() throws IOException
    {
        open(small().withRetention(-1, 8192));
        for (int i = 0; i < 60; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000);
        }
        // Records above the high watermark are not on every in-sync replica yet: retention keeps them.
        log.updateHighWatermark(3);
        assertThat(log.deleteRetainedSegments(2000)).isZero();
        assertThat(log.logStartOffset()).isZero();
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.deleteRetainedSegments(2000)).isPositive();
        assertThat(log.logStartOffset()).isGreaterThan(3);
        assertThat(log.highWatermark()).isEqualTo(log.logEndOffset());
    }

    @Test
    void shouldFindOffsetsByTimestamp() throws IOException
    {
        open(small());
        for (int i = 0; i < 30; i++)
        {
            log.appendAsLeader(TestBatches.batch(2, 40, 10_000 + i * 100L, "t"), 0, 1000);
        }
        // Batch i holds offsets 2i, 2i+1 with timestamps 10000+100i and +1.
        assertThat(log.offsetForTimestamp(0)).isEqualTo(0);
        assertThat(log.offsetForTimestamp(10_000 + 1200)).isEqualTo(24);
        assertThat(log.offsetForTimestamp(10_000 + 1250)).isEqualTo(26);
        assertThat(log.offsetForTimestamp(99_999)).isEqualTo(-1);
    }

    @Test
    void shouldDeleteSegmentsByRetentionBytes() throws IOException
    {
        open(small().withRetention(-1, 8192));
        for (int i = 0; i < 60; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000);
        }
        final long endBefore = log.logEndOffset();
        final int deleted = log.deleteRetainedSegments(2000);
        assertThat(deleted).isPositive();
        assertThat(log.sizeInBytes()).isLessThanOrEqualTo(8192 + 4096);
        assertThat(log.logStartOffset()).isEqualTo(log.segments().get(0).baseOffset()).isPositive();
        assertThat(log.logEndOffset()).isEqualTo(endBefore);
        assertThatThrownBy(() -> log.read(0, 100, Long.MAX_VALUE, true)).isInstanceOf(OspreyException.class);

        // A limit of zero deletes every record below the high watermark, the active segment's too (as Kafka): it is
        // rolled first, and the log continues from its end in a new, empty segment.
        log.updateConfig(small().withRetention(-1, 0));
        assertThat(log.deleteRetainedSegments(3000)).isPositive();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(endBefore);
        assertThat(log.logEndOffset()).isEqualTo(endBefore);
        assertThat(log.sizeInBytes()).isZero();
        try (var files = Files.list(log.dir()))
        {
            assertThat(files.filter(f -> f.toString().endsWith(".log")).count()).isEqualTo(1);
        }
        assertThat(log.deleteRetainedSegments(4000)).as("an empty log has nothing more to delete").isZero();
        assertThat(log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000).firstOffset()).isEqualTo(endBefore);
    }

    @Test
    void shouldDeleteSegmentsByRetentionMs() throws IOException
    {
        open(small().withRetention(1000, -1));
        for (int i = 0; i < 30; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 10_000 + i, "r"), 0, 1000);
        }
        assertThat(log.deleteRetainedSegments(10_500)).isZero();
        final int segments = log.segmentCount();
        final long end = log.logEndOffset();
        // Every record is older than retention.ms: the sealed segments go, and so does the active one, rolled first.
        assertThat(log.deleteRetainedSegments(12_000)).isEqualTo(segments);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(end).isEqualTo(log.segments().get(0).baseOffset());
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    /**
     * An idle partition does not keep its last segment past retention.ms, but only once all of it
     * is below the high watermark: records not yet on every in-sync replica are never deleted.
     */
    @Test
    void shouldRollAndDeleteAnExpiredActiveSegmentOnlyBelowTheHighWatermark() throws IOException
    {
        open(LogConfig.defaults().withRetention(1000, -1).withFileDeleteDelayMs(0));
        for (int i = 0; i < 3; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 10_000 + i, "r"), 0, 10_000);
        }
        assertThat(log.segmentCount()).isEqualTo(1);
        final long end = log.logEndOffset();

        log.updateHighWatermark(end - 1);
        assertThat(log.deleteRetainedSegments(20_000)).isZero();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.read(0, 1 << 20, Long.MAX_VALUE, true).length()).isPositive();

        log.updateHighWatermark(end);
        assertThat(log.deleteRetainedSegments(20_000)).isEqualTo(1);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(end);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThatThrownBy(() -> log.read(0, 100, Long.MAX_VALUE, true)).isInstanceOf(OspreyException.class);

        // A restart finds the empty log where it was, and appends continue the offsets.
        log.close();
        open(LogConfig.defaults().withRetention(1000, -1).withFileDeleteDelayMs(0));
        assertThat(log.logStartOffset()).isEqualTo(end);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.appendAsLeader(TestBatches.batch(2, 40, 30_000, "r"), 0, 30_000).firstOffset()).isEqualTo(end);
    }

    /** message.timestamp.before/after.max.ms, as Kafka: a CreateTime record outside the bounds refuses its batch. */
    @Test
    void shouldRefuseRecordsWhoseTimestampsAreOutOfTheTopicsBounds() throws IOException
    {
        final long now = 100_000;
        open(LogConfig.defaults().withTimestampBounds(1_000, 5_000));
        assertThat(log.appendAsLeader(TestBatches.batch(3, 40, now - 1_000, "r"), 0, now).firstOffset()).isZero();
        assertThat(log.appendAsLeader(TestBatches.batch(1, 40, now + 5_000, "r"), 0, now).firstOffset()).isEqualTo(3);
        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.batch(1, 40, now - 1_001, "r"), 0, now))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TIMESTAMP))
            .hasMessageContaining("Timestamp 98999");
        // The batch's later records are checked too: records i have timestamp base + i.
        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.batch(3, 40, now + 4_999, "r"), 0, now))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TIMESTAMP))
            .hasMessageContaining("of record 2");
        assertThat(log.logEndOffset()).as("nothing of a refused batch is written").isEqualTo(4);

        // LogAppendTime replaces the producer's timestamps: nothing to check.
        log.updateConfig(LogConfig.defaults().withTimestampBounds(1_000, 5_000).withLogAppendTime(true));
        assertThat(log.appendAsLeader(TestBatches.batch(1, 40, 1, "r"), 0, now).firstOffset()).isEqualTo(4);
    }

    @Test
    void shouldRollTheActiveSegmentAtALoweredSegmentBytes() throws IOException
    {
        open(LogConfig.defaults().withSegmentBytes(1 << 20));
        for (int i = 0; i < 20; i++)
        {
            log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000);
        }
        assertThat(log.segmentCount()).isEqualTo(1);
        final int size = log.sizeInBytes() > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int)log.sizeInBytes();
        log.updateConfig(LogConfig.defaults().withSegmentBytes(size + 10));
        log.appendAsLeader(TestBatches.batch(5, 40, 1000, "r"), 0, 1000);
        assertThat(log.segmentCount()).as("the active segment, mapped for 1 MiB, rolled at the new segment.bytes").isEqualTo(2);
    }

    /** A compacted log rolls at max.compaction.lag.ms when it is shorter than segment.ms, so the cleaner can reach its records. */
    @Test
    void shouldRollACompactedLogAtMaxCompactionLag() throws IOException
    {
        final LogConfig compacted = LogConfig.defaults().withCleanupPolicy(true, false)
            .withCompaction(LogConfig.defaults().withCleanupPolicy(true, false).compaction().withMaxCompactionLagMs(5_000));
        open(compacted);
        log.appendAsLeader(TestBatches.batch(1, 40, 1000, "k"), 0, 1000);
        log.appendAsLeader(TestBatches.batch(1, 40, 5_000, "k"), 0, 5_000);
        assertThat(log.segmentCount()).isEqualTo(1);
        log.appendAsLeader(TestBatches.batch(1, 40, 6_001, "k"), 0, 6_001);
        assertThat(log.segmentCount()).isEqualTo(2);

        // Without compaction the same lag does nothing: segment.ms (7 days) applies.
        log.close();
        Files.walk(log.dir()).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        open(compacted.withCleanupPolicy(false, true));
        log.appendAsLeader(TestBatches.batch(1, 40, 1000, "r"), 0, 1000);
        log.appendAsLeader(TestBatches.batch(1, 40, 6_001, "r"), 0, 6_001);
        assertThat(log.segmentCount()).isEqualTo(1);
    }

    @Test
    void shouldFsyncBeforeReturningWithFlushMessagesOneAndShareOneFsyncPerGroup() throws IOException
    {
        open(small().withFlush(1, Long.MAX_VALUE));
        log.appendAsLeader(TestBatches.batch(2, 1000), 0, 1000);
        assertThat(log.recoveryPoint()).isEqualTo(log.logEndOffset());
        assertThat(log.flushCount()).isEqualTo(1);

        log.beginGroup();
        for (int i = 0; i < 10; i++)
        {
            log.appendAsLeader(TestBatches.batch(2, 1000), 0, 1000);
        }
        assertThat(log.flushCount()).isEqualTo(1);
        assertThat(log.endGroup(1000)).isTrue();
        assertThat(log.flushCount()).isEqualTo(2);
        assertThat(log.recoveryPoint()).isEqualTo(log.logEndOffset());
    }

    @Test
    void shouldFlushByTime() throws IOException
    {
        open(small().withFlush(Long.MAX_VALUE, 500));
        log.appendAsLeader(TestBatches.batch(2, 1000), 0, 1100);
        assertThat(log.recoveryPoint()).isZero();
        assertThat(log.maybeFlush(1400)).isFalse();
        assertThat(log.maybeFlush(1600)).isTrue();
        assertThat(log.recoveryPoint()).isEqualTo(2);
    }

    @Test
    void shouldStampLogAppendTimeAndKeepTheCrcValid() throws IOException
    {
        open(small().withLogAppendTime(true));
        final LogAppendInfo info = log.appendAsLeader(TestBatches.batch(2, 5), 0, 777_000);
        assertThat(info.logAppendTimeMs()).isEqualTo(777_000);
        final RecordBatch view = new RecordBatch(log.read(0, 1000, Long.MAX_VALUE, true).asByteBuffer(), 0);
        assertThat(view.isLogAppendTime()).isTrue();
        assertThat(view.maxTimestamp()).isEqualTo(777_000);
        assertThat(view.isChecksumValid()).isTrue();
    }

    @Test
    void shouldAcceptABatchLargerThanTheSegmentSize() throws IOException
    {
        open(small().withMaxMessageBytes(1 << 20));
        log.appendAsLeader(TestBatches.batch(1, 10, 1000, "a"), 0, 1000);
        final ByteBuffer big = TestBatches.batch(10, 1000, 1000, "big");
        assertThat(big.remaining()).isGreaterThan(4096);
        log.appendAsLeader(big, 0, 1000);
        log.appendAsLeader(TestBatches.batch(1, 10, 1000, "c"), 0, 1000);
        assertThat(TestBatches.readAll(log, 0)).extracting(x -> x[0]).containsExactly(0L, 1L, 11L);
    }
}
