package io.osprey.admin;

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
public final class AlterConsumerGroupOffsetsResult extends PartitionOutcomes
{
    AlterConsumerGroupOffsetsResult(final Map<TopicPartition, CompletableFuture<Void>> futures)
    {
        super(futures);
    }
}
