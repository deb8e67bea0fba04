package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.controller.MetadataRecord.PartitionChanged;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Replica moves. A move first adds the target replicas (they join {@code replicas} and
 * {@code adding}); once every adding replica is in the ISR, the replicas in {@code removing} are
 * dropped in one {@link PartitionChanged}, with a new leader if the old one was among them.
 * Until then the partition keeps its old replicas, so a failed move never reduces the copies
 * of the data.
 * <p>
 * An explicit move ({@link #alter}, Kafka's AlterPartitionReassignments) orders the replicas
 * during the move as Kafka does: the target list first, then the replicas being removed, so
 * the finished partition has exactly the target list and its first entry is the preferred
 * leader.
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
            if (leader == PartitionInfo.NO_LEADER)
            {
                // No live in-sync target replica can lead yet (a move that only drops replicas, to
                // ones that are behind or down): dropping the leader now would take the partition
                // offline. The next ISR change tries again.
                return;
            }
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

    /**
     * Starts, changes or (with a null {@code target}) cancels the move of one partition. A new
     * target replaces any move in progress: it is taken from the replicas the partition had
     * before that move, and replicas the old move added that the new target keeps stay (with
     * their ISR membership). A target with the same replicas in another order only reorders
     * them; one whose new replicas are already in sync (or that only removes replicas) finishes
     * at once. Refusals are per partition, as Kafka answers them.
     */
    static Response.Simple alter(final RecordDraft draft, final Command.PartitionTarget target, final boolean allowReplicationFactorChange)
    {
        final TopicPartition tp = new TopicPartition(target.topic(), target.partition());
        final PartitionInfo p = draft.image().partition(target.topic(), target.partition());
        if (p == null)
        {
            return new Response.Simple(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist");
        }
        // The replicas before any move in progress: the replicas being added are not among them.
        final List<Integer> original = minus(p.replicas(), p.adding());
        final List<Integer> wanted;
        if (target.replicas() == null)
        {
            if (!p.isReassigning())
            {
                return new Response.Simple(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, "No reassignment of partition " + tp + " is in progress");
            }
            wanted = original;
        }
        else
        {
            final String problem = targetProblem(draft.image(), tp, target.replicas());
            if (problem != null)
            {
                return new Response.Simple(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
            }
            if (!allowReplicationFactorChange && target.replicas().size() != original.size())
            {
                return new Response.Simple(ErrorCode.INVALID_REPLICATION_FACTOR, "Partition " + tp + " has " + original.size()
                    + " replicas; the target " + target.replicas() + " would change the replication factor, which the request does not allow");
            }
            wanted = target.replicas();
        }
        final List<Integer> adding = minus(wanted, original);
        final List<Integer> removing = minus(original, wanted);
        final List<Integer> replicas = new ArrayList<>(wanted);
        replicas.addAll(removing);
        // Members the new replica list no longer has leave the ISR (replicas of an abandoned move).
        final List<Integer> isr = new ArrayList<>(p.isr());
        isr.retainAll(replicas);
        int leader = p.leader();
        if (leader != PartitionInfo.NO_LEADER && !replicas.contains(leader))
        {
            // Only a replica added by the abandoned move can lead and not be among them.
            leader = LeaderElection.pickLeader(draft.image(), replicas, isr, PartitionInfo.NO_LEADER);
        }
        if (isr.isEmpty())
        {
            // Only replicas the abandoned move added were in sync: keep the old ISR so the
            // partition stays offline with it rather than losing track of who holds the data.
            isr.addAll(p.isr());
        }
        final PartitionInfo next = new PartitionInfo(replicas, isr, leader, p.leaderEpoch() + (leader != p.leader() ? 1 : 0),
            p.partitionEpoch() + 1, adding, removing);
        if (next.replicas().equals(p.replicas()) && next.isr().equals(p.isr()) && next.leader() == p.leader()
            && next.adding().equals(p.adding()) && next.removing().equals(p.removing()))
        {
            return Response.Simple.OK;
        }
        draft.append(new PartitionChanged(target.topic(), target.partition(), next));
        maybeComplete(draft, target.topic(), target.partition());
        return Response.Simple.OK;
    }

    /** Why {@code replicas} cannot be a partition's replica list, or null: Kafka's manual-assignment checks. */
    private static String targetProblem(final MetadataImage image, final TopicPartition tp, final List<Integer> replicas)
    {
        if (replicas.isEmpty())
        {
            return "The target replica list of partition " + tp + " is empty";
        }
        if (new HashSet<>(replicas).size() != replicas.size())
        {
            return "The target replica list " + replicas + " of partition " + tp + " names a broker twice";
        }
        for (final int r : replicas)
        {
            if (image.broker(r) == null)
            {
                return "The target replica list " + replicas + " of partition " + tp + " names broker " + r
                    + ", which is not registered";
            }
        }
        return null;
    }

    static List<Integer> minus(final List<Integer> list, final List<Integer> remove)
    {
        final List<Integer> out = new ArrayList<>(list);
        out.removeAll(remove);
        return out;
    }
}
