package io.osprey.log;

import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Consumer;

import org.agrona.collections.Long2ObjectHashMap;

import io.osprey.common.ErrorCode;
import io.osprey.record.RecordBatch;

/**
 * The idempotent-producer state of one partition: per producer id, a {@link ProducerStateEntry}
 * (epoch, last five batches, last-seen time).
 * <p>
 * The leader {@link #check checks} each idempotent batch before it assigns offsets, in the
 * order Kafka does:
 * <ol>
 *   <li>same epoch and a cached batch with the same first and last sequence: {@link Verdict#DUPLICATE}
 *       (answer with that batch's offsets, append nothing);</li>
 *   <li>epoch below the stored one: {@link Verdict#INVALID_PRODUCER_EPOCH};</li>
 *   <li>epoch above the stored one: the first sequence must be 0, else {@link Verdict#OUT_OF_ORDER_SEQUENCE};</li>
 *   <li>same epoch: the first sequence must follow the newest batch's last one (wrapping from
 *       {@code Integer.MAX_VALUE} to 0), else {@link Verdict#OUT_OF_ORDER_SEQUENCE};</li>
 *   <li>no state (a new producer, or one whose state expired): any sequence is accepted.</li>
 * </ol>
 * Answering a retried batch with OUT_OF_ORDER_SEQUENCE_NUMBER instead of deduplicating it makes
 * modern clients bump their epoch and resend, which creates duplicates: rule 1 comes first for
 * that reason. After the append, every replica {@link #update updates} the table from the batch
 * header alone, so the leader, its followers and a rebuild from the log reach the same state.
 * Non-idempotent batches (producer id -1) never reach the table.
 * <p>
 * Entries leave the table only by expiry: {@link #removeExpired} drops producers idle for
 * {@code producer.id.expiration.ms}. Retention deleting a producer's batches does not remove
 * its entry (as in Kafka since KIP-360): a producer that was quiet while its data aged out can
 * still continue its sequence instead of being treated as new.
 * <p>
 * Persisted by {@link ProducerStateSnapshots} (the on-disk layout is documented there).
 * <p>
 * Thread-safety: single writer, not thread-safe. The partition's writer thread owns the table;
 * {@link #check} fills one reusable {@link CheckResult} and {@link #update} allocates only for a
 * producer it has not seen, so the append path allocates nothing per batch. Other components
 * may read it through {@link PartitionLog#producerStateTable()} on the writer thread only.
 */
public final class ProducerStateTable
{
    /** Outcome of {@link #check}. */
    public enum Verdict
    {
        /** Append the batch, then {@link #update} the table. */
        ACCEPT,
        /** A retry of a batch already in the log: append nothing, answer with its original offsets. */
        DUPLICATE,
        /** The producer was fenced by a newer epoch: error 47. */
        INVALID_PRODUCER_EPOCH,
        /** The sequence does not continue the producer's last batch: error 45. */
        OUT_OF_ORDER_SEQUENCE
    }

    /**
     * The answer of the last {@link #check}: one reusable instance per table, valid until the
     * next check. Offsets and timestamp describe the original batch of a {@link Verdict#DUPLICATE};
     * the epoch and sequence fields explain an error.
     */
    public static final class CheckResult
    {
        private Verdict verdict = Verdict.ACCEPT;
        private long producerId;
        private short epoch;
        private short currentEpoch;
        private int firstSequence;
        private int expectedSequence;
        private long firstOffset;
        private long lastOffset;
        private long maxTimestamp;

        public Verdict verdict()
        {
            return verdict;
        }

        public long producerId()
        {
            return producerId;
        }

        /** Epoch of the checked batch. */
        public short epoch()
        {
            return epoch;
        }

        /** Epoch the table holds for the producer (the batch's own when the producer is unknown). */
        public short currentEpoch()
        {
            return currentEpoch;
        }

        /** First sequence of the checked batch. */
        public int firstSequence()
        {
            return firstSequence;
        }

        /** The first sequence that would have been in order; {@link RecordBatch#NO_SEQUENCE} when any is. */
        public int expectedSequence()
        {
            return expectedSequence;
        }

        /** First offset of the original batch of a duplicate. */
        public long firstOffset()
        {
            return firstOffset;
        }

        /** Last offset of the original batch of a duplicate. */
        public long lastOffset()
        {
            return lastOffset;
        }

        /** Max timestamp of the original batch of a duplicate. */
        public long maxTimestamp()
        {
            return maxTimestamp;
        }

        /** The protocol error of a rejected batch; {@link ErrorCode#NONE} otherwise. */
        public ErrorCode errorCode()
        {
            switch (verdict)
            {
                case INVALID_PRODUCER_EPOCH:
                    return ErrorCode.INVALID_PRODUCER_EPOCH;
                case OUT_OF_ORDER_SEQUENCE:
                    return ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
                default:
                    return ErrorCode.NONE;
            }
        }

        /** A message for a rejected batch naming producer, epochs and sequences. Allocates: error path only. */
        public String errorMessage(final String partition)
        {
            switch (verdict)
            {
                case INVALID_PRODUCER_EPOCH:
                    return "Invalid producer epoch for producer " + producerId + " on " + partition + ": epoch " + epoch +
                        " is older than its current epoch " + currentEpoch + " (sequence " + firstSequence + ")";
                case OUT_OF_ORDER_SEQUENCE:
                    if (epoch != currentEpoch)
                    {
                        return "Out of order sequence number for producer " + producerId + " on " + partition +
                            ": new epoch " + epoch + " (was " + currentEpoch + ") must start at sequence " +
                            expectedSequence + " but received " + firstSequence;
                    }
                    return "Out of order sequence number for producer " + producerId + " at epoch " + epoch + " on " +
                        partition + ": expected " + expectedSequence + ", received " + firstSequence;
                default:
                    return verdict + " for producer " + producerId + " at epoch " + epoch + " on " + partition;
            }
        }

