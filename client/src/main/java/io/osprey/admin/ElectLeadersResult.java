package io.osprey.admin;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#electLeaders}: per partition, nothing when a leader was elected,
 * or why not ({@code ELECTION_NOT_NEEDED} when the preferred replica already leads,
 * {@code PREFERRED_LEADER_NOT_AVAILABLE} when it is down or out of sync, ...). As in Kafka, an
 * election of every partition lists only the partitions where something was done or failed.
 * Thread-safe; the future completes on the admin client's I/O thread: callbacks attached to it must not block.
 */
public final class ElectLeadersResult
{
    private final CompletableFuture<Map<TopicPartition, Optional<Throwable>>> partitions;

    ElectLeadersResult(final CompletableFuture<Map<TopicPartition, Optional<Throwable>>> partitions)
    {
        this.partitions = partitions;
    }

    /** Each partition's failure, if it had one; the future itself fails when the whole request did. */
    public CompletableFuture<Map<TopicPartition, Optional<Throwable>>> partitions()
    {
        return partitions;
    }

    /** Succeeds when every partition got its leader; else fails with the first partition's failure. */
    public CompletableFuture<Void> all()
    {
        return partitions.thenCompose(results ->
        {
            for (final Optional<Throwable> failure : results.values())
            {
                if (failure.isPresent())
                {
                    return CompletableFuture.failedFuture(failure.get());
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }
}
