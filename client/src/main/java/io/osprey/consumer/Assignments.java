package io.osprey.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/** Helpers shared by the assignors. Stateless. */
final class Assignments
{
    /** Topic, then partition. */
    static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private Assignments()
    {
    }

    /** Every member (in member-id order) with an empty, growable list. */
    static Map<String, List<TopicPartition>> empty(final Map<String, ConsumerProtocol.Subscription> subscriptions)
    {
        final Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        for (final String member : new TreeSet<>(subscriptions.keySet()))
        {
            out.put(member, new ArrayList<>());
        }
        return out;
    }
}
