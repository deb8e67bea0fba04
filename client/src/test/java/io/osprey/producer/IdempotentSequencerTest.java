package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/** The sequence rules, step by step: what may be sent when, and what a reset renumbers or refuses. */
class IdempotentSequencerTest
{
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long PRODUCER_ID = 9;

    private final IdempotentSequencer sequencer = new IdempotentSequencer(5);
    private final Map<ProducerBatch, OspreyException> refused = new LinkedHashMap<>();

    private static ProducerBatch batch(final int records)
    {
        final ProducerBatch batch = new ProducerBatch(TP, new RecordBatchBuilder(1024), 1024, 1024, Compression.NONE, 1L, 0L);
        for (int i = 0; i < records; i++)
        {
            batch.tryAppend(1L, null, new byte[] {(byte)i}, new Header[0], null);
        }
        batch.seal();
        return batch;
    }

    /** Drains {@code batch} if the sequencer allows it, as the accumulator does. */
    private ProducerBatch send(final ProducerBatch batch)
    {
        assertThat(sequencer.mayDrain(batch)).as("may send %s", batch).isTrue();
        sequencer.onDrained(batch);
        batch.records();
        return batch;
    }

    private static void assertHeader(final ProducerBatch batch, final short epoch, final int baseSequence)
    {
        final RecordBatch view = new RecordBatch(batch.records(), 0);
        assertThat(view.producerId()).isEqualTo(PRODUCER_ID);
        assertThat(view.producerEpoch()).as("epoch of %s", batch).isEqualTo(epoch);
        assertThat(view.baseSequence()).as("base sequence of %s", batch).isEqualTo(baseSequence);
        assertThat(view.isChecksumValid()).as("CRC after stamping").isTrue();
    }

    @Test
    void shouldSendNothingBeforeTheProducerIdIsKnown()
    {
        assertThat(sequencer.mayDrain(batch(1))).isFalse();
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        assertThat(sequencer.mayDrain(batch(1))).isTrue();
    }

