package io.osprey.replication;

import io.osprey.common.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * One partition's replication state on its leader, for one leader epoch: the leader's log end
 * offset, each follower's {@link ReplicaProgress}, the committed ISR and the one ISR proposal in
 * flight, and the high watermark that follows from them. A new leader epoch is a new instance.
 * <p>
 * Rules (Kafka's, see {@code docs/replication.md}):
 * <ul>
 * <li>High watermark = the smallest log end offset over the <em>maximal</em> ISR: the committed
 *     ISR plus the members of a pending expansion, so a follower being added holds the high
 *     watermark before the controller has said yes, and the controller's ISR is always a subset
 *     of the replicas the high watermark waited for. It never moves backwards.</li>
 * <li>A follower is proposed out of the ISR when it is not at the leader's end and has not been
 *     caught up for {@code replica.lag.time.max.ms}; proposed in when its log end is at least the
 *     high watermark and at least the offset where this leader epoch began (so it holds every
 *     record the new leader inherited).</li>
 * <li>At most one proposal is in flight. It takes effect only when the committed partition state
 *     arrives ({@link #onPartitionState}); only a definite refusal drops it.</li>
 * </ul>
 * Protocol: Kafka's follower Fetch (replica id, current leader epoch, last fetched epoch) and
 * AlterPartition. Not thread-safe: owned by the partition's log agent, which must also apply
 * follower fetch positions; nothing here allocates on the fetch or append path.
 */
public final class LeaderReplicaState
{
    private final int localBrokerId;
    private final int leaderEpoch;
    private final long leaderEpochStartOffset;
    private int partitionEpoch;
    private ReplicaProgress[] followers;
    private List<Integer> isr;
    private IsrProposal pending;
    private long logEndOffset;
    private long highWatermark;

    /**
     * The state of a broker that has just become leader in {@code leaderEpoch}.
     *
     * @param replicas      the assigned replicas, including this broker
     * @param isr           the committed ISR; must contain this broker
     * @param logEndOffset  this broker's log end offset: the start of the new leader epoch
     * @param highWatermark the high watermark this broker had as a follower (capped at its log end)
     */
    public LeaderReplicaState(final int localBrokerId, final int leaderEpoch, final int partitionEpoch,
        final List<Integer> replicas, final List<Integer> isr, final long logEndOffset, final long highWatermark,
        final long nowMs)
    {
        if (!isr.contains(localBrokerId))
        {
            throw new IllegalArgumentException("leader " + localBrokerId + " not in ISR " + isr + " at leader epoch " + leaderEpoch);
        }
        this.localBrokerId = localBrokerId;
        this.leaderEpoch = leaderEpoch;
        this.partitionEpoch = partitionEpoch;
        this.isr = List.copyOf(isr);
        this.logEndOffset = logEndOffset;
        this.leaderEpochStartOffset = logEndOffset;
        this.highWatermark = Math.max(0L, Math.min(highWatermark, logEndOffset));
        this.followers = new ReplicaProgress[0];
        setReplicas(replicas, nowMs);
        maybeIncrementHighWatermark();
    }

    public int localBrokerId()
    {
        return localBrokerId;
    }

    public int leaderEpoch()
    {
        return leaderEpoch;
    }

    public int partitionEpoch()
    {
        return partitionEpoch;
    }

    /** The leader's log end offset when it became leader: where this leader epoch starts. */
    public long leaderEpochStartOffset()
    {
        return leaderEpochStartOffset;
    }

    public long logEndOffset()
    {
        return logEndOffset;
    }

    /** Consumers read below this offset; every member of the maximal ISR holds everything below it. */
    public long highWatermark()
    {
        return highWatermark;
    }

    /** The committed ISR, leader included. */
    public List<Integer> isr()
    {
        return isr;
    }

    /** The committed ISR plus a pending expansion's new members: the replicas the high watermark waits for. */
    public int maximalIsrSize()
    {
        int size = 1;
        for (final ReplicaProgress f : followers)
        {
            if (f.inIsr || f.inPendingIsr)
            {
                size++;
            }
        }
        return size;
    }

    /** The ISR change in flight, or null: resend it as is when its request timed out. */
    public IsrProposal pendingProposal()
    {
        return pending;
    }

    /** The progress of follower {@code brokerId}, or null when it is not an assigned replica. */
    public ReplicaProgress follower(final int brokerId)
    {
        for (final ReplicaProgress f : followers)
        {
            if (f.brokerId() == brokerId)
            {
                return f;
            }
        }
        return null;
    }

    /**
     * The leader appended; its log end moved to {@code newLogEndOffset}.
     *
     * @return true when the high watermark advanced (only with no other replica in the maximal ISR).
     */
    public boolean onLeaderAppend(final long newLogEndOffset)
    {
        if (newLogEndOffset < logEndOffset)
        {
            throw new IllegalArgumentException("leader log end offset moved back from " + logEndOffset + " to "
                + newLogEndOffset + " at leader epoch " + leaderEpoch + " on broker " + localBrokerId);
        }
        logEndOffset = newLogEndOffset;
        return maybeIncrementHighWatermark();
    }

    /**
     * A request's leader epoch against ours: older is FENCED_LEADER_EPOCH (the sender follows a
     * leader that has been replaced), newer is UNKNOWN_LEADER_EPOCH (we have not applied the
     * change yet; the sender retries). A negative request epoch (not sent) skips the check.
     */
    public static ErrorCode checkLeaderEpoch(final int requestLeaderEpoch, final int currentLeaderEpoch)
    {
        if (requestLeaderEpoch < 0 || requestLeaderEpoch == currentLeaderEpoch)
        {
            return ErrorCode.NONE;
        }
        return requestLeaderEpoch < currentLeaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }

    /**
     * One partition of a follower's Fetch: checks it in Kafka's order and, when it is accepted,
     * records the follower's position and advances the high watermark. A diverging or failed
     * fetch changes nothing: its offset says nothing true about the follower's log.
     *
     * @param replicaBrokerEpoch the follower's broker epoch (Fetch's ReplicaState.ReplicaEpoch), or
     *                           {@link ReplicaProgress#UNKNOWN_BROKER_EPOCH}
     * @param currentLeaderEpoch the follower's leader epoch, or -1 when the request has none
     * @param lastFetchedEpoch   the epoch of the follower's last batch, or
     *                           {@link LeaderEpochCache#UNDEFINED_EPOCH} for an empty log
     * @param fetchOffset        the follower's log end offset
     * @param epochCache         this leader's epoch cache, consistent with {@link #logEndOffset()}
     */
    public FollowerFetchStatus onFollowerFetch(final int replicaId, final long replicaBrokerEpoch, final int currentLeaderEpoch,
        final int lastFetchedEpoch, final long fetchOffset, final LeaderEpochCache epochCache, final long nowMs)
    {
        final ErrorCode epochError = checkLeaderEpoch(currentLeaderEpoch, leaderEpoch);
        if (epochError == ErrorCode.FENCED_LEADER_EPOCH)
        {
            return FollowerFetchStatus.FENCED_LEADER_EPOCH;
        }
        if (epochError == ErrorCode.UNKNOWN_LEADER_EPOCH)
        {
            return FollowerFetchStatus.UNKNOWN_LEADER_EPOCH;
        }
        final ReplicaProgress follower = follower(replicaId);
        if (follower == null)
        {
            // Kafka: a matching epoch from a replica not assigned (yet) means "retry", not "wrong broker".
            return currentLeaderEpoch >= 0 ? FollowerFetchStatus.UNKNOWN_LEADER_EPOCH : FollowerFetchStatus.NOT_LEADER_OR_FOLLOWER;
        }
        if (epochCache.followerDiverges(lastFetchedEpoch, fetchOffset, logEndOffset))
        {
            return FollowerFetchStatus.DIVERGING;
        }
        if (fetchOffset < 0 || fetchOffset > logEndOffset)
        {
            return FollowerFetchStatus.OFFSET_OUT_OF_RANGE;
        }
        follower.onFetch(fetchOffset, replicaBrokerEpoch, nowMs, logEndOffset);
        maybeIncrementHighWatermark();
        return FollowerFetchStatus.ACCEPTED;
    }

    /** For a {@link FollowerFetchStatus#DIVERGING} response: this leader's (epoch, end offset) for the follower's last fetched epoch. */
    public LeaderEpochCache.EpochEnd divergingEpoch(final int lastFetchedEpoch, final LeaderEpochCache epochCache)
    {
        return epochCache.offsetForLeaderEpoch(lastFetchedEpoch, logEndOffset);
    }

    /**
     * Kafka's low watermark: the lowest log start offset of the leader ({@code leaderLogStartOffset})
     * and of the ISR followers as they last reported it, or {@link ReplicaProgress#UNKNOWN_OFFSET}
     * while an ISR follower has reported none in this leader epoch.
     */
    public long lowWatermark(final long leaderLogStartOffset)
    {
        long low = leaderLogStartOffset;
        for (final ReplicaProgress f : followers)
        {
            if (f.inIsr)
            {
                if (f.logStartOffset() == ReplicaProgress.UNKNOWN_OFFSET)
                {
                    return ReplicaProgress.UNKNOWN_OFFSET;
                }
                low = Math.min(low, f.logStartOffset());
            }
        }
        return low;
    }

    /** ISR followers that are not at the leader's end and have not been caught up within {@code replicaLagTimeMaxMs}. */
    public List<Integer> isrShrinkCandidates(final long nowMs, final long replicaLagTimeMaxMs)
    {
        final List<Integer> out = new ArrayList<>(0);
        for (final ReplicaProgress f : followers)
        {
            if (f.inIsr && !f.isCaughtUp(logEndOffset, nowMs, replicaLagTimeMaxMs))
            {
                out.add(f.brokerId());
            }
        }
        return out;
    }

    /**
     * Followers outside the ISR (and not already being added) whose log end has reached both the
     * high watermark and the start of this leader epoch: Kafka's {@code isFollowerInSync}. The
     * second condition keeps out a follower that has not fetched from this leader yet, or still
     * holds records of an older epoch this leader does not have.
     */
    public List<Integer> isrExpandCandidates()
    {
        final List<Integer> out = new ArrayList<>(0);
        for (final ReplicaProgress f : followers)
        {
            if (isExpandCandidate(f))
            {
                out.add(f.brokerId());
            }
        }
        return out;
    }

    private boolean isExpandCandidate(final ReplicaProgress f)
    {
        return !f.inIsr && !f.inPendingIsr && f.logEndOffset() >= highWatermark && f.logEndOffset() >= leaderEpochStartOffset;
    }

    /**
     * Proposes the lagging followers out of the ISR, unless a proposal is already in flight.
     *
     * @return the proposal to send to the controller, or null when there is nothing to send.
     */
    public IsrProposal maybeProposeShrink(final long nowMs, final long replicaLagTimeMaxMs)
    {
        if (pending != null)
        {
            return null;
        }
        final List<Integer> out = isrShrinkCandidates(nowMs, replicaLagTimeMaxMs);
        if (out.isEmpty())
        {
            return null;
        }
        final List<Integer> newIsr = new ArrayList<>(isr);
        newIsr.removeAll(out);
        return propose(newIsr);
    }

    /**
     * Proposes the caught-up followers into the ISR, unless a proposal is already in flight. They
     * count for the high watermark from now on. Cheap when there is nothing to do, so the fetch
     * path may call it after every accepted fetch from a follower outside the ISR.
     *
     * @param eligible brokers the metadata allows in the ISR (registered, not fenced, not shutting down)
     * @return the proposal to send to the controller, or null when there is nothing to send.
     */
    public IsrProposal maybeProposeExpand(final IntPredicate eligible)
    {
        if (pending != null)
        {
            return null;
        }
        List<Integer> newIsr = null;
        for (final ReplicaProgress f : followers)
        {
            if (isExpandCandidate(f) && eligible.test(f.brokerId()))
            {
                if (newIsr == null)
                {
                    newIsr = new ArrayList<>(isr);
                }
                newIsr.add(f.brokerId());
            }
        }
        if (newIsr == null)
        {
            return null;
        }
        final IsrProposal proposal = propose(newIsr);
        for (final ReplicaProgress f : followers)
        {
            f.inPendingIsr = !f.inIsr && newIsr.contains(f.brokerId());
        }
        return proposal;
    }

    private IsrProposal propose(final List<Integer> newIsr)
    {
        final List<Long> brokerEpochs = new ArrayList<>(newIsr.size());
        for (final int r : newIsr)
        {
            final ReplicaProgress f = follower(r);
            brokerEpochs.add(f == null ? ReplicaProgress.UNKNOWN_BROKER_EPOCH : f.brokerEpoch());
        }
        pending = new IsrProposal(leaderEpoch, partitionEpoch, newIsr, brokerEpochs);
        return pending;
    }

    /**
     * The controller answered {@code proposal}. Only a definite refusal drops it
     * ({@link #isDefiniteRefusal}: the controller changed nothing and nothing newer is on its way
     * that settles it); an acceptance changes nothing here, since the committed partition state
     * arrives on its own. Any other error (a stale partition or leader epoch, a timeout) keeps it
     * pending until a newer partition state arrives, as Kafka does: the proposal may have taken
     * effect (a resend under a new sequence is refused as stale), and dropping it would let the
     * high watermark pass a member the controller's ISR may already hold. An answer to anything
     * but the pending proposal is ignored.
     *
     * @return true when the high watermark advanced: a refused expansion's members no longer hold it.
     */
    public boolean onAlterPartitionResponse(final IsrProposal proposal, final ErrorCode error)
    {
        if (proposal != pending || error == ErrorCode.NONE || !isDefiniteRefusal(error))
        {
            return false;
        }
        clearPending();
        return maybeIncrementHighWatermark();
    }

    /**
     * Errors that prove the controller did not apply a proposal and will publish no state for
     * it: an ineligible member (KIP-903) or a malformed ISR. Stale epochs are not among them: the
     * proposal (or a resend of it) may have been applied, and the newer state is coming.
     */
    public static boolean isDefiniteRefusal(final ErrorCode error)
    {
        return error == ErrorCode.INELIGIBLE_REPLICA || error == ErrorCode.INVALID_REQUEST;
    }

    /**
     * A committed partition state for this leader epoch: the ISR and partition epoch become the
     * controller's, and the pending proposal is settled either way (it took effect, or the state
     * it was based on is gone). States not newer than the one held are ignored.
     *
     * @return true when the high watermark advanced (a shrink can let it).
     * @throws IllegalStateException when the ISR leaves this leader out: that state belongs to a new leader epoch.
     */
    public boolean onPartitionState(final int newPartitionEpoch, final List<Integer> replicas, final List<Integer> newIsr,
        final long nowMs)
    {
        if (newPartitionEpoch <= partitionEpoch)
        {
            return false;
        }
        if (!newIsr.contains(localBrokerId))
        {
            throw new IllegalStateException("ISR " + newIsr + " at partition epoch " + newPartitionEpoch
                + " leaves out leader " + localBrokerId + " of leader epoch " + leaderEpoch);
        }
        partitionEpoch = newPartitionEpoch;
        isr = List.copyOf(newIsr);
        setReplicas(replicas, nowMs);
        clearPending();
        return maybeIncrementHighWatermark();
    }

    private void clearPending()
    {
        pending = null;
        for (final ReplicaProgress f : followers)
        {
            f.inPendingIsr = false;
        }
    }

    private void setReplicas(final List<Integer> replicas, final long nowMs)
    {
        final ReplicaProgress[] next = new ReplicaProgress[replicas.contains(localBrokerId) ? replicas.size() - 1 : replicas.size()];
        int n = 0;
        for (final int r : replicas)
        {
            if (r == localBrokerId)
            {
                continue;
            }
            final ReplicaProgress existing = follower(r);
            next[n] = existing != null ? existing : new ReplicaProgress(r, isr.contains(r), nowMs);
            next[n].inIsr = isr.contains(r);
            n++;
        }
        followers = next;
    }

    /** Raises the high watermark to the smallest log end over the maximal ISR, never lowering it. */
    private boolean maybeIncrementHighWatermark()
    {
        long min = logEndOffset;
        for (final ReplicaProgress f : followers)
        {
            if (f.inIsr || f.inPendingIsr)
            {
                min = Math.min(min, f.logEndOffset());
            }
        }
        if (min > highWatermark)
        {
            highWatermark = min;
            return true;
        }
        return false;
    }

    /**
     * {@code min.insync.replicas} capped at the number of assigned replicas, leader included (Kafka's
     * effectiveMinIsr): a topic with fewer replicas than the broker-wide minimum still takes acks=all
     * writes once all its replicas are in sync.
     */
    public int effectiveMinIsr(final int minInsyncReplicas)
    {
        return Math.min(minInsyncReplicas, followers.length + 1);
    }

    /** acks=all before the append: NOT_ENOUGH_REPLICAS when the committed ISR, leader included, is below {@code minInsyncReplicas}. */
    public ErrorCode checkEnoughReplicasBeforeAppend(final int minInsyncReplicas)
    {
        return isr.size() < effectiveMinIsr(minInsyncReplicas) ? ErrorCode.NOT_ENOUGH_REPLICAS : ErrorCode.NONE;
    }

    /** acks=all: whether {@code offset} is below the high watermark, so every maximal-ISR member holds it. */
    public boolean isCommitted(final long offset)
    {
        return highWatermark > offset;
    }

    /**
     * acks=all once {@link #isCommitted} holds for the batch's last offset: NOT_ENOUGH_REPLICAS_AFTER_APPEND
     * when the ISR shrank below {@code minInsyncReplicas} while the batch waited (Kafka counts the maximal ISR).
     */
    public ErrorCode checkEnoughReplicasAfterAppend(final int minInsyncReplicas)
    {
        return maximalIsrSize() < effectiveMinIsr(minInsyncReplicas) ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
    }

    @Override
    public String toString()
    {
        final StringBuilder b = new StringBuilder("LeaderReplicaState(broker=").append(localBrokerId)
            .append(", leaderEpoch=").append(leaderEpoch).append(", partitionEpoch=").append(partitionEpoch)
            .append(", isr=").append(isr).append(", leo=").append(logEndOffset).append(", hw=").append(highWatermark)
            .append(", epochStart=").append(leaderEpochStartOffset).append(", pending=").append(pending);
        for (final ReplicaProgress f : followers)
        {
            b.append(", ").append(f);
        }
        return b.append(')').toString();
    }
}
