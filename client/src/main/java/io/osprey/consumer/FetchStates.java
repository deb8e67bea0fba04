package io.osprey.consumer;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.osprey.common.TopicPartition;

/**
 * Every assigned partition's {@link PartitionFetchState}, kept in step with the application
 * through {@link FetchControl.Changes}, plus the total of fetched bytes buffered ahead of the
 * application.
 * <p>
 * Not thread-safe: owned by the network thread.
 */
final class FetchStates
{
    private final Map<TopicPartition, PartitionFetchState> states = new LinkedHashMap<>();
    private long bufferedBytes;

    /** Applies the application's changes: assignment first, then positions, pauses and released bytes. */
    void apply(final FetchControl.Changes changes)
    {
        if (changes.assignment() != null)
        {
            states.keySet().retainAll(changes.assignment());
            for (final TopicPartition tp : changes.assignment())
            {
                states.computeIfAbsent(tp, PartitionFetchState::new);
            }
        }
        for (final Map.Entry<TopicPartition, FetchControl.PositionCommand> e : changes.positions().entrySet())
        {
            final PartitionFetchState state = states.get(e.getKey());
            if (state != null)
            {
                state.onPositionCommand(e.getValue());
            }
        }
        for (final Map.Entry<TopicPartition, Boolean> e : changes.paused().entrySet())
        {
            final PartitionFetchState state = states.get(e.getKey());
            if (state != null)
            {
                state.paused = e.getValue();
            }
        }
        for (final Map.Entry<TopicPartition, FetchControl.Release> e : changes.releases().entrySet())
        {
            final PartitionFetchState state = states.get(e.getKey());
            if (state != null && state.generation == e.getValue().generation())
            {
                state.bufferedBytes = Math.max(0, state.bufferedBytes - e.getValue().bytes());
            }
        }
        recomputeBuffered();
    }

    /** Counts bytes handed to the application for {@code state}'s current generation. */
    void onDelivered(final PartitionFetchState state, final long bytes)
    {
        state.bufferedBytes += bytes;
        bufferedBytes += bytes;
    }

    /** Bytes handed to the application and not released, over the current generations. */
    long bufferedBytes()
    {
        return bufferedBytes;
    }

    PartitionFetchState get(final TopicPartition partition)
    {
        return states.get(partition);
    }

    Collection<PartitionFetchState> all()
    {
        return states.values();
    }

    int size()
    {
        return states.size();
    }

    private void recomputeBuffered()
    {
        long total = 0;
        for (final PartitionFetchState state : states.values())
        {
            total += state.bufferedBytes;
        }
        bufferedBytes = total;
    }
}
