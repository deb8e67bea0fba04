package io.osprey.controller;

import io.osprey.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where replicas go. New partitions are placed greedily against the current load of the live
 * brokers: the leader (first replica) on the broker leading fewest partitions, each follower
 * on the least-loaded broker whose rack the partition does not use yet. Ties break on broker
 * id, so the result depends only on the image.
 * <p>
 * Rebalance plans the fewest moves that bring every live broker within one replica of the
 * mean: each move takes a replica from a most-loaded broker to a least-loaded one that does
 * not hold the partition (one always exists: a broker with more partitions than another holds
 * one the other lacks), so no broker both gives and receives and every move is needed.
 */
final class PartitionAssignor
{
    private PartitionAssignor()
    {
    }

    /** Replica lists for {@code count} new partitions of {@code replicationFactor} over the live brokers. */
    static List<List<Integer>> assign(final MetadataImage image, final int count, final int replicationFactor)
    {
        final List<Integer> live = image.liveBrokerIds();
        if (replicationFactor > live.size())
        {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " > live brokers " + live.size());
        }
        final Map<Integer, Integer> replicaLoad = new TreeMap<>();
        final Map<Integer, Integer> leaderLoad = new TreeMap<>();
        for (final int b : live)
        {
            replicaLoad.put(b, 0);
            leaderLoad.put(b, 0);
        }
        for (final TopicInfo t : image.topics().values())
        {
            for (final PartitionInfo p : t.partitions().values())
            {
                for (final int r : p.replicas())
                {
                    replicaLoad.computeIfPresent(r, (k, v) -> v + 1);
                }
                if (!p.replicas().isEmpty())
                {
                    leaderLoad.computeIfPresent(p.replicas().get(0), (k, v) -> v + 1);
                }
            }
        }
        final List<List<Integer>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final List<Integer> replicas = new ArrayList<>(replicationFactor);
            final Set<String> racks = new HashSet<>();
            int leader = -1;
            for (final int b : live)
            {
                if (leader == -1 || less(leaderLoad, replicaLoad, b, leader))
                {
                    leader = b;
                }
            }
            take(image, leader, replicas, racks, replicaLoad);
            leaderLoad.merge(leader, 1, Integer::sum);
            while (replicas.size() < replicationFactor)
            {
                int best = -1;
                for (final int b : live)
                {
                    if (!replicas.contains(b) && (best == -1 || betterFollower(image, racks, replicaLoad, b, best)))
                    {
                        best = b;
                    }
                }
                take(image, best, replicas, racks, replicaLoad);
            }
            out.add(replicas);
        }
        return out;
    }

    private static boolean less(final Map<Integer, Integer> leaderLoad, final Map<Integer, Integer> replicaLoad, final int a,
        final int b)
    {
        final int byLeaders = Integer.compare(leaderLoad.get(a), leaderLoad.get(b));
        return byLeaders != 0 ? byLeaders < 0 : replicaLoad.get(a) < replicaLoad.get(b);
    }

    private static boolean betterFollower(final MetadataImage image, final Set<String> racks,
        final Map<Integer, Integer> replicaLoad, final int a, final int b)
    {
        final boolean newRackA = isNewRack(image, racks, a);
        final boolean newRackB = isNewRack(image, racks, b);
        if (newRackA != newRackB)
        {
            return newRackA;
        }
        return replicaLoad.get(a) < replicaLoad.get(b);
    }

    private static boolean isNewRack(final MetadataImage image, final Set<String> racks, final int broker)
    {
        final String rack = image.broker(broker).rack();
        return rack == null || !racks.contains(rack);
    }

    private static void take(final MetadataImage image, final int broker, final List<Integer> replicas, final Set<String> racks,
        final Map<Integer, Integer> replicaLoad)
    {
        replicas.add(broker);
        final String rack = image.broker(broker).rack();
        if (rack != null)
        {
            racks.add(rack);
        }
        replicaLoad.merge(broker, 1, Integer::sum);
    }

    /**
     * Target replica lists for the partitions a rebalance moves, in topic and partition order.
     * Only live brokers take part; replicas on fenced brokers stay where they are.
     */
    static Map<TopicPartition, List<Integer>> planRebalance(final MetadataImage image)
    {
        final List<Integer> live = image.liveBrokerIds();
        final Map<TopicPartition, List<Integer>> targets = new LinkedHashMap<>();
        final Map<Integer, Integer> load = new TreeMap<>();
        for (final int b : live)
        {
            load.put(b, 0);
        }
        for (final TopicInfo t : image.topics().values())
        {
            for (final Map.Entry<Integer, PartitionInfo> e : t.partitions().entrySet())
            {
                targets.put(new TopicPartition(t.name(), e.getKey()), new ArrayList<>(e.getValue().replicas()));
                for (final int r : e.getValue().replicas())
                {
                    load.computeIfPresent(r, (k, v) -> v + 1);
                }
            }
        }
        final Map<TopicPartition, List<Integer>> moved = new LinkedHashMap<>();
        while (live.size() > 1)
        {
            int most = live.get(0);
            int least = live.get(0);
            for (final int b : live)
            {
                most = load.get(b) > load.get(most) ? b : most;
                least = load.get(b) < load.get(least) ? b : least;
            }
            if (load.get(most) - load.get(least) <= 1)
            {
                break;
            }
            final TopicPartition chosen = pickPartitionToMove(targets, most, least);
            final List<Integer> target = targets.get(chosen);
            target.set(target.indexOf(most), least);
            moved.put(chosen, target);
            load.merge(most, -1, Integer::sum);
            load.merge(least, 1, Integer::sum);
        }
        final Map<TopicPartition, List<Integer>> ordered = new LinkedHashMap<>();
        for (final TopicPartition tp : targets.keySet())
        {
            if (moved.containsKey(tp))
            {
                ordered.put(tp, List.copyOf(moved.get(tp)));
            }
        }
        return ordered;
    }

    /** Prefers a partition the source follows over one it leads, so a move rarely changes leaders. */
    private static TopicPartition pickPartitionToMove(final Map<TopicPartition, List<Integer>> targets, final int from,
        final int to)
    {
        TopicPartition led = null;
        for (final Map.Entry<TopicPartition, List<Integer>> e : targets.entrySet())
        {
            final List<Integer> replicas = e.getValue();
            if (replicas.contains(from) && !replicas.contains(to))
            {
                if (replicas.get(0) != from)
                {
                    return e.getKey();
                }
                if (led == null)
                {
                    led = e.getKey();
                }
            }
        }
        if (led == null)
        {
            throw new IllegalStateException("no partition on broker " + from + " missing from broker " + to + ": " + targets);
        }
        return led;
    }
}
