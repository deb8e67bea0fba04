package io.osprey.consumer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * The application thread's view of the assignment: each assigned partition's position, pending
 * reset and paused flag, and its <em>generation</em>.
 * <p>
 * A generation identifies one continuous run of positions: every assign of a new partition, seek
 * and reset takes a new one (from one counter, so a partition unassigned and assigned again never
 * reuses a number). The network thread tags everything it fetches with the generation it fetched
 * for, so data fetched before a seek is recognised and dropped on both sides without any
 * handshake. Every change is also posted to the {@link FetchControl} so the network thread follows.
 * <p>
 * Not thread-safe: owned by the application thread (the consumer's caller).
 */
final class SubscriptionState
{
    /** The position of a partition that has none yet. */
    static final long UNKNOWN = -1;

    /** One assigned partition. */
    static final class PartitionState
    {
        final TopicPartition partition;
        long generation;
        /** The offset of the next record to return, or {@link #UNKNOWN} while a reset is pending. */
        long position = UNKNOWN;
        /** How the position will be found while it is unknown. */
        OffsetResetStrategy reset;
        boolean paused;
        /** Assigned by the group and waiting for its committed offset (then auto.offset.reset) to give it a position. */
        boolean awaitingCommitted;

        PartitionState(final TopicPartition partition)
        {
            this.partition = partition;
        }

        boolean hasPosition()
        {
            return position != UNKNOWN;
        }
    }

    private final OffsetResetStrategy defaultReset;
    private final FetchControl control;
    private final Map<TopicPartition, PartitionState> assigned = new LinkedHashMap<>();
    private long lastGeneration;

    SubscriptionState(final OffsetResetStrategy defaultReset, final FetchControl control)
    {
        this.defaultReset = defaultReset;
        this.control = control;
    }

    /** {@code auto.offset.reset}. */
    OffsetResetStrategy defaultReset()
    {
        return defaultReset;
    }

    /**
     * Replaces the assignment ({@code assign()}); partitions that stay keep their state. New ones
     * start from the group's committed offsets when the consumer has a {@code group.id}, as Kafka's
     * does ({@link #partitionsAwaitingCommitted()}; {@code auto.offset.reset} where nothing is
     * committed), and otherwise await a reset by {@code auto.offset.reset}.
     */
    void assign(final Collection<TopicPartition> partitions, final boolean fromCommitted)
    {
        final Set<TopicPartition> wanted = new LinkedHashSet<>(partitions);
        assigned.keySet().retainAll(wanted);
        control.assign(wanted);
        for (final TopicPartition tp : wanted)
        {
            if (!assigned.containsKey(tp))
            {
                final PartitionState state = new PartitionState(tp);
                assigned.put(tp, state);
                if (fromCommitted)
                {
                    reset(state, OffsetResetStrategy.NONE);
                    state.awaitingCommitted = true;
                }
                else
                {
                    reset(state, defaultReset);
                }
            }
        }
    }

    /**
     * Replaces the assignment with one from the group: partitions that stay keep their state; new
     * ones wait for their committed offsets ({@link #partitionsAwaitingCommitted()}), fetching nothing meanwhile.
     */
    void assignFromGroup(final Collection<TopicPartition> partitions)
    {
        assign(partitions, true);
    }

    /** Partitions the group assigned that still wait for their committed offsets. */
    Set<TopicPartition> partitionsAwaitingCommitted()
    {
        Set<TopicPartition> out = null;
        for (final PartitionState state : assigned.values())
        {
            if (state.awaitingCommitted)
            {
                if (out == null)
                {
                    out = new LinkedHashSet<>();
                }
                out.add(state.partition);
            }
        }
        return out == null ? Set.of() : out;
    }

    /** The position of every partition that has one, as offsets to commit. */
    Map<TopicPartition, OffsetAndMetadata> allConsumed()
    {
        final Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        for (final PartitionState state : assigned.values())
        {
            if (state.hasPosition())
            {
                out.put(state.partition, new OffsetAndMetadata(state.position));
            }
        }
        return out;
    }

    Set<TopicPartition> assignment()
    {
        return Collections.unmodifiableSet(new LinkedHashSet<>(assigned.keySet()));
    }

    boolean isAssigned(final TopicPartition partition)
    {
        return assigned.containsKey(partition);
    }

    boolean isEmpty()
    {
        return assigned.isEmpty();
    }

    /** The state of an assigned partition, or null. */
    PartitionState state(final TopicPartition partition)
    {
        return assigned.get(partition);
    }

    /** The state of an assigned partition; a partition not assigned is the caller's mistake. */
    PartitionState assignedState(final TopicPartition partition)
    {
        final PartitionState state = assigned.get(partition);
        if (state == null)
        {
            throw new IllegalStateException("No current assignment for partition " + partition + " (assigned: " + assigned.keySet() + ")");
        }
        return state;
    }

    Collection<PartitionState> states()
    {
        return assigned.values();
    }

    void seek(final TopicPartition partition, final long offset)
    {
        final PartitionState state = assignedState(partition);
        state.generation = ++lastGeneration;
        state.position = offset;
        state.reset = null;
        state.awaitingCommitted = false;
        control.position(partition, FetchControl.PositionCommand.seek(state.generation, offset));
    }

    /** Forgets the position; the network thread looks the new one up ({@link OffsetResetStrategy#NONE}: waits for a seek). */
    void requestReset(final TopicPartition partition, final OffsetResetStrategy strategy)
    {
        reset(assignedState(partition), strategy);
    }

    private void reset(final PartitionState state, final OffsetResetStrategy strategy)
    {
        state.generation = ++lastGeneration;
        state.position = UNKNOWN;
        state.reset = strategy;
        state.awaitingCommitted = false;
        control.position(state.partition, FetchControl.PositionCommand.reset(state.generation, strategy));
    }

    /**
     * Applies a reset the network thread looked up, if it is for the current generation.
     *
     * @return whether it applied
     */
    boolean maybeApplyReset(final TopicPartition partition, final long generation, final long offset)
    {
        final PartitionState state = assigned.get(partition);
        if (state == null || state.generation != generation)
        {
            return false;
        }
        state.position = offset;
        state.reset = null;
        return true;
    }

    void pause(final TopicPartition partition, final boolean pause)
    {
        final PartitionState state = assignedState(partition);
        if (state.paused != pause)
        {
            state.paused = pause;
            control.pause(partition, pause);
        }
    }

    Set<TopicPartition> paused()
    {
        final Set<TopicPartition> paused = new LinkedHashSet<>();
        for (final PartitionState state : assigned.values())
        {
            if (state.paused)
            {
                paused.add(state.partition);
            }
        }
        return Collections.unmodifiableSet(paused);
    }

    /** Partitions without a position that only a seek can give one (reset strategy none). */
    List<TopicPartition> partitionsAwaitingSeek()
    {
        List<TopicPartition> out = null;
        for (final PartitionState state : assigned.values())
        {
            if (!state.hasPosition() && state.reset == OffsetResetStrategy.NONE && !state.awaitingCommitted)
            {
                if (out == null)
                {
                    out = new ArrayList<>();
                }
                out.add(state.partition);
            }
        }
        return out == null ? List.of() : out;
    }
}
