package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * The idempotent producer on a whole partition log: deduplication and refusals on the leader
 * path, producer-state snapshots, and the rebuild after restarts, crashes, truncation and on
 * followers.
 */
class IdempotentPartitionLogTest
{
    private static final long NOW = 1_000_000;

    @TempDir
    Path tmp;

    private final List<PartitionLog> opened = new ArrayList<>();

    private static LogConfig small()
    {
        return LogConfig.defaults().withSegmentBytes(4096).withSegmentIndexBytes(1024).withIndexIntervalBytes(256)
            .withFileDeleteDelayMs(0);
    }

    private PartitionLog open(final String name, final LogConfig config, final long nowMs) throws IOException
    {
        final PartitionLog log = PartitionLog.open(tmp.resolve(name), config, 0, 0, nowMs);
        opened.add(log);
        return log;
    }

    private PartitionLog open() throws IOException
    {
        return open("t-0", small(), NOW);
    }

    @AfterEach
    void closeAll() throws IOException
    {
        for (final PartitionLog log : opened)
        {
            log.close();
        }
    }

    private static LogAppendInfo send(final PartitionLog log, final long pid, final int epoch, final int seq, final int records)
    {
        return log.appendAsLeader(TestBatches.idempotent(pid, epoch, seq, records, NOW), 0, NOW);
    }

    private static void assertRefused(final PartitionLog log, final long pid, final int epoch, final int seq, final int records,
        final ErrorCode code, final String... messageParts)
    {
        final long end = log.logEndOffset();
        assertThatThrownBy(() -> send(log, pid, epoch, seq, records))
            .isInstanceOfSatisfying(OspreyException.class, e ->
            {
                assertThat(e.errorCode()).isEqualTo(code);
                assertThat(e.getMessage()).contains(messageParts);
            });
        assertThat(log.logEndOffset()).as("a refused batch appends nothing").isEqualTo(end);
    }

    private static void assertDuplicateOf(final LogAppendInfo retry, final LogAppendInfo original)
    {
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(original.firstOffset());
        assertThat(retry.lastOffset()).isEqualTo(original.lastOffset());
        assertThat(retry.batches()).isZero();
        assertThat(retry.bytes()).isZero();
    }

    private static List<Long> snapshotOffsets(final PartitionLog log) throws IOException
    {
        final List<Long> out = new ArrayList<>();
        for (final long o : ProducerStateSnapshots.offsets(log.dir()))
        {
            out.add(o);
        }
        return out;
    }

    @Test
    void shouldAnswerARetryWithTheOriginalOffsetsAndAppendNothing() throws IOException
    {
        final PartitionLog log = open();
        final LogAppendInfo first = send(log, 1, 0, 0, 3);
        log.appendAsLeader(TestBatches.batch(1, NOW), 0, NOW); // not idempotent: bypasses the table
        final LogAppendInfo second = send(log, 1, 0, 3, 2);
        assertThat(first.duplicate()).isFalse();
        assertThat(second.firstOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(6);

        assertDuplicateOf(send(log, 1, 0, 0, 3), first);
        assertDuplicateOf(send(log, 1, 0, 3, 2), second);
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(TestBatches.readAll(log, 0)).hasSize(3);
        assertThat(log.producerStateTable().size()).isEqualTo(1);
        // Non-idempotent batches are never deduplicated.
        assertThat(log.appendAsLeader(TestBatches.batch(1, NOW), 0, NOW).firstOffset()).isEqualTo(6);
    }

    @Test
    void shouldDeduplicateEachOfTheLastFiveBatchesAndRefuseTheSixth() throws IOException
    {
        final PartitionLog log = open();
        final List<LogAppendInfo> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            sent.add(send(log, 9, 1, 2 * i, 2));
        }
        for (int i = 1; i < 6; i++)
        {
            assertDuplicateOf(send(log, 9, 1, 2 * i, 2), sent.get(i));
        }
        assertRefused(log, 9, 1, 0, 2, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "producer 9", "expected 12", "received 0");
    }