        private CheckResult set(final Verdict v, final short current, final int expected)
        {
            verdict = v;
            currentEpoch = current;
            expectedSequence = expected;
            return this;
        }
    }

    private final Long2ObjectHashMap<ProducerStateEntry> producers = new Long2ObjectHashMap<>();
    private final CheckResult result = new CheckResult();
    private long expirationMs;

    /** @param expirationMs {@code producer.id.expiration.ms}: idle time after which a producer's state is dropped */
    public ProducerStateTable(final long expirationMs)
    {
        this.expirationMs = expirationMs;
    }

    public long expirationMs()
    {
        return expirationMs;
    }

    void expirationMs(final long value)
    {
        expirationMs = value;
    }

    /** Producers with state. */
    public int size()
    {
        return producers.size();
    }

    public boolean isEmpty()
    {
        return producers.isEmpty();
    }

    /** The state of one producer, or null when it has none. */
    public ProducerStateEntry entry(final long producerId)
    {
        return producers.get(producerId);
    }

    /** Visits every entry in ascending producer id order (allocates: for snapshots, tests and tools). */
    public void forEach(final Consumer<ProducerStateEntry> visitor)
    {
        for (final long id : sortedIds())
        {
            visitor.accept(producers.get(id));
        }
    }

    /**
     * Applies the append rules to a batch of an idempotent producer (producer id not -1)
     * without changing the table.
     *
     * @return the table's reusable result, valid until the next call
     */
    public CheckResult check(final long producerId, final short epoch, final int firstSequence, final int lastSequence)
    {
        final CheckResult r = result;
        r.producerId = producerId;
        r.epoch = epoch;
        r.firstSequence = firstSequence;
        final ProducerStateEntry e = producers.get(producerId);
        if (e == null)
        {
            return r.set(Verdict.ACCEPT, epoch, RecordBatch.NO_SEQUENCE);
        }
        final short current = e.epoch();
        if (epoch == current)
        {
            final int age = e.findBatch(firstSequence, lastSequence);
            if (age >= 0)
            {
                r.firstOffset = e.firstOffset(age);
                r.lastOffset = e.lastOffset(age);
                r.maxTimestamp = e.maxTimestamp(age);
                return r.set(Verdict.DUPLICATE, current, RecordBatch.NO_SEQUENCE);
            }
        }
        if (epoch < current)
        {
            return r.set(Verdict.INVALID_PRODUCER_EPOCH, current, RecordBatch.NO_SEQUENCE);
        }
        if (epoch > current)
        {
            return r.set(firstSequence == 0 ? Verdict.ACCEPT : Verdict.OUT_OF_ORDER_SEQUENCE, current, 0);
        }
        final int expected = RecordBatch.incrementSequence(e.lastSequence(), 1);
        return r.set(firstSequence == expected ? Verdict.ACCEPT : Verdict.OUT_OF_ORDER_SEQUENCE, current, expected);
    }

    /**
     * Records an appended batch from its header: leader after its append, follower for each
     * replicated batch, and recovery for each batch replayed from the log. A batch without a
     * producer id is ignored. A different epoch than the stored one starts the producer's cache afresh.
     */
    void update(final RecordBatch batch)
    {
        final long producerId = batch.producerId();
        if (producerId == RecordBatch.NO_PRODUCER_ID)
        {
            return;
        }
        update(producerId, batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
            batch.lastOffset(), batch.maxTimestamp());
    }

    void update(final long producerId, final short epoch, final int firstSequence, final int lastSequence,
        final long firstOffset, final long lastOffset, final long maxTimestamp)
    {
        ProducerStateEntry e = producers.get(producerId);
        if (e == null)
        {
            e = new ProducerStateEntry(producerId, epoch);
            producers.put(producerId, e);
        }
        else if (e.epoch() != epoch)
        {
            e.startEpoch(epoch);
        }
        e.addBatch(firstSequence, lastSequence, firstOffset, lastOffset, maxTimestamp);
    }

    /** Adds an entry read from a snapshot, replacing any with the same producer id. */
    void put(final ProducerStateEntry entry)
    {
        producers.put(entry.producerId(), entry);
    }

    /**
     * Drops producers idle for at least {@code producer.id.expiration.ms}: those whose
     * last-seen time is that long before {@code nowMs}. A later batch from one is accepted with
     * any sequence.
     *
     * @return producers removed
     */
    int removeExpired(final long nowMs)
    {
        int removed = 0;
        final Iterator<ProducerStateEntry> it = producers.values().iterator();
        while (it.hasNext())
        {
            if (nowMs - it.next().lastSeenMs() >= expirationMs)
            {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    void clear()
    {
        producers.clear();
    }

    private long[] sortedIds()
    {
        final long[] ids = new long[producers.size()];
        int i = 0;
        final Long2ObjectHashMap<ProducerStateEntry>.KeyIterator it = producers.keySet().iterator();
        while (it.hasNext())
        {
            ids[i++] = it.nextLong();
        }
        Arrays.sort(ids);
        return ids;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("ProducerStateTable{");
        forEach(e -> sb.append('\n').append("  ").append(e));
        return sb.append(producers.isEmpty() ? "}" : "\n}").toString();
    }
}