    @Test
    void shouldAssignSequencesInDrainOrderAndKeepThemOnEveryResend()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)3);
        final ProducerBatch b1 = send(batch(3));
        final ProducerBatch b2 = send(batch(2));
        assertHeader(b1, (short)3, 0);
        assertHeader(b2, (short)3, 3);
        assertThat(sequencer.nextSequence(TP)).isEqualTo(5);

        sequencer.onCompleted(b1);
        sequencer.onCompleted(b2);
        send(b1);
        assertHeader(b1, (short)3, 0);
        assertThat(sequencer.nextSequence(TP)).as("a resend takes no new sequence").isEqualTo(5);
    }

    @Test
    void shouldLimitTheBatchesInFlightPerPartition()
    {
        final IdempotentSequencer two = new IdempotentSequencer(2);
        two.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = batch(1);
        two.onDrained(b1);
        two.onDrained(batch(1));
        assertThat(two.mayDrain(batch(1))).isFalse();
        two.onCompleted(b1);
        two.onAcknowledged(b1);
        assertThat(two.mayDrain(batch(1))).isTrue();
    }

    @Test
    void shouldResendRetriedBatchesOneAtATimeOldestFirst()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = send(batch(1));
        final ProducerBatch b2 = send(batch(1));
        sequencer.onCompleted(b1);
        sequencer.onCompleted(b2);
        assertThat(sequencer.mayDrain(b2)).as("b1 is older and not acknowledged").isFalse();
        send(b1);
        assertThat(sequencer.mayDrain(b2)).as("b1 is in flight again").isFalse();
        assertThat(sequencer.mayDrain(batch(1))).as("fresh batches follow retries in the deque anyway").isTrue();
        sequencer.onCompleted(b1);
        sequencer.onAcknowledged(b1);
        send(b2);
        assertHeader(b2, (short)0, 1);
    }

    @Test
    void shouldResetThePartitionToANewEpochWhenTheOldestBatchIsOutOfOrder()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = send(batch(2));
        final ProducerBatch b2 = send(batch(3));
        final ProducerBatch b3 = send(batch(1));

        sequencer.onCompleted(b1);
        sequencer.onSequenceError(b1, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        sequencer.onCompleted(b2);
        sequencer.onSequenceError(b2, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(sequencer.mayDrain(b1)).as("the reset waits for what is in flight").isFalse();
        assertThat(sequencer.mayDrain(batch(1))).isFalse();
        sequencer.maybeReset(refused);
        assertThat(sequencer.epoch(TP)).as("b3 is still in flight").isEqualTo((short)0);

        sequencer.onCompleted(b3);
        sequencer.onSequenceError(b3, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        sequencer.maybeReset(refused);
        assertThat(refused).isEmpty();
        assertThat(sequencer.epoch(TP)).isEqualTo((short)1);
        assertHeader(b1, (short)1, 0);
        assertHeader(b2, (short)1, 2);
        assertHeader(b3, (short)1, 5);
        assertThat(sequencer.nextSequence(TP)).isEqualTo(6);
        send(b1);
        assertThat(sequencer.mayDrain(b2)).isFalse();
    }

    @Test
    void shouldNotResetForASequenceErrorBehindAnEarlierRetry()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = send(batch(1));
        final ProducerBatch b2 = send(batch(1));
        sequencer.onCompleted(b1);
        sequencer.onCompleted(b2);
        sequencer.onSequenceError(b2, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        sequencer.maybeReset(refused);
        assertThat(sequencer.epoch(TP)).isEqualTo((short)0);
        send(b1);
        assertHeader(b1, (short)0, 0);
    }

    @Test
    void shouldResetAfterAPermanentFailureAndRefuseToRenumberABatchThatMayBeWritten()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = send(batch(1));
        final ProducerBatch b2 = send(batch(1));
        final ProducerBatch b3 = send(batch(1));
        sequencer.onCompleted(b2);
        b2.possiblyWritten = true;
        sequencer.onCompleted(b3);
        sequencer.onCompleted(b1);
        sequencer.onFailed(b1);
        assertThat(sequencer.mayDrain(b2)).as("behind the gap").isFalse();

        sequencer.maybeReset(refused);
        assertThat(refused).containsOnlyKeys(b2);
        assertThat(refused.get(b2)).hasMessageContaining("may already be in the log");
        assertThat(sequencer.epoch(TP)).isEqualTo((short)1);
        assertHeader(b3, (short)1, 0);
        send(b3);
    }

    @Test
    void shouldLetBatchesBeforeTheGapResolveBeforeResetting()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = send(batch(1));
        final ProducerBatch b2 = send(batch(1));
        final ProducerBatch b3 = send(batch(1));
        sequencer.onCompleted(b1);
        b1.possiblyWritten = true;
        sequencer.onCompleted(b2);
        sequencer.onFailed(b2);
        sequencer.onCompleted(b3);

        sequencer.maybeReset(refused);
        assertThat(sequencer.epoch(TP)).as("b1 is unresolved").isEqualTo((short)0);
        assertThat(sequencer.mayDrain(b3)).isFalse();
        send(b1);
        assertHeader(b1, (short)0, 0);
        sequencer.onCompleted(b1);
        sequencer.onAcknowledged(b1);

        sequencer.maybeReset(refused);
        assertThat(refused).isEmpty();
        assertThat(sequencer.epoch(TP)).isEqualTo((short)1);
        assertHeader(b3, (short)1, 0);
    }

    @Test
    void shouldLeaveSequencesAloneWhenAnExpiredBatchMayHaveBeenWritten()
    {
        sequencer.setProducerId(PRODUCER_ID, (short)0);
        final ProducerBatch b1 = send(batch(1));
        final ProducerBatch b2 = send(batch(1));
        sequencer.onCompleted(b1);
        b1.possiblyWritten = true;
        sequencer.onFailed(b1);
        sequencer.onCompleted(b2);
        sequencer.maybeReset(refused);
        assertThat(sequencer.epoch(TP)).isEqualTo((short)0);
        send(b2);
        assertHeader(b2, (short)0, 1);
    }
}
