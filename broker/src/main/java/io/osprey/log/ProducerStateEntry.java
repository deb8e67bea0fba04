package io.osprey.log;

import io.osprey.record.RecordBatch;

/**
 * What one partition remembers about one idempotent producer: its current epoch, the sequence
 * ranges and offsets of its last {@link #MAX_BATCHES} appended batches, and when it was last seen.
 * <p>
 * Five batches because a Kafka producer keeps at most five requests in flight per connection
 * ({@code max.in.flight.requests.per.connection <= 5} with idempotence): any batch it may still
 * retry is among its last five. The batches sit in a ring of primitive arrays so that recording
 * a batch allocates nothing. Every cached batch belongs to the current epoch: a new epoch
 * starts an empty cache.
 * <p>
 * "Last seen" is the largest {@code maxTimestamp} of the producer's batches, not the wall clock
 * of the append: the batch header is all that a follower or a rebuild from the log sees, and
 * deriving the time from it keeps leader, followers and restarted brokers identical (Kafka does
 * the same).
 * <p>
 * Thread-safety: none. An entry belongs to a {@link ProducerStateTable}, which only its
 * partition's writer thread mutates; read it on that thread. Batch accessors take an age index,
 * 0 being the oldest cached batch and {@code batchCount() - 1} the newest.
 */
public final class ProducerStateEntry
{
    public static final int MAX_BATCHES = 5;

    private final long producerId;
    private final int[] firstSequences = new int[MAX_BATCHES];
    private final int[] lastSequences = new int[MAX_BATCHES];
    private final long[] firstOffsets = new long[MAX_BATCHES];
    private final long[] lastOffsets = new long[MAX_BATCHES];
    private final long[] maxTimestamps = new long[MAX_BATCHES];
    private short epoch;
    private int oldest;
    private int count;
    private long lastSeenMs = RecordBatch.NO_TIMESTAMP;

    ProducerStateEntry(final long producerId, final short epoch)
    {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    public long producerId()
    {
        return producerId;
    }

    public short epoch()
    {
        return epoch;
    }

    /** Batches cached, 0 to {@link #MAX_BATCHES}. */
    public int batchCount()
    {
        return count;
    }

    /** Largest batch {@code maxTimestamp} seen from this producer: what expiry measures idleness from. */
    public long lastSeenMs()
    {
        return lastSeenMs;
    }

    public int firstSequence(final int age)
    {
        return firstSequences[slot(age)];
    }

    public int lastSequence(final int age)
    {
        return lastSequences[slot(age)];
    }

    public long firstOffset(final int age)
    {
        return firstOffsets[slot(age)];
    }

    public long lastOffset(final int age)
    {
        return lastOffsets[slot(age)];
    }

    public long maxTimestamp(final int age)
    {
        return maxTimestamps[slot(age)];
    }

    /** Sequence of the newest batch's last record, or {@link RecordBatch#NO_SEQUENCE} with no batch cached. */
    public int lastSequence()
    {
        return count == 0 ? RecordBatch.NO_SEQUENCE : lastSequences[slot(count - 1)];
    }

    /** Last offset of the newest batch, or -1 with no batch cached. */
    public long lastOffset()
    {
        return count == 0 ? -1 : lastOffsets[slot(count - 1)];
    }

    /** Age index of the cached batch with exactly this sequence range, or -1. */
    int findBatch(final int firstSequence, final int lastSequence)
    {
        for (int age = 0; age < count; age++)
        {
            final int s = slot(age);
            if (firstSequences[s] == firstSequence && lastSequences[s] == lastSequence)
            {
                return age;
            }
        }
        return -1;
    }

    /** Starts a new epoch: the batches of the old one can no longer be retried under it. */
    void startEpoch(final short newEpoch)
    {
        epoch = newEpoch;
        oldest = 0;
        count = 0;
    }

    /** Records a batch as the newest, evicting the oldest when five are cached. */
    void addBatch(final int firstSequence, final int lastSequence, final long firstOffset, final long lastOffset,
        final long maxTimestamp)
    {
        final int s;
        if (count < MAX_BATCHES)
        {
            s = (oldest + count) % MAX_BATCHES;
            count++;
        }
        else
        {
            s = oldest;
            oldest = (oldest + 1) % MAX_BATCHES;
        }
        firstSequences[s] = firstSequence;
        lastSequences[s] = lastSequence;
        firstOffsets[s] = firstOffset;
        lastOffsets[s] = lastOffset;
        maxTimestamps[s] = maxTimestamp;
        lastSeenMs = Math.max(lastSeenMs, maxTimestamp);
    }

    /** Restores the last-seen time from a snapshot (it may exceed every cached batch's timestamp). */
    void lastSeenMs(final long value)
    {
        lastSeenMs = value;
    }

    /** Array index of the batch of this age; checked, since an unchecked one would read stale slots. */
    private int slot(final int age)
    {
        if (age < 0 || age >= count)
        {
            throw new IndexOutOfBoundsException("batch " + age + " of " + count + " cached for producer " + producerId);
        }
        return (oldest + age) % MAX_BATCHES;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(64 + count * 48);
        sb.append("ProducerStateEntry{producerId=").append(producerId).append(", epoch=").append(epoch)
            .append(", lastSeenMs=").append(lastSeenMs).append(", batches=[");
        for (int age = 0; age < count; age++)
        {
            if (age > 0)
            {
                sb.append(", ");
            }
            sb.append("seq ").append(firstSequence(age)).append("..").append(lastSequence(age))
                .append(" @ ").append(firstOffset(age)).append("..").append(lastOffset(age))
                .append(" ts ").append(maxTimestamp(age));
        }
        return sb.append("]}").toString();
    }
}
