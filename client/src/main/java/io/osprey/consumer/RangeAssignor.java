package io.osprey.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/**
 * Kafka's {@code range} strategy: per topic, the members subscribed to it each take a
 * consecutive range of partitions, the first {@code partitions % members} members one more than
 * the others. Members are ordered as Kafka orders them: static members first, by
 * {@code group.instance.id} (so a restarted static member, which comes back with a new member
 * id, gets the same partitions), then dynamic members by member id. Eager only. Stateless.
 */
public final class RangeAssignor implements ConsumerPartitionAssignor
{
    /** The strategy's name in JoinGroup. */
    public static final String NAME = "range";

    /** Kafka's {@code MemberInfo} order: static members by instance id, then dynamic members by member id. */
    private static final Comparator<Map.Entry<String, ConsumerProtocol.Subscription>> MEMBER_ORDER = (a, b) ->
    {
        final Optional<String> ia = a.getValue().groupInstanceId();
        final Optional<String> ib = b.getValue().groupInstanceId();
        if (ia.isPresent() && ib.isPresent())
        {
            final int byInstance = ia.get().compareTo(ib.get());
            return byInstance != 0 ? byInstance : a.getKey().compareTo(b.getKey());
        }
        if (ia.isPresent() != ib.isPresent())
        {
            return ia.isPresent() ? -1 : 1;
        }
        return a.getKey().compareTo(b.getKey());
    };

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
        final List<Map.Entry<String, ConsumerProtocol.Subscription>> ordered = new ArrayList<>(subscriptions.entrySet());
        ordered.sort(MEMBER_ORDER);
        for (final Map.Entry<String, ConsumerProtocol.Subscription> e : ordered)
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
