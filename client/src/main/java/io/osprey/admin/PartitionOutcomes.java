package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/** One future per partition of a request, for the results whose partitions answer with nothing but success or failure. */
abstract class PartitionOutcomes
{
    private final Map<TopicPartition, CompletableFuture<Void>> futures;

    PartitionOutcomes(final Map<TopicPartition, CompletableFuture<Void>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    /** The outcome for one partition of the request. */
    public CompletableFuture<Void> partitionResult(final TopicPartition partition)
    {
        final CompletableFuture<Void> future = futures.get(partition);
        if (future == null)
        {
            throw new IllegalArgumentException("Partition " + partition + " was not included in the original request");
        }
        return future;
    }

    /** Succeeds when every partition succeeded; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
