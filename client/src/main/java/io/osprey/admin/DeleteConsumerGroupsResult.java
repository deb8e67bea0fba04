package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#deleteConsumerGroups}, one future per group id; a group with
 * members fails with {@code NON_EMPTY_GROUP}, one that does not exist with
 * {@code GROUP_ID_NOT_FOUND}. Thread-safe; the futures complete on the admin client's I/O
 * thread: callbacks attached to them must not block.
 */
public final class DeleteConsumerGroupsResult
{
    private final Map<String, CompletableFuture<Void>> futures;

    DeleteConsumerGroupsResult(final Map<String, CompletableFuture<Void>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<String, CompletableFuture<Void>> deletedGroups()
    {
        return futures;
    }

    /** Succeeds when every group was deleted; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
