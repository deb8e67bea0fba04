package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#describeConfigs}, one future per resource. Thread-safe; the futures complete on
 * the admin client's I/O thread: callbacks attached to them must not block.
 */
public final class DescribeConfigsResult
{
    private final Map<ConfigResource, CompletableFuture<Config>> futures;

    DescribeConfigsResult(final Map<ConfigResource, CompletableFuture<Config>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<ConfigResource, CompletableFuture<Config>> values()
    {
        return futures;
    }

    /** Every resource's configs once all succeed; else fails with the first failure. */
    public CompletableFuture<Map<ConfigResource, Config>> all()
    {
        return Futures.allValues(futures);
    }
}
