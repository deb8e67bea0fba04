package io.osprey.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/**
 * Kafka's {@code roundrobin} strategy: every partition of every subscribed topic, in topic then
 * partition order, goes to the next member in member-id order (circularly) that subscribes to its
 * topic. Eager only. Stateless.
 */
public final class RoundRobinAssignor implements ConsumerPartitionAssignor
{
    /** The strategy's name in JoinGroup. */
    public static final String NAME = "roundrobin";

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
        final List<String> members = new ArrayList<>(new TreeSet<>(subscriptions.keySet()));
        if (members.isEmpty())
        {
            return out;
        }
        final TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(s -> topics.addAll(s.topics()));
        int next = 0;
        for (final String topic : topics)
        {
            final int count = partitionsPerTopic.getOrDefault(topic, 0);
            for (int p = 0; p < count; p++)
            {
                for (int tried = 0; tried < members.size(); tried++)
                {
                    final String member = members.get(next);
                    next = (next + 1) % members.size();
                    if (subscriptions.get(member).topics().contains(topic))
                    {
                        out.get(member).add(new TopicPartition(topic, p));
                        break;
                    }
                }
            }
        }
        return out;
    }
}
