package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.controller.Command.AlterPartition;
import io.osprey.controller.Command.AlterPartitionReassignments;
import io.osprey.controller.Command.ElectLeaders;
import io.osprey.controller.Command.Rebalance;
import io.osprey.controller.MetadataRecord.PartitionChanged;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** ISR changes from partition leaders, preferred-leader elections and rebalances. */
final class PartitionCommands
{
    /**
     * Kafka answers a stale partition epoch with INVALID_UPDATE_VERSION (95), which
     * {@link ErrorCode} does not list yet; INVALID_REQUEST with a message stands in until it does.
     */
    static final ErrorCode STALE_PARTITION_EPOCH = ErrorCode.INVALID_UPDATE_VERSION;

    /**
     * Applies a leader's ISR proposal. Refused when the proposer's leader epoch is old (a newer
     * leader exists), when it is not the leader, when its partition epoch is old (the state
     * changed since it looked), when the new ISR is not a set of replicas containing the
     * leader, or (INELIGIBLE_REPLICA, KIP-903) when a member it adds is not registered, is
     * fenced, or is registered with another broker epoch than the one the leader saw in its
     * fetches: a member that restarted since may have lost the records it reported, and the
     * restart of a replica outside the ISR changes no partition epoch. A resend of an accepted
     * proposal never gets here: the state machine answers it from the dedup table first.
     * Completes a pending replica move once the new replicas are in the ISR.
     */
    Response alterPartition(final RecordDraft draft, final AlterPartition cmd)
    {
        final PartitionInfo p = draft.image().partition(cmd.topic(), cmd.partition());
        if (p == null)
        {
            return refuse(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no such partition", null);
        }
        if (cmd.leaderEpoch() < p.leaderEpoch())
        {
            return refuse(ErrorCode.FENCED_LEADER_EPOCH, "leader epoch " + cmd.leaderEpoch() + " < " + p.leaderEpoch(), p);
        }
        if (cmd.leaderEpoch() > p.leaderEpoch())
        {
            return refuse(ErrorCode.UNKNOWN_LEADER_EPOCH, "leader epoch " + cmd.leaderEpoch() + " > " + p.leaderEpoch(), p);
        }
        if (cmd.brokerId() != p.leader() || !draft.image().isLive(cmd.brokerId()))
        {
            return refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + cmd.brokerId() + " is not the live leader", p);
        }
        if (cmd.partitionEpoch() != p.partitionEpoch())
        {
            return refuse(STALE_PARTITION_EPOCH, "stale partition epoch " + cmd.partitionEpoch() + " != " + p.partitionEpoch(), p);
        }
        final String problem = isrProblem(p, cmd.newIsr(), cmd.newIsrBrokerEpochs());
        if (problem != null)
        {
            return refuse(ErrorCode.INVALID_REQUEST, problem, p);
        }
        final String ineligible = ineligibleMember(draft.image(), p, cmd.newIsr(), cmd.newIsrBrokerEpochs());
        if (ineligible != null)
        {
            return refuse(ErrorCode.INELIGIBLE_REPLICA, ineligible, p);
        }
        if (!cmd.newIsr().equals(p.isr()))
        {
            draft.append(new PartitionChanged(cmd.topic(), cmd.partition(), p.withIsr(cmd.newIsr())));
        }
        Reassignments.maybeComplete(draft, cmd.topic(), cmd.partition());
        final PartitionInfo now = draft.image().partition(cmd.topic(), cmd.partition());
        return new Response.PartitionState(ErrorCode.NONE, null, now.leader(), now.leaderEpoch(), now.partitionEpoch(), now.isr());
    }

    private static String isrProblem(final PartitionInfo p, final List<Integer> isr, final List<Long> brokerEpochs)
    {
        if (brokerEpochs.size() != isr.size())
        {
            return "new ISR " + isr + " has " + brokerEpochs.size() + " broker epochs";
        }
        if (!isr.contains(p.leader()))
        {
            return "new ISR " + isr + " does not contain the leader " + p.leader();
        }
        if (new HashSet<>(isr).size() != isr.size())
        {
            return "new ISR " + isr + " has duplicates";
        }
        for (final int r : isr)
        {
            if (!p.replicas().contains(r))
            {
                return "new ISR " + isr + " has non-replica " + r;
            }
        }
        return null;
    }

