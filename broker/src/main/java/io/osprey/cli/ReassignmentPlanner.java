package io.osprey.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.common.TopicPartition;

/**
 * Makes a reassignment plan that spreads the given partitions' replicas, and their preferred
 * (first) replicas, evenly over a set of brokers, keeping each partition's replication factor
 * and moving as few replicas as it can: no broker ends with more than one replica, or one
 * preferred leadership, above another (the preferred leaders as far as the replica placement
 * allows).
 * <p>
 * The passes: (1) each partition keeps its current replicas that are among the brokers; (2) a
 * partition that lost some (they were on brokers left out) takes the least loaded brokers it does
 * not have yet; (3) while a broker holds two or more replicas more than another, one replica
 * moves from the first to the second, taken from a partition where it is not the preferred one
 * when there is such; (4) each partition's preferred replica stays where it is when that broker
 * is in the new list and has room below its share of preferred leaderships, else it is the
 * member with the fewest; (5) preferred leaderships move between members of one partition (no
 * data moves) while that evens them further. A broker's share is the total divided by the broker
 * count; the remainder gives one more to that many brokers.
 * <p>
 * Deterministic; stateless.
 */
final class ReassignmentPlanner
{
    private ReassignmentPlanner()
    {
    }

    /**
     * @param current every partition to plan, with its replicas now (preferred first), in the order to plan them
     * @param brokers the brokers to spread over
     * @throws CliException when a partition has more replicas than there are brokers
     */
    static Map<TopicPartition, List<Integer>> plan(final Map<TopicPartition, List<Integer>> current, final List<Integer> brokers)
        throws CliException
    {
        if (brokers.isEmpty())
        {
            throw new CliException("No brokers to place the replicas on");
        }
        int total = 0;
        for (final Map.Entry<TopicPartition, List<Integer>> e : current.entrySet())
        {
            if (e.getValue().size() > brokers.size())
            {
                throw new CliException("Partition " + e.getKey() + " has " + e.getValue().size() + " replicas but only " + brokers.size()
                    + " broker(s) were given: " + brokers);
            }
            total += e.getValue().size();
        }
        final Map<Integer, Integer> load = new HashMap<>();
        brokers.forEach(b -> load.put(b, 0));
        final Map<TopicPartition, List<Integer>> placed = new LinkedHashMap<>();
        for (final Map.Entry<TopicPartition, List<Integer>> e : current.entrySet())
        {
            final List<Integer> kept = new ArrayList<>();
            for (final int r : e.getValue())
            {
                if (load.containsKey(r))
                {
                    load.merge(r, 1, Integer::sum);
                    kept.add(r);
                }
            }
            placed.put(e.getKey(), kept);
        }
        for (final Map.Entry<TopicPartition, List<Integer>> e : current.entrySet())
        {
            final List<Integer> replicas = placed.get(e.getKey());
            while (replicas.size() < e.getValue().size())
            {
                final int b = leastLoaded(load, brokers, replicas);
                load.merge(b, 1, Integer::sum);
                replicas.add(b);
            }
        }
        // Even out, one replica at a time from a fuller broker to an emptier one; at most every replica moves once per broker.
        for (int moves = 0; moves < total * brokers.size(); moves++)
        {
            if (!moveOne(placed, load, brokers))
            {
                break;
            }
        }
        return withLeaders(current, placed, brokers);
    }

    /**
     * Moves one replica from a broker holding at least two more than another to that one, in a
     * partition that has the first and not the second; a replica that is not the partition's
     * preferred one first, so preferred leaders stay where they can. False when no such move
     * exists: the load is even, or as even as the replication factors allow.
     */
    private static boolean moveOne(final Map<TopicPartition, List<Integer>> placed, final Map<Integer, Integer> load,
        final List<Integer> brokers)
    {
        final List<Integer> fullest = new ArrayList<>(brokers);
        fullest.sort((a, b) -> load.get(a).equals(load.get(b)) ? Integer.compare(a, b) : Integer.compare(load.get(b), load.get(a)));
        for (final int hi : fullest)
        {
            for (int i = fullest.size() - 1; i >= 0; i--)
            {
                final int lo = fullest.get(i);
                if (load.get(hi) - load.get(lo) < 2)
                {
                    break;
                }
                List<Integer> chosen = null;
                for (final List<Integer> replicas : placed.values())
                {
                    if (replicas.contains(hi) && !replicas.contains(lo))
                    {
                        if (replicas.get(0) != hi)
                        {
                            chosen = replicas;
                            break;
                        }
                        chosen = chosen == null ? replicas : chosen;
                    }
                }
                if (chosen != null)
                {
                    chosen.set(chosen.indexOf(hi), lo);
                    load.merge(hi, -1, Integer::sum);
                    load.merge(lo, 1, Integer::sum);
                    return true;
                }
            }
        }
        return false;
    }

