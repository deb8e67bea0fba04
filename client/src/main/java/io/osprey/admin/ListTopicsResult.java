package io.osprey.admin;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#listTopics}. Thread-safe; the futures complete on the admin client's I/O thread:
 * callbacks attached to them must not block.
 */
public final class ListTopicsResult
{
    private final CompletableFuture<Map<String, TopicListing>> future;

    ListTopicsResult(final CompletableFuture<Map<String, TopicListing>> future)
    {
        this.future = future;
    }

    /** Every topic listed, by name (unmodifiable). */
    public CompletableFuture<Map<String, TopicListing>> namesToListings()
    {
        return future;
    }

    public CompletableFuture<Collection<TopicListing>> listings()
    {
        return future.thenApply(Map::values);
    }

    public CompletableFuture<Set<String>> names()
    {
        return future.thenApply(Map::keySet);
    }
}
