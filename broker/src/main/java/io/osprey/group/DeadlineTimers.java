package io.osprey.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed one-shot timers driven by the caller's clock: {@link #schedule} replaces any timer of
 * the same key, {@link #poll(long)} runs the due ones and returns the next deadline. No threads
 * and no clock of its own, so tests drive it with any time they like.
 * <p>
 * A priority queue ordered by deadline then insertion; cancelled entries stay in the queue
 * until they surface (or until cancelled ones outnumber the live ones, when it is rebuilt), so
 * both schedule and cancel are O(log n). Not thread-safe: owned by the group coordinator thread.
 */
final class DeadlineTimers
{
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimers.class);
    /** Timers run by one poll: a timer that keeps rescheduling itself at the same instant cannot livelock the caller. */
    static final int RUN_PER_POLL_MAX = 10_000;

    private static final class Entry
    {
        final String key;
        final long deadlineMs;
        final long sequence;
        final LongConsumer action;
        boolean cancelled;

        Entry(final String key, final long deadlineMs, final long sequence, final LongConsumer action)
        {
            this.key = key;
            this.deadlineMs = deadlineMs;
            this.sequence = sequence;
            this.action = action;
        }
    }

    private final Map<String, Entry> byKey = new HashMap<>();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) ->
        a.deadlineMs != b.deadlineMs ? Long.compare(a.deadlineMs, b.deadlineMs) : Long.compare(a.sequence, b.sequence));
    private long sequence;

    /**
     * Runs {@code action} (given the poll's time) at the first poll at or after {@code deadlineMs},
     * replacing the timer of {@code key}.
     */
    void schedule(final String key, final long deadlineMs, final LongConsumer action)
    {
        cancel(key);
        final Entry e = new Entry(key, deadlineMs, sequence++, action);
        byKey.put(key, e);
        queue.add(e);
    }

    void cancel(final String key)
    {
        final Entry old = byKey.remove(key);
        if (old != null)
        {
            old.cancelled = true;
            if (queue.size() > 64 && queue.size() > 2 * byKey.size())
            {
                final List<Entry> live = new ArrayList<>(byKey.values());
                queue.clear();
                queue.addAll(live);
            }
        }
    }

    boolean isScheduled(final String key)
    {
        return byKey.containsKey(key);
    }

    /** The deadline of {@code key}, or -1 when none is scheduled. */
    long deadlineOf(final String key)
    {
        final Entry e = byKey.get(key);
        return e == null ? -1 : e.deadlineMs;
    }

    int size()
    {
        return byKey.size();
    }

    /**
     * Runs every timer due at {@code nowMs}, earliest first (actions may schedule or cancel); an
     * action that throws is logged and the others still run.
     *
     * @return the next deadline, or {@link Long#MAX_VALUE} when none is scheduled
     */
    long poll(final long nowMs)
    {
        int ran = 0;
        while (!queue.isEmpty() && queue.peek().deadlineMs <= nowMs && ran < RUN_PER_POLL_MAX)
        {
            final Entry e = queue.poll();
            if (e.cancelled)
            {
                continue;
            }
            byKey.remove(e.key);
            ran++;
            try
            {
                e.action.accept(nowMs);
            }
            catch (final RuntimeException failure)
            {
                // One failing timer must not hold back the others due now (the owner answers what it left waiting).
                LOG.error("Timer {} failed", e.key.replace('\0', '/'), failure);
            }
        }
        while (!queue.isEmpty() && queue.peek().cancelled)
        {
            queue.poll();
        }
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().deadlineMs;
    }
}
