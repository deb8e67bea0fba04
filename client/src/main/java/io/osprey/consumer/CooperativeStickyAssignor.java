package io.osprey.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/**
 * Kafka's {@code cooperative-sticky} strategy, wire-compatible with Kafka's
 * {@code CooperativeStickyAssignor} in either role (leader or member).
 * <p>
 * Protocol: each member's subscription carries the partitions it owns and the generation it got
 * them in (subscription v2+; for older subscriptions the generation is the int32 that is this
 * strategy's user data, which is also what this class writes there, as Kafka does). The leader
 * <ol>
 * <li>keeps every owned partition with its owner, as long as the partition exists and the owner
 *     still subscribes to its topic; a partition claimed by two members stays with the claim of
 *     the highest generation;</li>
 * <li>gives each partition nobody owns to the eligible member with the fewest partitions;</li>
 * <li>moves partitions from a member to an eligible member with at least two fewer, preferring
 *     partitions the donor did not own, until no such move is left (each move lowers the sum of
 *     squared counts, so this ends; with equal subscriptions every count is then within one);</li>
 * <li>withholds every partition that moved from an owner to another member: this round only
 *     revokes it. The old owner revokes it and rejoins, and the next round gives it to the new
 *     owner (the incremental cooperative protocol's two phases).</li>
 * </ol>
 * Stateless.
 */
public final class CooperativeStickyAssignor implements ConsumerPartitionAssignor
{
    /** The strategy's name in JoinGroup. */
    public static final String NAME = "cooperative-sticky";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols()
    {
        return List.of(RebalanceProtocol.EAGER, RebalanceProtocol.COOPERATIVE);
    }

    /** The generation as an int32, as Kafka's CooperativeStickyAssignor writes it. */
    @Override
    public ByteBuffer subscriptionUserData(final Set<String> topics, final int generationId)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES);
        buffer.putInt(generationId).flip();
        return buffer;
    }

    /** The generation of a member's owned partitions: the subscription's field, else the user data's int32, else -1. */
    static int generation(final ConsumerProtocol.Subscription subscription)
    {
        if (subscription.generationId() != ConsumerProtocol.NO_GENERATION)
        {
            return subscription.generationId();
        }
        final ByteBuffer userData = subscription.userData();
        return userData != null && userData.remaining() >= Integer.BYTES ? userData.getInt() : ConsumerProtocol.NO_GENERATION;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(final Map<String, Integer> partitionsPerTopic,
        final Map<String, ConsumerProtocol.Subscription> subscriptions)
    {
        final Map<String, TreeSet<TopicPartition>> assignment = new TreeMap<>();
        for (final String member : subscriptions.keySet())
        {
            assignment.put(member, new TreeSet<>(Assignments.ORDER));
        }
        final Map<TopicPartition, String> previousOwner = validOwners(partitionsPerTopic, subscriptions);
        previousOwner.forEach((tp, member) -> assignment.get(member).add(tp));

        for (final TopicPartition tp : allPartitions(partitionsPerTopic, subscriptions))
        {
            if (!previousOwner.containsKey(tp))
            {
                final String receiver = leastLoaded(tp.topic(), assignment, subscriptions, Integer.MAX_VALUE);
                if (receiver != null)
                {
                    assignment.get(receiver).add(tp);
                }
            }
        }
        balance(assignment, subscriptions, previousOwner);

        final Map<String, List<TopicPartition>> out = Assignments.empty(subscriptions);
        assignment.forEach((member, partitions) ->
        {
            for (final TopicPartition tp : partitions)
            {
                final String owner = previousOwner.get(tp);
                if (owner == null || owner.equals(member))
                {
                    out.get(member).add(tp);
                }
            }
        });
        return out;
    }

    /** Each owned partition that still exists, whose owner still subscribes to it, to its owner of the highest generation. */
    private static Map<TopicPartition, String> validOwners(final Map<String, Integer> partitionsPerTopic,
        final Map<String, ConsumerProtocol.Subscription> subscriptions)
    {
        final Map<TopicPartition, String> owner = new HashMap<>();
        final Map<TopicPartition, Integer> ownerGeneration = new HashMap<>();
        for (final Map.Entry<String, ConsumerProtocol.Subscription> e : new TreeMap<>(subscriptions).entrySet())
        {
            final ConsumerProtocol.Subscription subscription = e.getValue();
            final int generation = generation(subscription);
            for (final TopicPartition tp : subscription.ownedPartitions())
            {
                final int count = partitionsPerTopic.getOrDefault(tp.topic(), 0);
                if (tp.partition() >= count || !subscription.topics().contains(tp.topic()))
                {
                    continue;
                }
                final Integer existing = ownerGeneration.get(tp);
                if (existing == null || generation > existing)
                {
                    owner.put(tp, e.getKey());
                    ownerGeneration.put(tp, generation);
                }
            }
        }
        return owner;
    }

    private static List<TopicPartition> allPartitions(final Map<String, Integer> partitionsPerTopic,
        final Map<String, ConsumerProtocol.Subscription> subscriptions)
    {
        final TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(s -> topics.addAll(s.topics()));
        final List<TopicPartition> out = new ArrayList<>();
        for (final String topic : topics)
        {
            final int count = partitionsPerTopic.getOrDefault(topic, 0);
            for (int p = 0; p < count; p++)
            {
                out.add(new TopicPartition(topic, p));
            }
        }
        return out;
    }

    /** The member subscribed to {@code topic} with the fewest partitions, fewer than {@code below}; ties by member id; or null. */
    private static String leastLoaded(final String topic, final Map<String, TreeSet<TopicPartition>> assignment,
        final Map<String, ConsumerProtocol.Subscription> subscriptions, final int below)
    {
        String best = null;
        int bestCount = below;
        for (final Map.Entry<String, TreeSet<TopicPartition>> e : assignment.entrySet())
        {
            if (e.getValue().size() < bestCount && subscriptions.get(e.getKey()).topics().contains(topic))
            {
                best = e.getKey();
                bestCount = e.getValue().size();
            }
        }
        return best;
    }

    private static void balance(final Map<String, TreeSet<TopicPartition>> assignment,
        final Map<String, ConsumerProtocol.Subscription> subscriptions, final Map<TopicPartition, String> previousOwner)
    {
        boolean moved = true;
        while (moved)
        {
            moved = false;
            final List<String> donors = new ArrayList<>(assignment.keySet());
            donors.sort((a, b) -> Integer.compare(assignment.get(b).size(), assignment.get(a).size()));
            for (final String donor : donors)
            {
                if (moveOne(donor, assignment, subscriptions, previousOwner))
                {
                    moved = true;
                    break;
                }
            }
        }
    }

    /** Moves one of the donor's partitions to a member with at least two fewer, preferring partitions it did not own. */
    private static boolean moveOne(final String donor, final Map<String, TreeSet<TopicPartition>> assignment,
        final Map<String, ConsumerProtocol.Subscription> subscriptions, final Map<TopicPartition, String> previousOwner)
    {
        final TreeSet<TopicPartition> given = assignment.get(donor);
        final int limit = given.size() - 1;
        for (final boolean ownedPass : new boolean[] {false, true})
        {
            for (final TopicPartition tp : given.descendingSet())
            {
                if (donor.equals(previousOwner.get(tp)) != ownedPass)
                {
                    continue;
                }
                final String receiver = leastLoaded(tp.topic(), assignment, subscriptions, limit);
                if (receiver != null)
                {
                    given.remove(tp);
                    assignment.get(receiver).add(tp);
                    return true;
                }
            }
        }
        return false;
    }
}
