package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#incrementalAlterConfigs}, one future per resource; a resource's
 * changes are applied all or none, and an invalid key or value fails it with
 * {@code INVALID_CONFIG} and a message naming the key. Thread-safe; the futures complete on the admin client's
 * I/O thread: callbacks attached to them must not block.
 */
public final class AlterConfigsResult
{
    private final Map<ConfigResource, CompletableFuture<Void>> futures;

    AlterConfigsResult(final Map<ConfigResource, CompletableFuture<Void>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<ConfigResource, CompletableFuture<Void>> values()
    {
        return futures;
    }

    /** Succeeds when every resource was altered; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
