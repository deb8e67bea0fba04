package io.osprey.controller;

import java.util.List;

/**
 * The replication state of one partition.
 *
 * @param replicas       assigned brokers, preferred leader first; during a reassignment it also
 *                       holds the {@code adding} replicas (at the end).
 * @param isr            in-sync replicas, a subset of {@code replicas}; contains the leader.
 * @param leader         broker id, or {@link #NO_LEADER} while the partition is offline.
 * @param leaderEpoch    bumped on every leader change, including to and from offline.
 * @param partitionEpoch bumped on every change of any field, so a stale AlterPartition is rejected.
 * @param adding         replicas being added by a reassignment and not yet in the ISR.
 * @param removing       replicas a reassignment drops once every adding replica is in the ISR.
 */
public record PartitionInfo(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch,
    List<Integer> adding, List<Integer> removing)
{
    public static final int NO_LEADER = -1;

    public PartitionInfo
    {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        adding = List.copyOf(adding);
        removing = List.copyOf(removing);
    }

    public boolean isReassigning()
    {
        return !adding.isEmpty() || !removing.isEmpty();
    }

    public boolean hasLeader()
    {
        return leader != NO_LEADER;
    }

    /** The next state with a new leader and ISR: both epochs bump. */
    PartitionInfo withLeader(final int newLeader, final List<Integer> newIsr)
    {
        return new PartitionInfo(replicas, newIsr, newLeader, leaderEpoch + 1, partitionEpoch + 1, adding, removing);
    }

    /** The next state with a new ISR and the same leader: only the partition epoch bumps. */
    PartitionInfo withIsr(final List<Integer> newIsr)
    {
        return new PartitionInfo(replicas, newIsr, leader, leaderEpoch, partitionEpoch + 1, adding, removing);
    }

    /** The next state with a new replica set and reassignment, same leader and ISR. */
    PartitionInfo withReplicas(final List<Integer> newReplicas, final List<Integer> newAdding, final List<Integer> newRemoving)
    {
        return new PartitionInfo(newReplicas, isr, leader, leaderEpoch, partitionEpoch + 1, newAdding, newRemoving);
    }
}