    @Test
    void shouldRefuseGapsStaleEpochsAndEpochBumpsThatDoNotStartAtZero() throws IOException
    {
        final PartitionLog log = open();
        send(log, 5, 3, 0, 2);
        assertRefused(log, 5, 3, 5, 1, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "producer 5", "epoch 3", "expected 2",
            "received 5", "t-0");
        assertRefused(log, 5, 4, 2, 1, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "producer 5", "new epoch 4", "received 2");
        assertThat(send(log, 5, 4, 0, 1).duplicate()).isFalse();
        assertRefused(log, 5, 3, 2, 1, ErrorCode.INVALID_PRODUCER_EPOCH, "producer 5", "epoch 3", "current epoch 4");
        assertThat(send(log, 5, 4, 1, 1).firstOffset()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAnIdempotentBatchWithANegativeSequence() throws IOException
    {
        final PartitionLog log = open();
        assertRefused(log, 5, 0, -1, 1, ErrorCode.INVALID_RECORD, "base sequence -1");
    }

    @Test
    void shouldAnswerADuplicateWithTheOriginalLogAppendTime() throws IOException
    {
        final PartitionLog log = open("t-0", small().withLogAppendTime(true), NOW);
        final LogAppendInfo first = log.appendAsLeader(TestBatches.idempotent(3, 0, 0, 2, 5), 0, NOW + 10);
        final LogAppendInfo retry = log.appendAsLeader(TestBatches.idempotent(3, 0, 0, 2, 5), 0, NOW + 99);
        assertDuplicateOf(retry, first);
        assertThat(retry.logAppendTimeMs()).isEqualTo(NOW + 10);
        assertThat(retry.maxTimestamp()).isEqualTo(NOW + 10);
    }

    @Test
    void shouldDeduplicateTheLastBatchAfterACleanRestart() throws IOException
    {
        PartitionLog log = open();
        LogAppendInfo last = null;
        for (int i = 0; i < 10; i++)
        {
            send(log, 2, 0, 100 + i, 1);
            last = send(log, 1, 0, 3 * i, 3);
        }
        final String state = log.producerStateTable().toString();
        final long end = log.logEndOffset();
        log.close();
        assertThat(snapshotOffsets(log)).contains(end);

        log = open();
        assertThat(log.producerStateTable().toString()).isEqualTo(state);
        assertDuplicateOf(send(log, 1, 0, 27, 3), last);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertRefused(log, 1, 0, 31, 1, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "expected 30");
        assertThat(send(log, 1, 0, 30, 1).firstOffset()).isEqualTo(end);
    }

    @Test
    void shouldRebuildFromTheNewestSnapshotAndTheBatchesAfterItAfterACrash() throws IOException
    {
        PartitionLog log = open();
        final List<LogAppendInfo> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            sent.add(send(log, 1 + i % 3, 0, 4 * (i / 3), 4));
        }
        final String state = log.producerStateTable().toString();
        final long end = log.logEndOffset();
        assertThat(log.segmentCount()).as("rolls took snapshots").isGreaterThan(2);
        log.abandon();
        opened.remove(log);
        final List<Long> snapshots = snapshotOffsets(log);
        assertThat(snapshots).hasSize(2).allSatisfy(o -> assertThat(o).isLessThan(end));

        log = open();
        assertThat(log.producerStateTable().toString()).as("snapshot + replay").isEqualTo(state);
        assertDuplicateOf(send(log, 3, 0, 4 * 19, 4), sent.get(59));
        assertDuplicateOf(send(log, 1, 0, 4 * 15, 4), sent.get(45));
        log.abandon();
        opened.remove(log);

        // Without any snapshot the whole log is replayed, to the same state.
        for (final long o : snapshotOffsets(log))
        {
            Files.delete(ProducerStateSnapshots.path(log.dir(), o));
        }
        log = open();
        assertThat(log.producerStateTable().toString()).as("replay from the log start").isEqualTo(state);
        assertDuplicateOf(send(log, 3, 0, 4 * 19, 4), sent.get(59));
    }

    @Test
    void shouldFallBackToAnOlderSnapshotWhenTheNewestIsCorrupt() throws IOException
    {
        // Producer 1 writes only in the first segment, which retention then deletes: after the
        // crash its state exists only in the older snapshot, not in the log.
        PartitionLog log = open("t-0", small().withRetention(60_000, -1), NOW);
        final LogAppendInfo a = log.appendAsLeader(TestBatches.idempotent(1, 0, 0, 2, NOW - 100_000), 0, NOW);
        log.roll(0, NOW);
        final long older = log.logEndOffset();
        final LogAppendInfo b = send(log, 2, 0, 0, 2);
        log.roll(0, NOW);
        final long newer = log.logEndOffset();
        final LogAppendInfo c = send(log, 3, 0, 0, 2);
        assertThat(log.deleteRetainedSegments(NOW)).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(older);
        final String state = log.producerStateTable().toString();
        assertThat(log.producerStateTable().entry(1)).as("kept after its batches were deleted").isNotNull();
        log.abandon();
        opened.remove(log);
        assertThat(snapshotOffsets(log)).containsExactly(older, newer);

        final Path corrupt = ProducerStateSnapshots.path(log.dir(), newer);
        final byte[] bytes = Files.readAllBytes(corrupt);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(corrupt, bytes);

        log = open("t-0", small().withRetention(60_000, -1), NOW);
        assertThat(log.producerStateTable().toString()).isEqualTo(state);
        assertThat(Files.exists(corrupt)).isFalse();
        assertDuplicateOf(log.appendAsLeader(TestBatches.idempotent(1, 0, 0, 2, NOW - 100_000), 0, NOW), a);
        assertDuplicateOf(send(log, 2, 0, 0, 2), b);
        assertDuplicateOf(send(log, 3, 0, 0, 2), c);
    }

    @Test
    void shouldSnapshotOnRollAndCloseKeepingTheNewestTwo() throws IOException
    {
        final PartitionLog log = open();
        final List<Long> rolls = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            send(log, 1, 0, i, 1);
            log.roll(0, NOW);
            rolls.add(log.logEndOffset());
            assertThat(snapshotOffsets(log)).last().isEqualTo(log.logEndOffset());
        }
        assertThat(snapshotOffsets(log)).containsExactly(rolls.get(2), rolls.get(3));
        final ProducerStateTable read = new ProducerStateTable(1);
        ProducerStateSnapshots.read(log.dir(), rolls.get(3), read);
        assertThat(read.toString()).isEqualTo(log.producerStateTable().toString());
        send(log, 1, 0, 4, 1);
        log.close();
        assertThat(snapshotOffsets(log)).containsExactly(rolls.get(3), log.logEndOffset());
    }

