package io.osprey.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;

/** Builds ListOffsets requests and indexes their responses, for resets and offset lookups. Stateless. */
final class ListOffsetsSupport
{
    /** One partition to look up. */
    record Target(TopicPartition partition, int currentLeaderEpoch, long timestamp)
    {
    }

    private ListOffsetsSupport()
    {
    }

    /** A consumer's request (replica id -1) for {@code targets}, grouped by topic. */
    static ListOffsetsRequest request(final byte isolationLevel, final List<Target> targets)
    {
        final Map<String, List<ListOffsetsRequest.Partition>> byTopic = new LinkedHashMap<>();
        for (final Target t : targets)
        {
            byTopic.computeIfAbsent(t.partition().topic(), k -> new ArrayList<>())
                .add(new ListOffsetsRequest.Partition(t.partition().partition(), t.currentLeaderEpoch(), t.timestamp()));
        }
        final List<ListOffsetsRequest.Topic> topics = new ArrayList<>(byTopic.size());
        for (final Map.Entry<String, List<ListOffsetsRequest.Partition>> e : byTopic.entrySet())
        {
            topics.add(new ListOffsetsRequest.Topic(e.getKey(), e.getValue()));
        }
        return new ListOffsetsRequest(-1, isolationLevel, topics);
    }

    /** The response's answers by partition. */
    static Map<TopicPartition, ListOffsetsResponse.Partition> byPartition(final ListOffsetsResponse response)
    {
        final Map<TopicPartition, ListOffsetsResponse.Partition> out = new HashMap<>();
        for (final ListOffsetsResponse.Topic t : response.topics())
        {
            for (final ListOffsetsResponse.Partition p : t.partitions())
            {
                out.put(new TopicPartition(t.name(), p.partitionIndex()), p);
            }
        }
        return out;
    }
}
