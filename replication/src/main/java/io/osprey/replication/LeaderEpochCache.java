package io.osprey.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which leader epoch wrote which part of a partition's log: an ordered list of
 * (epoch, start offset) entries, each epoch starting where the previous one ends.
 * <p>
 * Replication uses it to find where a follower's log diverges from the leader's: the end
 * offset of epoch E is the start offset of the first epoch after E (or the log end offset for
 * the latest epoch). Pure and deterministic. Written by the partition's writer; every method
 * is synchronized because a leader answers followers' fetches from network threads while its
 * writer appends and applies retention (uncontended in practice).
 * Persistence is the caller's job: {@link #entries()} gives what to write.
 */
public final class LeaderEpochCache
{
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;

    /** An epoch and the first offset written in it. */
    public record Entry(int epoch, long startOffset)
    {
    }

    /** The answer to "where does epoch E end": the largest epoch ≤ E and its end offset. */
    public record EpochEnd(int epoch, long endOffset)
    {
        public static final EpochEnd UNDEFINED = new EpochEnd(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
    }

    private final ArrayList<Entry> entries = new ArrayList<>();

    public LeaderEpochCache()
    {
    }

    public LeaderEpochCache(final List<Entry> initial)
    {
        for (final Entry e : initial)
        {
            assign(e.epoch(), e.startOffset());
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. An epoch older than the latest
     * is ignored (a batch from an old leader replicated late keeps its original epoch entry);
     * a newer epoch whose start is below earlier entries' starts replaces them, since a new
     * leader's view wins.
     *
     * @return true when the cache changed and should be persisted.
     */
    public synchronized boolean assign(final int epoch, final long startOffset)
    {
        if (epoch < 0 || startOffset < 0)
        {
            return false;
        }
        if (!entries.isEmpty())
        {
            final Entry latest = entries.get(entries.size() - 1);
            if (epoch <= latest.epoch())
            {
                return false;
            }
        }
        while (!entries.isEmpty() && entries.get(entries.size() - 1).startOffset() >= startOffset)
        {
            entries.remove(entries.size() - 1);
        }
        entries.add(new Entry(epoch, startOffset));
        return true;
    }

    public synchronized int latestEpoch()
    {
        return entries.isEmpty() ? UNDEFINED_EPOCH : entries.get(entries.size() - 1).epoch();
    }

    public synchronized int earliestEpoch()
    {
        return entries.isEmpty() ? UNDEFINED_EPOCH : entries.get(0).epoch();
    }

    /**
     * The end offset of the largest epoch ≤ {@code requestedEpoch}: where the next epoch starts,
     * or {@code logEndOffset} for the latest one. {@link EpochEnd#UNDEFINED} when the requested
     * epoch is older than every entry.
     */
    public synchronized EpochEnd endOffsetFor(final int requestedEpoch, final long logEndOffset)
    {
        if (requestedEpoch == UNDEFINED_EPOCH || entries.isEmpty())
        {
            return EpochEnd.UNDEFINED;
        }
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            final Entry e = entries.get(i);
            if (e.epoch() <= requestedEpoch)
            {
                final long end = i == entries.size() - 1 ? logEndOffset : entries.get(i + 1).startOffset();
                return new EpochEnd(e.epoch(), end);
            }
        }
        return EpochEnd.UNDEFINED;
    }

    /**
     * OffsetForLeaderEpoch exactly as Kafka's {@code LeaderEpochFileCache.endOffsetFor} answers
     * it, for a leader answering a follower and for a follower reading its own log. It differs
     * from {@link #endOffsetFor} in the two edge cases Kafka defines:
     * <ul>
     * <li>an epoch older than every entry gets (the requested epoch, the first entry's start
     *     offset): everything the follower holds from that epoch lies below where this log's
     *     known history begins, so the follower keeps at most that much of it;</li>
     * <li>an empty cache (a log with nothing written yet) gets (the requested epoch, the log
     *     end offset). Kafka's leader writes its epoch into the cache when it is elected, so its
     *     cache is never empty; this cache learns an epoch from the first batch written in it
     *     instead, and answering as if the current epoch started at the log end is the same.</li>
     * </ul>
     * An epoch newer than every entry gets the latest entry and the log end, as in
     * {@link #endOffsetFor} (Kafka's elected leader would answer the same, see above).
     * {@link EpochEnd#UNDEFINED} only for {@link #UNDEFINED_EPOCH}.
     */
    public synchronized EpochEnd offsetForLeaderEpoch(final int requestedEpoch, final long logEndOffset)
    {
        if (requestedEpoch == UNDEFINED_EPOCH)
        {
            return EpochEnd.UNDEFINED;
        }
        final int i = floorIndex(requestedEpoch);
        if (i < 0)
        {
            return new EpochEnd(requestedEpoch, entries.isEmpty() ? logEndOffset : entries.get(0).startOffset());
        }
        return new EpochEnd(entries.get(i).epoch(), endOffsetAt(i, logEndOffset));
    }

    /**
     * The leader's divergence check for a follower's fetch, without allocating: true when the
     * follower, whose log ends at {@code fetchOffset} with a last batch of {@code lastFetchedEpoch},
     * holds records this log does not, i.e. when {@link #offsetForLeaderEpoch} for that epoch
     * answers an older epoch or an end below {@code fetchOffset} (Kafka's diverging-epoch rule).
     * A follower with an empty log ({@link #UNDEFINED_EPOCH}) never diverges.
     */
    public synchronized boolean followerDiverges(final int lastFetchedEpoch, final long fetchOffset, final long logEndOffset)
    {
        if (lastFetchedEpoch == UNDEFINED_EPOCH)
        {
            return false;
        }
        final int i = floorIndex(lastFetchedEpoch);
        if (i < 0)
        {
            return (entries.isEmpty() ? logEndOffset : entries.get(0).startOffset()) < fetchOffset;
        }
        return entries.get(i).epoch() < lastFetchedEpoch || endOffsetAt(i, logEndOffset) < fetchOffset;
    }

    /** Index of the largest epoch ≤ {@code epoch}, or -1. A linear scan from the end: caches hold a handful of entries. */
    private int floorIndex(final int epoch)
    {
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            if (entries.get(i).epoch() <= epoch)
            {
                return i;
            }
        }
        return -1;
    }

