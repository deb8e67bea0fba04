package io.osprey.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * The mailbox from the application thread to the network thread: the assignment, seeks and
 * resets, pauses, and the bytes of fetched data the application has finished with.
 * <p>
 * Commands coalesce instead of queueing: per partition only the latest position command and
 * pause state are kept, and releases of the same generation add up. So the mailbox is bounded
 * by the number of assigned partitions however often the application seeks between two network
 * polls, and the network thread is woken once per batch of changes, not once per change.
 * <p>
 * Thread-safe: the application thread writes, the network thread {@link #drain drains}, both
 * under this object's monitor (held for a few map operations only). {@link #hasChanges()} is a
 * volatile read so the network thread checks it on each loop without locking.
 */
final class FetchControl
{
    /**
     * A new position for a partition, valid from {@code generation} on: a seek to {@code offset}
     * when it is 0 or more, else a reset by {@code reset} (for {@link OffsetResetStrategy#NONE}:
     * wait for a seek).
     */
    record PositionCommand(long generation, long offset, OffsetResetStrategy reset)
    {
        static PositionCommand seek(final long generation, final long offset)
        {
            return new PositionCommand(generation, offset, null);
        }

        static PositionCommand reset(final long generation, final OffsetResetStrategy reset)
        {
            return new PositionCommand(generation, -1, reset);
        }

        boolean isSeek()
        {
            return offset >= 0;
        }
    }

    /** Fetched bytes of {@code generation} that the application has consumed or dropped. */
    record Release(long generation, long bytes)
    {
    }

    /** Everything changed since the last drain. {@code assignment} is null when it did not change. */
    record Changes(Set<TopicPartition> assignment, Map<TopicPartition, PositionCommand> positions,
        Map<TopicPartition, Boolean> paused, Map<TopicPartition, Release> releases)
    {
    }

    private final Runnable wakeNetworkThread;

    private Set<TopicPartition> assignment;
    private Map<TopicPartition, PositionCommand> positions = new HashMap<>();
    private Map<TopicPartition, Boolean> paused = new HashMap<>();
    private Map<TopicPartition, Release> releases = new HashMap<>();
    private volatile boolean changed;

    /** @param wakeNetworkThread cuts the network thread's blocking poll short (NetworkClient::wakeup) */
    FetchControl(final Runnable wakeNetworkThread)
    {
        this.wakeNetworkThread = wakeNetworkThread;
    }

    synchronized void assign(final Set<TopicPartition> partitions)
    {
        assignment = Set.copyOf(partitions);
        positions.keySet().retainAll(partitions);
        paused.keySet().retainAll(partitions);
        releases.keySet().retainAll(partitions);
        markChanged();
    }

    synchronized void position(final TopicPartition partition, final PositionCommand command)
    {
        positions.put(partition, command);
        markChanged();
    }

    synchronized void pause(final TopicPartition partition, final boolean pause)
    {
        paused.put(partition, pause);
        markChanged();
    }

    /** Adds to the bytes released for {@code generation}; releases of an older generation are moot and replaced. */
    synchronized void release(final TopicPartition partition, final long generation, final long bytes)
    {
        final Release previous = releases.get(partition);
        final long total = previous != null && previous.generation() == generation ? previous.bytes() + bytes : bytes;
        releases.put(partition, new Release(generation, total));
        markChanged();
    }

    /** Whether anything changed since the last drain; the network thread's cheap check. */
    boolean hasChanges()
    {
        return changed;
    }

    /** Takes every change; the maps returned belong to the caller. */
    synchronized Changes drain()
    {
        final Changes changes = new Changes(assignment, positions, paused, releases);
        assignment = null;
        positions = new HashMap<>();
        paused = new HashMap<>();
        releases = new HashMap<>();
        changed = false;
        return changes;
    }

    private void markChanged()
    {
        if (!changed)
        {
            changed = true;
            wakeNetworkThread.run();
        }
    }
}
