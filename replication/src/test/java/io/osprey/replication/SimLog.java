package io.osprey.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory partition log for the replication simulation: offset -> (epoch, payload), one
 * record per batch, a flushed prefix that survives a crash, and a {@link LeaderEpochCache} kept
 * by the same rules as {@code io.osprey.log.PartitionLog}: an epoch is assigned when the first
 * batch of a newer epoch is appended, the cache is truncated with the log, and a crash rebuilds
 * it from what survived (as recovery does from the checkpoint plus the scanned tail).
 */
final class SimLog
{
    /** One record: the leader epoch that wrote it and a payload unique across the simulation. */
    record Entry(int epoch, long payload)
    {
    }

    private final ArrayList<Entry> entries = new ArrayList<>();
    private final LeaderEpochCache epochCache = new LeaderEpochCache();
    private int flushed;

    long logEndOffset()
    {
        return entries.size();
    }

    long flushedOffset()
    {
        return flushed;
    }

    Entry get(final long offset)
    {
        return entries.get((int)offset);
    }

    LeaderEpochCache epochCache()
    {
        return epochCache;
    }

    void append(final Entry e)
    {
        if (e.epoch() > epochCache.latestEpoch())
        {
            epochCache.assign(e.epoch(), entries.size());
        }
        entries.add(e);
    }

    /** Up to {@code max} records from {@code offset}, copied (the leader's log keeps growing). */
    List<Entry> read(final long offset, final int max)
    {
        final int to = (int)Math.min(entries.size(), offset + max);
        return new ArrayList<>(entries.subList((int)offset, to));
    }

    /** Drops everything at and above {@code offset}, flushed or not (truncation rewrites the file). */
    void truncateTo(final long offset)
    {
        if (offset >= entries.size())
        {
            return;
        }
        entries.subList((int)offset, entries.size()).clear();
        flushed = Math.min(flushed, entries.size());
        epochCache.truncateFromEnd(offset);
        checkEpochCache();
    }

    void flush()
    {
        flushed = entries.size();
    }

    /** A power loss: the unflushed tail is gone and recovery rebuilds the epoch cache. */
    void crash()
    {
        entries.subList(flushed, entries.size()).clear();
        epochCache.clear();
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i).epoch() > epochCache.latestEpoch())
            {
                epochCache.assign(entries.get(i).epoch(), i);
            }
        }
    }

    /** The cache must say exactly which epoch wrote each offset. */
    void checkEpochCache()
    {
        final LeaderEpochCache expected = new LeaderEpochCache();
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i).epoch() > expected.latestEpoch())
            {
                expected.assign(entries.get(i).epoch(), i);
            }
        }
        if (!expected.entries().equals(epochCache.entries()))
        {
            throw new AssertionError("epoch cache " + epochCache + " does not match log " + expected);
        }
    }

    /** The first offset where the two logs differ, or the shorter length. */
    static long firstDivergence(final SimLog a, final SimLog b)
    {
        final int n = Math.min(a.entries.size(), b.entries.size());
        for (int i = 0; i < n; i++)
        {
            if (!a.entries.get(i).equals(b.entries.get(i)))
            {
                return i;
            }
        }
        return n;
    }

    List<Entry> entries()
    {
        return entries;
    }

    @Override
    public String toString()
    {
        final StringBuilder b = new StringBuilder("leo=").append(entries.size()).append(" flushed=").append(flushed)
            .append(' ').append(epochCache);
        return b.toString();
    }
}
