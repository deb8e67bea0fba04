package io.osprey.controller;

import io.osprey.controller.MetadataRecord.PartitionChanged;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The second half of a replica move. A move first adds the target replica (it joins
 * {@code replicas} and {@code adding}); once every adding replica is in the ISR, the replicas
 * in {@code removing} are dropped in one {@link PartitionChanged}, with a new leader if the old
 * one was among them. Until then the partition keeps its old replicas, so a failed move never
 * reduces the copies of the data.
 */
final class Reassignments
{
    private Reassignments()
    {
    }

    /** Completes the partition's move if its adding replicas have all joined the ISR. */
    static void maybeComplete(final RecordDraft draft, final String topic, final int partition)
    {
        final PartitionInfo p = draft.image().partition(topic, partition);
        if (p == null || !p.isReassigning() || !p.isr().containsAll(p.adding()))
        {
            return;
        }
        final List<Integer> replicas = minus(p.replicas(), p.removing());
        final List<Integer> isr = minus(p.isr(), p.removing());
        if (p.removing().contains(p.leader()))
        {
            final int leader = LeaderElection.pickLeader(draft.image(), replicas, isr, PartitionInfo.NO_LEADER);
            draft.append(new PartitionChanged(topic, partition,
                new PartitionInfo(replicas, isr, leader, p.leaderEpoch() + 1, p.partitionEpoch() + 1, List.of(), List.of())));
        }
        else
        {
            draft.append(new PartitionChanged(topic, partition,
                new PartitionInfo(replicas, isr, p.leader(), p.leaderEpoch(), p.partitionEpoch() + 1, List.of(), List.of())));
        }
    }

    /**
     * Abandons moves towards a broker that is leaving for good: the adding replica will never
     * catch up, and leaving the move open would block every later rebalance.
     */
    static void cancelMovesTo(final RecordDraft draft, final int brokerId)
    {
        for (final TopicInfo topic : draft.image().topics().values())
        {
            for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
            {
                final PartitionInfo p = e.getValue();
                if (!p.adding().contains(brokerId))
                {
                    continue;
                }
                final List<Integer> replicas = minus(p.replicas(), p.adding());
                final List<Integer> isr = minus(p.isr(), p.adding());
                final boolean leaderLeaves = p.adding().contains(p.leader());
                final int leader = leaderLeaves
                    ? LeaderElection.pickLeader(draft.image(), replicas, isr, brokerId)
                    : p.leader();
                // An ISR made only of adding replicas (rare: the old ones all fell out) leaves the
                // partition offline with an empty ISR, recoverable only by unclean election.
                draft.append(new PartitionChanged(topic.name(), e.getKey(), new PartitionInfo(replicas, isr, leader,
                    p.leaderEpoch() + (leaderLeaves ? 1 : 0), p.partitionEpoch() + 1, List.of(), List.of())));
            }
        }
    }

    static List<Integer> minus(final List<Integer> list, final List<Integer> remove)
    {
        final List<Integer> out = new ArrayList<>(list);
        out.removeAll(remove);
        return out;
    }
}
