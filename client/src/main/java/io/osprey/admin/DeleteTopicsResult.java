package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#deleteTopics}, one future per topic name; a topic that does not
 * exist fails with {@code UNKNOWN_TOPIC_OR_PARTITION}. Thread-safe; the futures complete on the admin client's
 * I/O thread: callbacks attached to them must not block.
 */
public final class DeleteTopicsResult
{
    private final Map<String, CompletableFuture<Void>> futures;

    DeleteTopicsResult(final Map<String, CompletableFuture<Void>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<String, CompletableFuture<Void>> topicNameValues()
    {
        return futures;
    }

    /** Succeeds when every topic was deleted; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
