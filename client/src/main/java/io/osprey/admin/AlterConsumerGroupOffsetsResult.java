package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#alterConsumerGroupOffsets}, one future per partition. A group
 * with active members refuses the change: every partition fails with the coordinator's code
 * (UNKNOWN_MEMBER_ID, say) and a message saying to stop the group's consumers first.
 * Thread-safe; the futures complete on the admin client's I/O thread: callbacks attached to
 * them must not block.
 */
public final class AlterConsumerGroupOffsetsResult
{
    private final Map<TopicPartition, CompletableFuture<Void>> futures;

    AlterConsumerGroupOffsetsResult(final Map<TopicPartition, CompletableFuture<Void>> futures)
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

    /** Succeeds when every partition's offset was stored; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }
}
