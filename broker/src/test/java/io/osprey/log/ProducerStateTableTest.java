package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.log.ProducerStateTable.CheckResult;
import io.osprey.log.ProducerStateTable.Verdict;
import io.osprey.record.RecordBatch;

/** The append rules of the idempotent producer, one by one, on the table alone. */
class ProducerStateTableTest
{
    private static final long PID = 1234;
    private static final long DAY = 86_400_000L;

    private final ProducerStateTable table = new ProducerStateTable(DAY);
    private long nextOffset = 100;

    /** Checks a batch of {@code records} records, expects it accepted, and records it as the log would. */
    private long[] accept(final long pid, final int epoch, final int firstSeq, final int records, final long timestamp)
    {
        final int lastSeq = RecordBatch.incrementSequence(firstSeq, records - 1);
        final CheckResult r = table.check(pid, (short)epoch, firstSeq, lastSeq);
        assertThat(r.verdict()).as("batch %d..%d at epoch %d", firstSeq, lastSeq, epoch).isEqualTo(Verdict.ACCEPT);
        final long first = nextOffset;
        nextOffset += records;
        table.update(pid, (short)epoch, firstSeq, lastSeq, first, first + records - 1, timestamp);
        return new long[] {first, first + records - 1};
    }

    private CheckResult check(final long pid, final int epoch, final int firstSeq, final int records)
    {
        return table.check(pid, (short)epoch, firstSeq, RecordBatch.incrementSequence(firstSeq, records - 1));
    }

    @Test
    void shouldAnswerARetryOfEachOfTheLastFiveBatchesWithItsOriginalOffsets()
    {
        final long[][] offsets = new long[6][];
        for (int i = 0; i < 6; i++)
        {
            offsets[i] = accept(PID, 0, 3 * i, 3, 1000 + i);
        }
        for (int i = 1; i < 6; i++)
        {
            final CheckResult r = check(PID, 0, 3 * i, 3);
            assertThat(r.verdict()).as("retry of batch %d", i).isEqualTo(Verdict.DUPLICATE);
            assertThat(r.firstOffset()).isEqualTo(offsets[i][0]);
            assertThat(r.lastOffset()).isEqualTo(offsets[i][1]);
            assertThat(r.maxTimestamp()).isEqualTo(1000 + i);
            assertThat(r.errorCode()).isEqualTo(ErrorCode.NONE);
        }
        assertThat(table.entry(PID).batchCount()).isEqualTo(ProducerStateEntry.MAX_BATCHES);
    }

