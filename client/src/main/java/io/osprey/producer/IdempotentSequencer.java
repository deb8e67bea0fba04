package io.osprey.producer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.record.RecordBatch;

/**
 * The idempotent producer's per-partition sequence numbers and the rules that keep them safe:
 * the broker deduplicates a resent batch only if it carries the same producer id, epoch and
 * sequence, and appends a batch only if its sequence follows the last one appended.
 *
 * <h2>Rules</h2>
 * <ol>
 * <li>A batch gets its sequence when it is first drained and keeps it on every resend, so a
 * resend of a batch the broker already has is answered as a duplicate (success, original
 * offset), never appended twice.</li>
 * <li>Up to {@code max.in.flight} batches per partition may be in flight. A batch coming back
 * for a retry is resent only when it is the partition's oldest unacknowledged batch, so retries
 * go out one at a time in sequence order (later batches in flight then fail with
 * OUT_OF_ORDER_SEQUENCE_NUMBER, which is retried, not surfaced).</li>
 * <li>OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID for the oldest unacknowledged batch
 * means the broker no longer has the sequence that batch follows (data lost in an unclean
 * failover, producer state expired, or an earlier batch that expired here had not been
 * written). Such an answer also proves that batch was not written (a resend of a written batch
 * would be a duplicate), and so neither was any later one. The partition is then
 * <em>reset</em>: once nothing of it is in flight, its epoch is bumped (locally, per partition:
 * brokers keep the epoch per producer and partition and accept a higher epoch starting at
 * sequence 0, KIP-360) and its waiting batches get new sequences from 0, in order.</li>
 * <li>A sequenced batch that fails for good (a non-retriable error such as MESSAGE_TOO_LARGE, or
 * delivery.timeout.ms while waiting for a retry) leaves a gap no later batch can pass. If it was
 * never possibly written the partition is reset as above once the batches before the gap are
 * resolved. Later batches whose earlier attempt ended without an answer (disconnect, timeout)
 * might be in the log if the broker had no state for this producer, so the reset <b>fails</b>
 * them with an explicit error instead of resending them under a new sequence: a duplicate is
 * never risked.</li>
 * <li>A batch that expires after an attempt without an answer may or may not be in the log: its
 * sequence is left as it is, and the next batch's answer settles it (success: it was written;
 * OUT_OF_ORDER_SEQUENCE_NUMBER: it was not, and rule 3 resets the partition).</li>
 * </ol>
 * Not thread-safe: the sender's I/O thread owns it.
 */
final class IdempotentSequencer implements DrainGate
{
    private static final Logger LOG = LoggerFactory.getLogger(IdempotentSequencer.class);

    private final int maxInFlightPerPartition;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final Set<TopicPartition> resetsPending = new LinkedHashSet<>();
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;

    /** Why a partition is to be reset, which decides what may be resent under new sequences. */
    private enum ResetCause
    {
        /** The broker rejected the oldest batch's sequence: nothing waiting was written. */
        BROKER_REJECTED,
        /** A batch failed here: later ones may have been written if the broker had no state for the producer. */
        LOCAL_GAP
    }

    /** One partition's sequencing state. */
    private static final class PartitionState
    {
        short epoch;
        int nextSequence;
        long nextOrdinal;
        int inFlight;
        /** Sequenced batches not yet acknowledged or failed, oldest first. */
        final ArrayDeque<ProducerBatch> unacknowledged = new ArrayDeque<>();
        boolean resetPending;
        long gapOrdinal;
        ResetCause resetCause;

        PartitionState(final short epoch)
        {
            this.epoch = epoch;
        }
    }

    IdempotentSequencer(final int maxInFlightPerPartition)
    {
        this.maxInFlightPerPartition = maxInFlightPerPartition;
    }

    boolean hasProducerId()
    {
        return producerId != RecordBatch.NO_PRODUCER_ID;
    }

    /** From the InitProducerId response; before it, nothing is drained. */
    void setProducerId(final long producerId, final short epoch)
    {
        this.producerId = producerId;
        this.producerEpoch = epoch;
    }

    long producerId()
    {
        return producerId;
    }

    // ---- Draining --------------------------------------------------------------------------------

    @Override
    public boolean mayDrain(final ProducerBatch first)
    {
        if (!hasProducerId())
        {
            return false;
        }
        final PartitionState p = state(first.partition);
        if (first.hasSequence())
        {
            return p.unacknowledged.peekFirst() == first && (!p.resetPending || first.ordinal < p.gapOrdinal);
        }
        return !p.resetPending && p.inFlight < maxInFlightPerPartition;
    }

    @Override
    public void onDrained(final ProducerBatch batch)
    {
        final PartitionState p = state(batch.partition);
        if (!batch.hasSequence())
        {
            batch.assignSequence(producerId, p.epoch, p.nextSequence, p.nextOrdinal++);
            p.nextSequence = RecordBatch.incrementSequence(p.nextSequence, batch.recordCount());
            p.unacknowledged.addLast(batch);
        }
        p.inFlight++;
    }

    @Override
    public void onCompleted(final ProducerBatch batch)
    {
        final PartitionState p = state(batch.partition);
        p.inFlight--;
        if (p.inFlight < 0)
        {
            throw new IllegalStateException("More completions than sends for " + batch.partition + ": " + batch);
        }
    }