    /** The broker not in {@code excluded} holding the fewest, lowest id first. */
    private static int leastLoaded(final Map<Integer, Integer> load, final List<Integer> brokers, final List<Integer> excluded)
    {
        int best = -1;
        for (final int b : brokers)
        {
            if (!excluded.contains(b) && (best < 0 || load.get(b) < load.get(best)))
            {
                best = b;
            }
        }
        return best;
    }


    private static Map<TopicPartition, List<Integer>> withLeaders(final Map<TopicPartition, List<Integer>> current,
        final Map<TopicPartition, List<Integer>> placed, final List<Integer> brokers)
    {
        final Shares leaderShares = new Shares(brokers, placed.size());
        final Map<TopicPartition, Integer> leaders = new LinkedHashMap<>();
        for (final Map.Entry<TopicPartition, List<Integer>> e : placed.entrySet())
        {
            final List<Integer> was = current.get(e.getKey());
            final int preferred = was.isEmpty() ? -1 : was.get(0);
            final int leader = e.getValue().contains(preferred) && leaderShares.hasRoom(preferred)
                ? preferred
                : leaderShares.leastLoaded(e.getValue(), List.of());
            leaderShares.add(leader);
            leaders.put(e.getKey(), leader);
        }
        // Even out: hand a leadership to a member of the same partition with at least two fewer.
        boolean improved = true;
        for (int round = 0; improved && round < placed.size() * brokers.size(); round++)
        {
            improved = false;
            for (final Map.Entry<TopicPartition, List<Integer>> e : placed.entrySet())
            {
                final int leader = leaders.get(e.getKey());
                final int other = leaderShares.leastLoaded(e.getValue(), List.of(leader));
                if (other >= 0 && leaderShares.count(other) + 1 < leaderShares.count(leader))
                {
                    leaderShares.remove(leader);
                    leaderShares.add(other);
                    leaders.put(e.getKey(), other);
                    improved = true;
                }
            }
        }
        final Map<TopicPartition, List<Integer>> plan = new LinkedHashMap<>();
        placed.forEach((tp, replicas) ->
        {
            final List<Integer> ordered = new ArrayList<>();
            ordered.add(leaders.get(tp));
            for (final int r : replicas)
            {
                if (r != leaders.get(tp))
                {
                    ordered.add(r);
                }
            }
            plan.put(tp, List.copyOf(ordered));
        });
        return plan;
    }

    /** How many of something each broker holds, and its fair share of {@code total}. */
    private static final class Shares
    {
        private final Map<Integer, Integer> counts = new HashMap<>();
        private final int floor;
        /** How many brokers may hold one more than {@link #floor}. */
        private final int extra;
        private int atCeiling;

        Shares(final List<Integer> brokers, final int total)
        {
            this.floor = total / brokers.size();
            this.extra = total % brokers.size();
            brokers.forEach(b -> counts.put(b, 0));
        }

        int count(final int broker)
        {
            return counts.getOrDefault(broker, 0);
        }

        /** Whether one more keeps the broker within its share. */
        boolean hasRoom(final int broker)
        {
            final int n = count(broker);
            return n < floor || (n == floor && atCeiling < extra);
        }

        void add(final int broker)
        {
            final int n = count(broker) + 1;
            counts.put(broker, n);
            if (n == floor + 1)
            {
                atCeiling++;
            }
        }

        void remove(final int broker)
        {
            final int n = count(broker);
            counts.put(broker, n - 1);
            if (n == floor + 1)
            {
                atCeiling--;
            }
        }

        /** The candidate not in {@code excluded} with the fewest, lowest id first; -1 when none. */
        int leastLoaded(final List<Integer> candidates, final List<Integer> excluded)
        {
            int best = -1;
            for (final int b : candidates)
            {
                if (!excluded.contains(b) && (best < 0 || count(b) < count(best) || (count(b) == count(best) && b < best)))
                {
                    best = b;
                }
            }
            return best;
        }
    }
}
