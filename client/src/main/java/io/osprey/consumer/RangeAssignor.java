package io.osprey.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/**
 * Kafka's {@code range} strategy: per topic, the members subscribed to it in member-id order
 * each take a consecutive range of partitions, the first {@code partitions % members} members
 * one more than the others. Eager only. Stateless.
 */
public final class RangeAssignor implements ConsumerPartitionAssignor
{
    /** The strategy's name in JoinGroup. */
    public static final String NAME = "range";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(final Map<String, Integer> partitionsPerTopic,
        final Map<String, ConsumerProtocol.Subscription> subscriptions)
    {
        final Map<String, List<TopicPartition>> out = Assignments.empty(subscriptions);
        final Map<String, List<String>> membersPerTopic = new TreeMap<>();
        for (final Map.Entry<String, ConsumerProtocol.Subscription> e : new TreeMap<>(subscriptions).entrySet())
        {
            for (final String topic : e.getValue().topics())
            {
                final List<String> members = membersPerTopic.computeIfAbsent(topic, t -> new ArrayList<>());
                if (!members.contains(e.getKey()))
                {
                    members.add(e.getKey());
                }
            }
        }
        for (final Map.Entry<String, List<String>> e : membersPerTopic.entrySet())
        {
            final Integer count = partitionsPerTopic.get(e.getKey());
            if (count == null || count <= 0)
            {
                continue;
            }
            final List<String> members = e.getValue();
            final int quota = count / members.size();
            final int extra = count % members.size();
            for (int i = 0; i < members.size(); i++)
            {
                final int start = quota * i + Math.min(i, extra);
                final int length = quota + (i < extra ? 1 : 0);
                final List<TopicPartition> target = out.get(members.get(i));
                for (int p = start; p < start + length; p++)
                {
                    target.add(new TopicPartition(e.getKey(), p));
                }
            }
        }
        return out;
    }
}