    // ---- Outcomes --------------------------------------------------------------------------------

    /** The broker has the batch (appended now, or a duplicate of an earlier attempt). */
    void onAcknowledged(final ProducerBatch batch)
    {
        state(batch.partition).unacknowledged.remove(batch);
    }

    /**
     * The broker answered the batch with a sequence error. Always retried: either an earlier batch
     * is being retried (this one follows it), or this is the oldest batch and the partition is
     * reset under a new epoch first (rule 3).
     */
    void onSequenceError(final ProducerBatch batch, final ErrorCode error)
    {
        final PartitionState p = state(batch.partition);
        if (p.unacknowledged.peekFirst() == batch && !p.resetPending)
        {
            LOG.info("{} for the oldest unacknowledged batch of {} (epoch {}, sequence {}): the broker lost this producer's "
                + "sequence; resetting the partition to a new epoch", error, batch.partition, batch.producerEpoch, batch.baseSequence);
            requestReset(p, batch.partition, batch.ordinal, ResetCause.BROKER_REJECTED);
        }
    }

    /** The batch fails for good (non-retriable error, delivery timeout) after it had a sequence. */
    void onFailed(final ProducerBatch batch)
    {
        if (!batch.hasSequence())
        {
            return;
        }
        final PartitionState p = state(batch.partition);
        p.unacknowledged.remove(batch);
        if (batch.possiblyWritten)
        {
            // Rule 5: the next batch's answer tells whether this one is in the log.
            return;
        }
        if (!p.resetPending || batch.ordinal < p.gapOrdinal)
        {
            requestReset(p, batch.partition, batch.ordinal, ResetCause.LOCAL_GAP);
        }
    }

    private void requestReset(final PartitionState p, final TopicPartition tp, final long gapOrdinal, final ResetCause cause)
    {
        p.resetPending = true;
        p.gapOrdinal = gapOrdinal;
        p.resetCause = cause;
        resetsPending.add(tp);
    }

    /**
     * Resets every partition that needs it and can be reset now: nothing of it in flight, and
     * every batch before the gap resolved.
     *
     * @param refused receives batches that cannot be resent safely (rule 4) with the reason;
     *                the caller fails them
     */
    void maybeReset(final Map<ProducerBatch, OspreyException> refused)
    {
        final Iterator<TopicPartition> it = resetsPending.iterator();
        while (it.hasNext())
        {
            final TopicPartition tp = it.next();
            final PartitionState p = partitions.get(tp);
            final ProducerBatch oldest = p.unacknowledged.peekFirst();
            if (p.inFlight > 0 || oldest != null && oldest.ordinal < p.gapOrdinal)
            {
                continue;
            }
            it.remove();
            reset(tp, p, refused);
        }
    }

    private void reset(final TopicPartition tp, final PartitionState p, final Map<ProducerBatch, OspreyException> refused)
    {
        p.resetPending = false;
        if (p.epoch == Short.MAX_VALUE)
        {
            for (final ProducerBatch batch : p.unacknowledged)
            {
                refused.put(batch, new OspreyException(ErrorCode.INVALID_PRODUCER_EPOCH, "Cannot resend " + batch + ": the producer epoch "
                    + "of " + tp + " is exhausted after " + Short.MAX_VALUE + " sequence resets; create a new producer"));
            }
            p.unacknowledged.clear();
            return;
        }
        p.epoch++;
        int sequence = 0;
        final List<ProducerBatch> kept = new ArrayList<>(p.unacknowledged.size());
        for (final ProducerBatch batch : p.unacknowledged)
        {
            if (p.resetCause == ResetCause.LOCAL_GAP && batch.possiblyWritten)
            {
                refused.put(batch, new OspreyException(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "Not resending " + batch + ": an earlier "
                    + "batch of " + tp + " failed, so the partition's sequence numbers had to be reset, and an earlier attempt to send "
                    + "this batch ended without an answer, so it may already be in the log. It was not resent under a new sequence "
                    + "to avoid writing it twice."));
                continue;
            }
            batch.assignSequence(producerId, p.epoch, sequence, batch.ordinal);
            sequence = RecordBatch.incrementSequence(sequence, batch.recordCount());
            kept.add(batch);
        }
        p.unacknowledged.clear();
        p.unacknowledged.addAll(kept);
        p.nextSequence = sequence;
        LOG.info("Reset {} to epoch {} of producer {}: {} waiting batch(es) renumbered from sequence 0", tp, p.epoch, producerId,
            kept.size());
    }

    private PartitionState state(final TopicPartition tp)
    {
        PartitionState p = partitions.get(tp);
        if (p == null)
        {
            p = new PartitionState(producerEpoch);
            partitions.put(tp, p);
        }
        return p;
    }

    /** The epoch batches of {@code tp} are sent with now (for tests and logs). */
    short epoch(final TopicPartition tp)
    {
        return state(tp).epoch;
    }

    /** The sequence the next new batch of {@code tp} gets (for tests). */
    int nextSequence(final TopicPartition tp)
    {
        return state(tp).nextSequence;
    }
}
