package io.osprey.admin;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#deleteConsumerGroupOffsets}, one future per partition. A live
 * group keeps the offsets of topics its members subscribe to: those partitions fail with
 * GROUP_SUBSCRIBED_TO_TOPIC. Thread-safe; the futures complete on the admin client's I/O thread:
 * callbacks attached to them must not block.
 */
public final class DeleteConsumerGroupOffsetsResult extends PartitionOutcomes
{
    DeleteConsumerGroupOffsetsResult(final Map<TopicPartition, CompletableFuture<Void>> futures)
    {
        super(futures);
    }
}
