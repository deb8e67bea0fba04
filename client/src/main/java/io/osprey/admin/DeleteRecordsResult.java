package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#deleteRecords}, one future per partition. Thread-safe; the
 * futures complete on the admin client's I/O thread: callbacks attached to them must not block.
 */
public final class DeleteRecordsResult
{
    private final Map<TopicPartition, CompletableFuture<DeletedRecords>> futures;

    DeleteRecordsResult(final Map<TopicPartition, CompletableFuture<DeletedRecords>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<TopicPartition, CompletableFuture<DeletedRecords>> lowWatermarks()
    {
        return futures;
    }

    /** Succeeds when every partition's records were deleted; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
