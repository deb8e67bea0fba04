package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#createPartitions}, one future per topic; a count that does not
 * grow the topic fails with {@code INVALID_PARTITIONS}. Thread-safe; the futures complete on the admin client's
 * I/O thread: callbacks attached to them must not block.
 */
public final class CreatePartitionsResult
{
    private final Map<String, CompletableFuture<Void>> futures;

    CreatePartitionsResult(final Map<String, CompletableFuture<Void>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<String, CompletableFuture<Void>> values()
    {
        return futures;
    }

    /** Succeeds when every topic grew; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
