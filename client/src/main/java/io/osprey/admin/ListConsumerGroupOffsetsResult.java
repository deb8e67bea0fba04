package io.osprey.admin;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;

/**
 * The outcome of {@link Admin#listConsumerGroupOffsets}: the group's committed offsets by
 * partition (unmodifiable). A partition asked about that has no committed offset maps to null,
 * as in Kafka. Thread-safe; the futures complete on the admin client's I/O thread: callbacks
 * attached to them must not block.
 */
public final class ListConsumerGroupOffsetsResult
{
    private final String groupId;
    private final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> future;

    ListConsumerGroupOffsetsResult(final String groupId, final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> future)
    {
        this.groupId = groupId;
        this.future = future;
    }

    public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> partitionsToOffsetAndMetadata()
    {
        return future;
    }

    /** The offsets of {@code groupId}, which must be the group asked about. */
    public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> partitionsToOffsetAndMetadata(final String groupId)
    {
        if (!this.groupId.equals(groupId))
        {
            throw new IllegalArgumentException("Offsets for consumer group '" + groupId + "' were not requested");
        }
        return future;
    }

    /** The offsets by group id (one group). */
    public CompletableFuture<Map<String, Map<TopicPartition, OffsetAndMetadata>>> all()
    {
        return future.thenApply(offsets -> Map.of(groupId, offsets));
    }
}
