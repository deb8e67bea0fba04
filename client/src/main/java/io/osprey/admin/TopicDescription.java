package io.osprey.admin;

import java.util.List;
import java.util.UUID;

/**
 * A topic as {@link Admin#describeTopics} sees it. Immutable.
 *
 * @param topicId    the id; all zero when the broker did not say (Metadata before v10)
 * @param partitions ordered by partition index
 */
public record TopicDescription(String name, UUID topicId, boolean isInternal, List<TopicPartitionInfo> partitions)
{
    public TopicDescription
    {
        partitions = List.copyOf(partitions);
    }
}