    @Test
    void shouldRefuseTheSixthOldestBatchAsOutOfOrder()
    {
        for (int i = 0; i < 6; i++)
        {
            accept(PID, 0, 3 * i, 3, 1000);
        }
        final CheckResult r = check(PID, 0, 0, 3);
        assertThat(r.verdict()).isEqualTo(Verdict.OUT_OF_ORDER_SEQUENCE);
        assertThat(r.errorCode()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(r.expectedSequence()).isEqualTo(18);
    }

    @Test
    void shouldRefuseAGapAndAPartialOverlapAsOutOfOrder()
    {
        accept(PID, 2, 0, 5, 1000);
        final CheckResult gap = check(PID, 2, 6, 2);
        assertThat(gap.verdict()).isEqualTo(Verdict.OUT_OF_ORDER_SEQUENCE);
        assertThat(gap.expectedSequence()).isEqualTo(5);
        assertThat(gap.errorMessage("t-0")).contains("producer " + PID, "epoch 2", "expected 5", "received 6", "t-0");
        // Same first sequence as a cached batch but a different last one: not a retry of it.
        assertThat(check(PID, 2, 0, 3).verdict()).isEqualTo(Verdict.OUT_OF_ORDER_SEQUENCE);
        assertThat(check(PID, 2, 5, 2).verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void shouldRefuseAStaleEpochEvenForAKnownSequenceRange()
    {
        accept(PID, 3, 0, 2, 1000);
        final CheckResult next = check(PID, 2, 2, 1);
        assertThat(next.verdict()).isEqualTo(Verdict.INVALID_PRODUCER_EPOCH);
        assertThat(next.errorCode()).isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);
        assertThat(next.currentEpoch()).isEqualTo((short)3);
        assertThat(next.errorMessage("t-0")).contains("producer " + PID, "epoch 2", "current epoch 3");
        // Rule 1 only matches the same epoch: an old epoch resending the cached range is fenced too.
        assertThat(check(PID, 2, 0, 2).verdict()).isEqualTo(Verdict.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void shouldRequireSequenceZeroAfterAnEpochBumpAndForgetTheOldEpochsBatches()
    {
        accept(PID, 0, 0, 4, 1000);
        final CheckResult bad = check(PID, 1, 4, 1);
        assertThat(bad.verdict()).isEqualTo(Verdict.OUT_OF_ORDER_SEQUENCE);
        assertThat(bad.expectedSequence()).isZero();
        assertThat(bad.errorMessage("t-0")).contains("new epoch 1", "received 4");
        accept(PID, 1, 0, 2, 1000);
        assertThat(table.entry(PID).epoch()).isEqualTo((short)1);
        assertThat(table.entry(PID).batchCount()).isEqualTo(1);
        assertThat(check(PID, 0, 0, 4).verdict()).isEqualTo(Verdict.INVALID_PRODUCER_EPOCH);
        assertThat(check(PID, 1, 0, 2).verdict()).isEqualTo(Verdict.DUPLICATE);
        assertThat(check(PID, 1, 2, 1).verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void shouldContinueSequencesAcrossTheWrapAtIntegerMaxValue()
    {
        accept(PID, 0, Integer.MAX_VALUE - 5, 4, 1000); // MAX-5 .. MAX-2
        final long[] wrapped = accept(PID, 0, Integer.MAX_VALUE - 1, 3, 1000); // MAX-1, MAX, 0
        assertThat(table.entry(PID).lastSequence()).isZero();
        assertThat(check(PID, 0, 0, 1).verdict()).isEqualTo(Verdict.OUT_OF_ORDER_SEQUENCE);
        final CheckResult retry = check(PID, 0, Integer.MAX_VALUE - 1, 3);
        assertThat(retry.verdict()).isEqualTo(Verdict.DUPLICATE);
        assertThat(retry.firstOffset()).isEqualTo(wrapped[0]);
        accept(PID, 0, 1, 2, 1000);

        // A batch ending exactly at Integer.MAX_VALUE is followed by sequence 0.
        accept(PID + 1, 0, Integer.MAX_VALUE - 2, 3, 1000);
        assertThat(table.entry(PID + 1).lastSequence()).isEqualTo(Integer.MAX_VALUE);
        assertThat(check(PID + 1, 0, 0, 1).verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(check(PID + 1, 0, 1, 1).expectedSequence()).isZero();
    }

    @Test
    void shouldAcceptAnySequenceAndEpochFromAnUnknownProducer()
    {
        assertThat(check(77, 9, 4242, 3).verdict()).isEqualTo(Verdict.ACCEPT);
        accept(77, 9, 4242, 3, 1000);
        assertThat(check(78, 0, Integer.MAX_VALUE, 1).verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void shouldExpireIdleProducersSoThatTheirNextBatchStartsAfresh()
    {
        final ProducerStateTable shortLived = new ProducerStateTable(1000);
        shortLived.update(1, (short)0, 0, 1, 0, 1, 5_000);
        shortLived.update(2, (short)0, 0, 1, 2, 3, 5_600);
        assertThat(shortLived.removeExpired(5_999)).isZero();
        assertThat(shortLived.removeExpired(6_000)).as("idle for exactly the expiration").isEqualTo(1);
        assertThat(shortLived.entry(1)).isNull();
        assertThat(shortLived.entry(2)).isNotNull();
        assertThat(shortLived.check(1, (short)0, 77, 77).verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(shortLived.check(2, (short)0, 77, 77).verdict()).isEqualTo(Verdict.OUT_OF_ORDER_SEQUENCE);
    }

    @Test
    void shouldMeasureIdlenessFromTheNewestBatchTimestamp()
    {
        accept(PID, 0, 0, 1, 9_000);
        accept(PID, 0, 1, 1, 2_000); // a producer clock going back must not shorten the producer's life
        assertThat(table.entry(PID).lastSeenMs()).isEqualTo(9_000);
        assertThat(table.removeExpired(9_000 + DAY - 1)).isZero();
        assertThat(table.removeExpired(9_000 + DAY)).isEqualTo(1);
    }

    @Test
    void shouldRecordAFollowersBatchesWithoutChecksAndResetOnANewEpoch()
    {
        table.update(PID, (short)4, 10, 12, 0, 2, 1000);
        table.update(PID, (short)4, 13, 13, 3, 3, 1000);
        table.update(PID, (short)5, 0, 1, 4, 5, 1000);
        final ProducerStateEntry e = table.entry(PID);
        assertThat(e.epoch()).isEqualTo((short)5);
        assertThat(e.batchCount()).isEqualTo(1);
        assertThat(e.firstOffset(0)).isEqualTo(4);
        assertThat(e.lastSequence()).isEqualTo(1);
    }

    @Test
    void shouldReuseOneResultObject()
    {
        accept(PID, 0, 0, 1, 1000);
        assertThat(check(PID, 0, 1, 1)).isSameAs(check(PID, 0, 5, 1)).isSameAs(check(99, 0, 0, 1));
    }
}
