package io.osprey.client;

import java.util.List;
import java.util.UUID;

/**
 * One topic without a topic-level error, as the last metadata response described it.
 *
 * @param topicId    the topic id; all zero when the broker did not say (Metadata before v10)
 * @param partitions by partition index: {@code partitions.get(i).partition().partition() == i}
 *                   when the broker listed every partition, which it does
 */
public record TopicMetadata(String name, UUID topicId, boolean internal, List<PartitionMetadata> partitions)
{
}