    private long endOffsetAt(final int index, final long logEndOffset)
    {
        return index == entries.size() - 1 ? logEndOffset : entries.get(index + 1).startOffset();
    }

    /** The epoch that wrote {@code offset}, or {@link #UNDEFINED_EPOCH}. */
    public synchronized int epochForOffset(final long offset)
    {
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            if (entries.get(i).startOffset() <= offset)
            {
                return entries.get(i).epoch();
            }
        }
        return UNDEFINED_EPOCH;
    }

    /**
     * Drops every epoch that starts at or after {@code endOffset}: the log was truncated there.
     *
     * @return true when the cache changed.
     */
    public synchronized boolean truncateFromEnd(final long endOffset)
    {
        boolean changed = false;
        while (!entries.isEmpty() && entries.get(entries.size() - 1).startOffset() >= endOffset)
        {
            entries.remove(entries.size() - 1);
            changed = true;
        }
        return changed;
    }

    /**
     * The log now starts at {@code startOffset}: epochs wholly before it go, and the epoch that
     * covers it starts there.
     *
     * @return true when the cache changed.
     */
    public synchronized boolean truncateFromStart(final long startOffset)
    {
        boolean changed = false;
        while (entries.size() > 1 && entries.get(1).startOffset() <= startOffset)
        {
            entries.remove(0);
            changed = true;
        }
        if (!entries.isEmpty() && entries.get(0).startOffset() < startOffset)
        {
            entries.set(0, new Entry(entries.get(0).epoch(), startOffset));
            changed = true;
        }
        return changed;
    }

    public synchronized List<Entry> entries()
    {
        return Collections.unmodifiableList(new ArrayList<>(entries));
    }

    public synchronized void clear()
    {
        entries.clear();
    }

    @Override
    public synchronized String toString()
    {
        return "LeaderEpochCache" + entries;
    }
}