    /**
     * Kafka's {@code ineligibleReplicasForIsr}, for the members not already in the ISR: the
     * first that is not registered, is fenced, or whose registration's broker epoch is not the
     * one given (unless that one is {@link AlterPartition#UNKNOWN_BROKER_EPOCH}); null when none.
     */
    private static String ineligibleMember(final MetadataImage image, final PartitionInfo p, final List<Integer> isr,
        final List<Long> brokerEpochs)
    {
        for (int i = 0; i < isr.size(); i++)
        {
            final int r = isr.get(i);
            if (p.isr().contains(r))
            {
                continue;
            }
            final BrokerInfo b = image.broker(r);
            final long epoch = brokerEpochs.get(i);
            if (b == null)
            {
                return "new ISR " + isr + " adds broker " + r + ", which is not registered";
            }
            if (b.fenced())
            {
                return "new ISR " + isr + " adds fenced broker " + r;
            }
            if (epoch != AlterPartition.UNKNOWN_BROKER_EPOCH && epoch != b.brokerEpoch())
            {
                return "new ISR " + isr + " adds broker " + r + " at broker epoch " + epoch + ", but it is registered at "
                    + b.brokerEpoch();
            }
        }
        return null;
    }

    private static Response refuse(final ErrorCode error, final String message, final PartitionInfo p)
    {
        return p == null
            ? new Response.PartitionState(error, message, PartitionInfo.NO_LEADER, -1, -1, List.of())
            : new Response.PartitionState(error, message, p.leader(), p.leaderEpoch(), p.partitionEpoch(), p.isr());
    }

    /** Moves leadership to each partition's preferred (first) replica where it is in the ISR and live. */
    Response electLeaders(final RecordDraft draft, final ElectLeaders cmd)
    {
        final List<TopicPartition> partitions = new ArrayList<>(cmd.partitions());
        if (partitions.isEmpty())
        {
            for (final TopicInfo t : draft.image().topics().values())
            {
                for (final int p : t.partitions().keySet())
                {
                    partitions.add(new TopicPartition(t.name(), p));
                }
            }
        }
        final TreeMap<String, Response.Simple> results = new TreeMap<>();
        for (final TopicPartition tp : partitions)
        {
            results.put(tp.toString(), electPreferred(draft, tp));
        }
        return new Response.PerItem(results);
    }

    private static Response.Simple electPreferred(final RecordDraft draft, final TopicPartition tp)
    {
        final PartitionInfo p = draft.image().partition(tp.topic(), tp.partition());
        if (p == null)
        {
            return new Response.Simple(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist");
        }
        final int preferred = p.replicas().get(0);
        if (p.leader() == preferred)
        {
            return new Response.Simple(ErrorCode.ELECTION_NOT_NEEDED, null);
        }
        if (!p.isr().contains(preferred) || !draft.image().isLive(preferred))
        {
            return new Response.Simple(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
                "The preferred replica of partition " + tp + ", broker " + preferred + ", is not live and in sync");
        }
        draft.append(new PartitionChanged(tp.topic(), tp.partition(), p.withLeader(preferred, p.isr())));
        return Response.Simple.OK;
    }

    /**
     * Explicit moves, one result per {@code topic-partition}; each partition is checked and
     * moved on its own ({@link Reassignments#alter}), so one bad target does not stop the others.
     */
    Response alterPartitionReassignments(final RecordDraft draft, final AlterPartitionReassignments cmd)
    {
        final TreeMap<String, Response.Simple> results = new TreeMap<>();
        for (final Command.PartitionTarget target : cmd.targets())
        {
            final String key = new TopicPartition(target.topic(), target.partition()).toString();
            if (results.containsKey(key))
            {
                // Named twice: the first target counts (brokers send each partition once).
                continue;
            }
            results.put(key, Reassignments.alter(draft, target, cmd.allowReplicationFactorChange()));
        }
        return new Response.PerItem(results);
    }

    /**
     * Starts the moves {@link PartitionAssignor#planRebalance} chooses: each partition gains its
     * new replicas now and loses the old ones when a later AlterPartition puts the new ones in
     * the ISR. Refused while an earlier move is unfinished, so plans never overlap.
     */
    Response rebalance(final RecordDraft draft, final Rebalance cmd)
    {
        for (final TopicInfo t : draft.image().topics().values())
        {
            for (final Map.Entry<Integer, PartitionInfo> e : t.partitions().entrySet())
            {
                if (e.getValue().isReassigning())
                {
                    throw new OspreyException(ErrorCode.REASSIGNMENT_IN_PROGRESS,
                        "partition " + t.name() + "-" + e.getKey() + " is still moving");
                }
            }
        }
        int moves = 0;
        for (final Map.Entry<TopicPartition, List<Integer>> e : PartitionAssignor.planRebalance(draft.image()).entrySet())
        {
            final TopicPartition tp = e.getKey();
            final PartitionInfo p = draft.image().partition(tp.topic(), tp.partition());
            final List<Integer> adding = Reassignments.minus(e.getValue(), p.replicas());
            final List<Integer> removing = Reassignments.minus(p.replicas(), e.getValue());
            final List<Integer> replicas = new ArrayList<>(p.replicas());
            replicas.addAll(adding);
            draft.append(new PartitionChanged(tp.topic(), tp.partition(), p.withReplicas(replicas, adding, removing)));
            moves += adding.size();
        }
        return new Response.Reassignment(ErrorCode.NONE, null, moves);
    }
}