    @Test
    void shouldAppendARetryAnewAfterTruncationRemovedTheOriginal() throws IOException
    {
        PartitionLog log = open();
        final List<LogAppendInfo> b = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            b.add(send(log, 7, 0, 2 * i, 2)); // batch i holds offsets and sequences 2i, 2i+1
            if (i == 2 || i == 4)
            {
                log.roll(0, NOW);
            }
        }
        assertThat(snapshotOffsets(log)).containsExactly(6L, 10L);

        assertThat(log.truncateTo(8)).isEqualTo(8);
        assertThat(snapshotOffsets(log)).as("snapshots above the new end go").containsExactly(6L);
        assertRefused(log, 7, 0, 10, 2, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "expected 8");
        final LogAppendInfo again = send(log, 7, 0, 8, 2);
        assertThat(again.duplicate()).as("its original was truncated away").isFalse();
        assertThat(again.firstOffset()).isEqualTo(8);
        assertThat(send(log, 7, 0, 10, 2).firstOffset()).isEqualTo(10);
        assertDuplicateOf(send(log, 7, 0, 6, 2), b.get(3));

        // Below every snapshot: the state comes from replaying the log from its start.
        assertThat(log.truncateTo(3)).isEqualTo(2);
        assertThat(snapshotOffsets(log)).isEmpty();
        assertDuplicateOf(send(log, 7, 0, 0, 2), b.get(0));
        assertThat(send(log, 7, 0, 2, 2).firstOffset()).isEqualTo(2);

