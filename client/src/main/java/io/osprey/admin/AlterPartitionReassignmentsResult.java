package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#alterPartitionReassignments}, one future per partition. A future
 * succeeds once the controller has started (or cancelled) the move, not when the move is done:
 * {@link Admin#listPartitionReassignments} shows the moves still in progress. Thread-safe; the
 * futures complete on the admin client's I/O thread: callbacks attached to them must not block.
 */
public final class AlterPartitionReassignmentsResult
{
    private final Map<TopicPartition, CompletableFuture<Void>> futures;

    AlterPartitionReassignmentsResult(final Map<TopicPartition, CompletableFuture<Void>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<TopicPartition, CompletableFuture<Void>> values()
    {
        return futures;
    }

    /** Succeeds when every partition's move started; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