        // The rebuilt state survives a crash.
        final String state = log.producerStateTable().toString();
        log.abandon();
        opened.remove(log);
        log = open();
        assertThat(log.producerStateTable().toString()).isEqualTo(state);
    }

    @Test
    void shouldForgetProducersWhenTruncatedFully() throws IOException
    {
        final PartitionLog log = open();
        send(log, 7, 0, 0, 2);
        log.roll(0, NOW);
        send(log, 7, 0, 2, 2);
        log.truncateFullyAndStartAt(100, NOW);
        assertThat(log.producerStateTable().isEmpty()).isTrue();
        assertThat(snapshotOffsets(log)).isEmpty();
        assertThat(send(log, 7, 0, 50, 1).firstOffset()).isEqualTo(100);
    }

    @Test
    void shouldBuildTheSameStateOnAFollowerFromTheSameBytes() throws IOException
    {
        final PartitionLog leader = open();
        for (int i = 0; i < 40; i++)
        {
            send(leader, 1, 0, 2 * i, 2);
            if (i % 3 == 0)
            {
                leader.appendAsLeader(TestBatches.batch(2, NOW), 0, NOW);
            }
            if (i < 30)
            {
                send(leader, 2, i / 10, 3 * (i % 10), 3); // bumps its epoch every ten batches
            }
            if (i % 7 == 0)
            {
                send(leader, 1, 0, 2 * i, 2); // a retry: deduplicated, not replicated
            }
        }
        send(leader, 3, 0, Integer.MAX_VALUE - 1, 4); // wraps
        assertThat(leader.segmentCount()).isGreaterThan(1);

        final PartitionLog follower = open("t-0-follower", small(), NOW);
        long next = 0;
        while (next < leader.logEndOffset())
        {
            final ByteBuffer view = leader.read(next, 1500, Long.MAX_VALUE, true).asByteBuffer();
            final ByteBuffer copy = ByteBuffer.allocate(view.remaining()).put(view).flip();
            follower.appendAsFollower(copy, NOW);
            next = follower.logEndOffset();
        }
        assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset());
        assertThat(follower.producerStateTable().toString()).isEqualTo(leader.producerStateTable().toString());
        assertThat(ProducerStateSnapshots.encode(next, follower.producerStateTable()))
            .isEqualTo(ProducerStateSnapshots.encode(next, leader.producerStateTable()));

        // Promoted, the follower deduplicates a retry exactly as the old leader would.
        final LogAppendInfo onLeader = send(leader, 1, 0, 78, 2);
        final LogAppendInfo onFollower = send(follower, 1, 0, 78, 2);
        assertThat(onLeader.duplicate()).isTrue();
        assertDuplicateOf(onFollower, onLeader);
    }

    @Test
    void shouldExpireIdleProducersInTheRetentionPassAndOnOpen() throws IOException
    {
        final LogConfig config = small().withProducerIdExpirationMs(10_000);
        PartitionLog log = open("t-0", config, NOW);
        send(log, 1, 0, 0, 1); // last seen NOW (its batch timestamp)
        log.appendAsLeader(TestBatches.idempotent(2, 0, 0, 1, NOW + 5_000), 0, NOW);
        log.deleteRetainedSegments(NOW + 9_999);
        assertThat(log.producerStateTable().size()).isEqualTo(2);
        log.deleteRetainedSegments(NOW + 10_000);
        assertThat(log.producerStateTable().entry(1)).isNull();
        assertThat(log.producerStateTable().entry(2)).isNotNull();
        assertThat(send(log, 1, 0, 42, 1).duplicate()).as("an expired producer may start anywhere").isFalse();
        assertThat(log.removeExpiredProducers(NOW + 15_000)).isEqualTo(2);
        assertThat(log.producerStateTable().isEmpty()).isTrue();

        send(log, 3, 0, 0, 1);
        log.close();
        log = open("t-0", config, NOW + 20_000);
        assertThat(log.producerStateTable().isEmpty()).as("state loaded at open expires too").isTrue();
    }
}
