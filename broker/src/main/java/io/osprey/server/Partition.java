package io.osprey.server;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.Timer;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.controller.PartitionInfo;
import io.osprey.log.LogAppendInfo;
import io.osprey.log.PartitionLog;
import io.osprey.metrics.TopicMetrics;
import io.osprey.replication.FollowerFetchStatus;
import io.osprey.replication.FollowerState;
import io.osprey.replication.IsrProposal;
import io.osprey.replication.LeaderEpochCache;
import io.osprey.replication.LeaderReplicaState;

/**
 * A partition this node hosts: its log, the log agent that owns it (its single writer), its
 * role (leader or follower, with the leader epoch) as the controller's metadata image says, its
 * replication state, the {@code acks=all} writes waiting for the high watermark, and the
 * delayed fetches waiting for new data.
 * <p>
 * Roles: {@link #applyState} (metadata thread) hands the image's partition state to the log
 * agent, which becomes leader (a {@link LeaderReplicaState}: followers' positions, ISR, high
 * watermark) or follower (a {@link FollowerState}, fed by a {@link ReplicaFetcher}). Each
 * role lasts one leader epoch; requests carrying another epoch are refused
 * (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH), and anything queued for an old role finds
 * the role gone and answers NOT_LEADER_OR_FOLLOWER.
 * <p>
 * Thread-safety: the log is written only by {@link #agent()}'s tasks, which run one cycle at a
 * time under the agent's cycle lock (on its thread, or inline on a network or fetcher thread;
 * "agent thread" below means either); the role objects are replaced only on the agent and are guarded by {@code replicaLock}, which follower fetches (network
 * threads) and controller answers take briefly; callbacks (produce completions, ISR proposals)
 * run outside the lock. The high watermark is published in a volatile for readers.
 */
public final class Partition
{
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    /** What a partition needs from the rest of the broker for replication. */
    public interface ReplicaControl
    {
        /** Sends an ISR change to the controller; calls {@link #onAlterPartitionResult} when answered. */
        void alterPartition(Partition partition, LeaderReplicaState state, IsrProposal proposal);

        /** Whether the image lets {@code brokerId} join an ISR (registered, not fenced, not shutting down). */
        boolean isEligibleForIsr(int brokerId);

        /** The committed ISR of a partition this broker leads changed size (metrics). */
        default void onIsrChanged(final int oldSize, final int newSize)
        {
        }
    }

    /** Replication lag of a partition on its leader, for metrics: the largest follower lag in records. */
    public record LeaderLag(long logEndOffset, long highWatermark, long maxFollowerLag, int isrSize, int replicas)
    {
    }

    /** One partition of a follower's fetch as the leader judged it, for the fetch response. */
    public record FollowerFetch(ErrorCode error, boolean diverging, LeaderEpochCache.EpochEnd divergingEpoch, long logEndOffset,
        long highWatermark)
    {
    }

    private final TopicPartition topicPartition;
    private final UUID topicId;
    private final PartitionLog log;
    private final LogAgent agent;
    private final TopicMetrics metrics;
    private final int localBrokerId;
    private final ReplicaControl control;
    private final Timer timer;
    /** control::isEligibleForIsr, made once: the follower fetch path must not allocate it per fetch. */
    private final java.util.function.IntPredicate eligibleForIsr;
    private final ConcurrentLinkedQueue<DelayedFetch> waiters = new ConcurrentLinkedQueue<>();
    /** DeleteRecords answers waiting for the ISR's log starts to reach their offsets. */
    private final ConcurrentLinkedQueue<LowWatermarkWaiter> lowWatermarkWaiters = new ConcurrentLinkedQueue<>();
    private final Object replicaLock = new Object();
    /** Guarded by replicaLock; replaced only on the agent thread. */
    private LeaderReplicaState leaderState;
    /** Guarded by replicaLock; replaced only on the agent thread. */
    private FollowerState followerState;
    /** Guarded by replicaLock. */
    private final List<DelayedProduce> awaitingHighWatermark = new ArrayList<>();
    /** Guarded by replicaLock: the pending proposal whose request failed (no answer), to resend. */
    private IsrProposal unanswered;
    /** The image state last handed to the agent; written on the metadata thread, read by metrics. */
    private volatile PartitionInfo appliedState;
    private volatile long highWatermark;
    private volatile int leaderEpoch;
    private volatile int leaderId = PartitionInfo.NO_LEADER;
    private volatile boolean leader;
    private volatile boolean deleted;
    private volatile int minInsyncReplicas = 1;

    public Partition(final TopicPartition topicPartition, final UUID topicId, final PartitionLog log, final LogAgent agent,
        final int leaderEpoch, final TopicMetrics metrics, final int localBrokerId, final ReplicaControl control, final Timer timer)
    {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.agent = agent;
        this.metrics = metrics;
        this.leaderEpoch = leaderEpoch;
        this.localBrokerId = localBrokerId;
        this.control = control;
        this.timer = timer;
        this.eligibleForIsr = control == null ? id -> false : control::isEligibleForIsr;
        this.highWatermark = Math.min(log.storedHighWatermark(), log.logEndOffset());
        // From now on the log's high watermark is the replicated one (the cleaner stops below it),
        // not its log end, even before this partition's role is known.
        log.updateHighWatermark(highWatermark);
    }

    public TopicPartition topicPartition()
    {
        return topicPartition;
    }

    public UUID topicId()
    {
        return topicId;
    }

    public PartitionLog log()
    {
        return log;
    }

    public LogAgent agent()
    {
        return agent;
    }

    /** The traffic counters of this partition's topic, shared by its partitions on this node. */
    public TopicMetrics metrics()
    {
        return metrics;
    }

    public int leaderEpoch()
    {
        return leaderEpoch;
    }

    /** The leader the image names, or {@link PartitionInfo#NO_LEADER}. */
    public int leaderId()
    {
        return leaderId;
    }

    /** Whether the metadata image names this node the partition's leader. */
    public boolean isLeader()
    {
        return leader;
    }

    /** Consumers read below this offset; every in-sync replica holds everything below it. */
    public long highWatermark()
    {
        return highWatermark;
    }

    void setMinInsyncReplicas(final int value)
    {
        minInsyncReplicas = Math.max(1, value);
    }

    public int minInsyncReplicas()
    {
        return minInsyncReplicas;
    }

    /**
     * Whether this node leads the partition and its high watermark has not yet reached the start
     * of its leader epoch: right after an election the high watermark is the one the new leader
     * had as a follower, below records the previous leader may have committed. Any thread.
     */
    public boolean highWatermarkBehindEpochStart()
    {
        synchronized (replicaLock)
        {
            final LeaderReplicaState s = leaderState;
            return s != null && s.leaderEpochStartOffset() > highWatermark;
        }
    }

    /** This partition's replication lag if this node leads it, else null; any thread (metrics). */
    public LeaderLag leaderLag()
    {
        synchronized (replicaLock)
        {
            final LeaderReplicaState s = leaderState;
            if (s == null)
            {
                return null;
            }
            long maxLag = 0;
            int replicas = 1;
            for (final int r : appliedReplicas(s))
            {
                final io.osprey.replication.ReplicaProgress f = s.follower(r);
                if (f != null)
                {
                    replicas++;
                    // A follower not heard from in this epoch lags by everything the leader holds.
                    final long followerEnd = Math.max(0, f.logEndOffset());
                    maxLag = Math.max(maxLag, s.logEndOffset() - followerEnd);
                }
            }
            return new LeaderLag(s.logEndOffset(), s.highWatermark(), maxLag, s.isr().size(), replicas);
        }
    }

    private List<Integer> appliedReplicas(final LeaderReplicaState s)
    {
        final PartitionInfo applied = appliedState;
        return applied == null ? s.isr() : applied.replicas();
    }

    /** The committed ISR as the leader holds it, or null when this node does not lead. */
    public List<Integer> isr()
    {
        synchronized (replicaLock)
        {
            return leaderState == null ? null : leaderState.isr();
        }
    }

    public boolean isDeleted()
    {
        return deleted;
    }

    void markDeleted()
    {
        deleted = true;
        final List<DelayedProduce> failed;
        synchronized (replicaLock)
        {
            failed = drainAllLocked(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        completeAll(failed);
        checkLowWatermarkWaiters();
        onNewData();
    }

    // ---------------------------------------------------------------- roles (metadata thread -> agent)

    /**
     * Hands the image's state of this partition to the agent (metadata thread). The epoch and
     * leader flags are published after the task is queued, so a produce that sees the new
     * leadership is queued behind the transition.
     *
     * @return true when the state changed
     */
    boolean applyState(final PartitionInfo state)
    {
        if (state.equals(appliedState))
        {
            return false;
        }
        appliedState = state;
        final boolean lead = state.leader() == localBrokerId;
        agent.submit(nowMs ->
        {
            if (lead)
            {
                becomeLeader(state, nowMs);
            }
            else
            {
                becomeFollower(state, nowMs);
            }
        });
        leaderEpoch = state.leaderEpoch();
        leaderId = state.leader();
        leader = lead;
        return true;
    }

    private void becomeLeader(final PartitionInfo state, final long nowMs)
    {
        List<DelayedProduce> done = null;
        synchronized (replicaLock)
        {
            if (leaderState != null && leaderState.leaderEpoch() == state.leaderEpoch())
            {
                // Same leader epoch: an ISR or replica-set change the controller committed.
                try
                {
                    final int before = leaderState.isr().size();
                    if (leaderState.onPartitionState(state.partitionEpoch(), state.replicas(), state.isr(), nowMs))
                    {
                        done = highWatermarkAdvancedLocked();
                    }
                    control.onIsrChanged(before, leaderState.isr().size());
                }
                catch (final IllegalStateException e)
                {
                    LOG.error("{}: ignoring partition state {}: {}", topicPartition, state, e.getMessage());
                }
            }
            else
            {
                if (!state.isr().contains(localBrokerId))
                {
                    LOG.error("{}: named leader at epoch {} but not in the ISR {}; not leading", topicPartition,
                        state.leaderEpoch(), state.isr());
                    return;
                }
                done = drainAllLocked(ErrorCode.NOT_LEADER_OR_FOLLOWER);
                log.assignLeaderEpoch(state.leaderEpoch());
                final long startHw = followerState != null ? followerState.highWatermark() : highWatermark;
                leaderState = new LeaderReplicaState(localBrokerId, state.leaderEpoch(), state.partitionEpoch(), state.replicas(),
                    state.isr(), log.logEndOffset(), startHw, nowMs);
                followerState = null;
                publishHighWatermarkLocked();
                LOG.info("{}: leader at epoch {} from offset {} (high watermark {}), ISR {}", topicPartition, state.leaderEpoch(),
                    log.logEndOffset(), leaderState.highWatermark(), state.isr());
            }
        }
        completeAll(done);
        // A follower that left the ISR no longer holds the low watermark back.
        checkLowWatermarkWaiters();
        onNewData();
    }

    private void becomeFollower(final PartitionInfo state, final long nowMs)
    {
        final List<DelayedProduce> failed;
        synchronized (replicaLock)
        {
            failed = drainAllLocked(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (leaderState != null)
            {
                LOG.info("{}: no longer leader (epoch {} -> {}, leader {})", topicPartition, leaderState.leaderEpoch(),
                    state.leaderEpoch(), state.leader());
            }
            leaderState = null;
            if (followerState == null || followerState.leaderEpoch() != state.leaderEpoch() ||
                followerState.leaderId() != state.leader())
            {
                followerState = new FollowerState(state.leader(), state.leaderEpoch(), highWatermark, log.logEndOffset());
                publishHighWatermarkLocked();
            }
        }
        completeAll(failed);
        checkLowWatermarkWaiters();
        onNewData();
    }

    // ---------------------------------------------------------------- leader: appends (agent thread)

    /** The leader epoch this node leads in, or -1; agent thread. */
    public int leaderEpochOnAgent()
    {
        final LeaderReplicaState s = leaderState;
        return s == null ? -1 : s.leaderEpoch();
    }

    /** acks=all before the append: NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas; agent thread. */
    public ErrorCode checkEnoughReplicas()
    {
        synchronized (replicaLock)
        {
            return leaderState == null ? ErrorCode.NOT_LEADER_OR_FOLLOWER :
                leaderState.checkEnoughReplicasBeforeAppend(minInsyncReplicas);
        }
    }

    /**
     * Appends one batch as leader, in the epoch this node leads in (the group coordinator's
     * path). Agent thread.
     *
     * @throws io.osprey.common.OspreyException NOT_LEADER_OR_FOLLOWER when this node does not lead
     */
    public LogAppendInfo appendAsLeader(final ByteBuffer records, final long nowMs)
    {
        final int epoch = leaderEpochOnAgent();
        if (epoch < 0)
        {
            throw new io.osprey.common.OspreyException(ErrorCode.NOT_LEADER_OR_FOLLOWER,
                "This server is not the leader of " + topicPartition);
        }
        return appendAsLeader(records, epoch, nowMs);
    }

    /** Appends as leader in the current epoch and moves the leader's end in the replication state; agent thread. */
    LogAppendInfo appendAsLeader(final ByteBuffer records, final int epoch, final long nowMs)
    {
        final LogAppendInfo info = log.appendAsLeader(records, epoch, nowMs);
        if (!info.duplicate())
        {
            onLeaderAppend();
        }
        return info;
    }

    /** The log end moved on the leader (its own appends, the group coordinator's); agent thread. */
    public void onLeaderAppend()
    {
        List<DelayedProduce> done = null;
        synchronized (replicaLock)
        {
            if (leaderState != null && leaderState.onLeaderAppend(log.logEndOffset()))
            {
                done = highWatermarkAdvancedLocked();
            }
        }
        // Waiting fetches are woken by the appender once its cycle's flush is done (ProduceHandler, OffsetsTopicLog),
        // not here before it; only completed acks=all writes need it now.
        if (done != null)
        {
            completeAll(done);
            onNewData();
        }
    }

    /**
     * Calls {@code callback} once the high watermark passes {@code lastOffset} (NONE, or
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR fell below min.insync.replicas meanwhile),
     * or with NOT_LEADER_OR_FOLLOWER when leadership moves first, or REQUEST_TIMED_OUT after
     * {@code timeoutMs}. The batch must have been appended in {@code leaderEpoch}: if this node
     * no longer leads in that epoch, the batch may have been truncated meanwhile, and the answer
     * is NOT_LEADER_OR_FOLLOWER. Any thread; the callback runs on whichever thread settles it.
     */
    public void awaitHighWatermark(final int leaderEpoch, final long lastOffset, final long timeoutMs,
        final Consumer<ErrorCode> callback)
    {
        final DelayedProduce d = new DelayedProduce(lastOffset, callback);
        synchronized (replicaLock)
        {
            if (leaderState == null || leaderState.leaderEpoch() != leaderEpoch)
            {
                // Appended in another leader epoch: the batch may have been truncated since.
                d.result = deleted ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NOT_LEADER_OR_FOLLOWER;
            }
            else if (leaderState.isCommitted(lastOffset))
            {
                d.result = leaderState.checkEnoughReplicasAfterAppend(minInsyncReplicas);
            }
            else
            {
                awaitingHighWatermark.add(d);
                d.timeout = timer.newTimeout(t -> expire(d), Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
                return;
            }
        }
        d.complete();
    }

    private void expire(final DelayedProduce d)
    {
        synchronized (replicaLock)
        {
            if (!awaitingHighWatermark.remove(d))
            {
                return;
            }
            d.result = ErrorCode.REQUEST_TIMED_OUT;
        }
        d.complete();
    }

    /**
     * Maintenance on the agent: proposes followers that lag {@code replicaLagTimeMaxMs} out of the
     * ISR, and resends a pending proposal whose request got no answer (it stays pending: it may
     * have taken effect).
     */
    void maybeShrinkIsr(final long nowMs, final long replicaLagTimeMaxMs)
    {
        final LeaderReplicaState state;
        IsrProposal proposal;
        boolean resend = false;
        synchronized (replicaLock)
        {
            state = leaderState;
            if (state == null)
            {
                return;
            }
            proposal = state.maybeProposeShrink(nowMs, replicaLagTimeMaxMs);
            if (proposal == null && unanswered != null && unanswered == state.pendingProposal())
            {
                proposal = unanswered;
                resend = true;
            }
            unanswered = null;
        }
        if (proposal != null)
        {
            if (resend)
            {
                LOG.info("{}: resending ISR proposal {} (its request got no answer)", topicPartition, proposal.newIsr());
            }
            else
            {
                LOG.info("{}: proposing ISR shrink {} -> {} (followers behind for {} ms)", topicPartition, state.isr(),
                    proposal.newIsr(), replicaLagTimeMaxMs);
            }
            control.alterPartition(this, state, proposal);
        }
    }

    /** The controller answered an ISR proposal; any thread. */
    void onAlterPartitionResult(final LeaderReplicaState state, final IsrProposal proposal, final ErrorCode error)
    {
        List<DelayedProduce> done = null;
        boolean advanced = false;
        synchronized (replicaLock)
        {
            if (leaderState != state)
            {
                return;
            }
            if (error == ErrorCode.REQUEST_TIMED_OUT)
            {
                // No answer: the controller may or may not have applied it. Keep it pending; maintenance resends it.
                unanswered = proposal;
            }
            else if (state.onAlterPartitionResponse(proposal, error))
            {
                done = highWatermarkAdvancedLocked();
                advanced = true;
            }
        }
        if (error != ErrorCode.NONE)
        {
            LOG.info("{}: ISR proposal {} not applied: {}{}", topicPartition, proposal.newIsr(), error,
                LeaderReplicaState.isDefiniteRefusal(error) ? "" : " (kept pending until newer metadata arrives)");
        }
        completeAll(done);
        checkLowWatermarkWaiters();
        if (advanced)
        {
            onNewData();
        }
    }

    // ---------------------------------------------------------------- leader: follower fetches (network threads)

    /**
     * One partition of a follower's Fetch on the leader: checks it, records the follower's
     * position (which may move the high watermark and complete waiting writes) and proposes the
     * follower into the ISR once it has caught up.
     */
    FollowerFetch onFollowerFetch(final int replicaId, final long replicaBrokerEpoch, final int currentLeaderEpoch,
        final int lastFetchedEpoch, final long fetchOffset, final long followerLogStartOffset, final long nowMs)
    {
        final FollowerFetch result;
        List<DelayedProduce> done = null;
        boolean advanced = false;
        IsrProposal proposal = null;
        final LeaderReplicaState state;
        synchronized (replicaLock)
        {
            state = leaderState;
            if (state == null)
            {
                return new FollowerFetch(ErrorCode.NOT_LEADER_OR_FOLLOWER, false, null, -1, -1);
            }
            if (fetchOffset < log.logStartOffset())
            {
                // As Kafka: a read that cannot be served records no position; the follower starts over at the log start.
                return new FollowerFetch(ErrorCode.OFFSET_OUT_OF_RANGE, false, null, state.logEndOffset(), state.highWatermark());
            }
            final long hwBefore = state.highWatermark();
            final FollowerFetchStatus status = state.onFollowerFetch(replicaId, replicaBrokerEpoch, currentLeaderEpoch,
                lastFetchedEpoch, fetchOffset, log.leaderEpochCache(), nowMs);
            if (status == FollowerFetchStatus.DIVERGING)
            {
                result = new FollowerFetch(ErrorCode.NONE, true, state.divergingEpoch(lastFetchedEpoch, log.leaderEpochCache()),
                    state.logEndOffset(), state.highWatermark());
            }
            else
            {
                if (status == FollowerFetchStatus.ACCEPTED)
                {
                    state.follower(replicaId).onLogStartOffset(followerLogStartOffset);
                    if (state.highWatermark() > hwBefore)
                    {
                        done = highWatermarkAdvancedLocked();
                        advanced = true;
                    }
                    proposal = state.maybeProposeExpand(eligibleForIsr);
                }
                result = new FollowerFetch(status.errorCode(), false, null, state.logEndOffset(), state.highWatermark());
            }
        }
        completeAll(done);
        checkLowWatermarkWaiters();
        if (advanced)
        {
            // Consumers read only below the high watermark, so an advance is new data for them, with or without
            // acks=all writes waiting (with acks=1 there are none, and the last records of a burst waited out
            // fetch.max.wait.ms). Not inline: this may run inside a delayed fetch's attempt (its re-read), and waking
            // the waiters from there would re-enter that fetch (a second response) or lock two of them.
            wakeWaitersLater();
        }
        if (proposal != null)
        {
            LOG.info("{}: proposing ISR expansion {} -> {}", topicPartition, state.isr(), proposal.newIsr());
            control.alterPartition(this, state, proposal);
        }
        return result;
    }

    // ---------------------------------------------------------------- follower (agent thread, from the fetcher)

    /** The leader epoch this node follows in, or -1; any thread. */
    int followerEpoch()
    {
        synchronized (replicaLock)
        {
            return followerState == null ? -1 : followerState.leaderEpoch();
        }
    }

    /**
     * Appends the leader's batches (fetched in leader epoch {@code epoch}) and takes the
     * leader's high watermark; false, appending nothing, when this node no longer follows in
     * that epoch. Agent thread.
     */
    boolean appendAsFollower(final int epoch, final ByteBuffer records, final long leaderHighWatermark, final long leaderLogStartOffset,
        final long nowMs)
    {
        if (followerEpoch() != epoch)
        {
            return false;
        }
        if (records != null && records.hasRemaining())
        {
            log.appendAsFollower(records, nowMs);
        }
        if (leaderLogStartOffset > log.logStartOffset())
        {
            // The leader's records below its log start were deleted (DeleteRecords, retention): so are this replica's,
            // or a leader change would serve them again. Never past this log's end: the next fetch resets it if needed.
            log.advanceLogStartOffset(Math.min(leaderLogStartOffset, log.logEndOffset()), nowMs);
        }
        synchronized (replicaLock)
        {
            if (followerState != null && followerState.leaderEpoch() == epoch)
            {
                followerState.onFetchResponse(leaderHighWatermark, log.logEndOffset());
                publishHighWatermarkLocked();
            }
        }
        return true;
    }

    /**
     * The leader said where this log diverges from its own: truncates there (batches go whole),
     * so this replica never keeps records the leader does not have. Agent thread.
     *
     * @return the new log end offset, or -1 when this node no longer follows in {@code epoch}
     */
    long truncateAsFollower(final int epoch, final LeaderEpochCache.EpochEnd leaderAnswer)
    {
        if (followerEpoch() != epoch)
        {
            return -1;
        }
        final long before = log.logEndOffset();
        final FollowerState.Truncation t = FollowerState.truncationFor(log.leaderEpochCache(), before, leaderAnswer);
        // Also at the log end: truncation drops epochs that start there and hold no records.
        final long end = t.offset() <= before ? log.truncateTo(t.offset()) : before;
        synchronized (replicaLock)
        {
            if (followerState != null)
            {
                followerState.onTruncated(end);
                publishHighWatermarkLocked();
            }
        }
        if (end < before)
        {
            LOG.info("{}: truncated from {} to {} (leader epoch {} ends at {} on the leader)", topicPartition, before, end,
                leaderAnswer.epoch(), leaderAnswer.endOffset());
        }
        return end;
    }

    /**
     * The leader refused the fetch offset as out of range: below its log start, this replica
     * starts over there; otherwise it keeps only what the leader has committed. Agent thread.
     */
    long resetAsFollower(final int epoch, final long fetchOffset, final long leaderLogStart, final long leaderHighWatermark,
        final long nowMs)
    {
        if (followerEpoch() != epoch)
        {
            return -1;
        }
        if (leaderLogStart >= 0 && fetchOffset < leaderLogStart)
        {
            LOG.info("{}: behind the leader's log start {}; starting over there", topicPartition, leaderLogStart);
            log.truncateFullyAndStartAt(leaderLogStart, nowMs);
        }
        else
        {
            // A new leader's high watermark may lag what was committed; never drop below what this
            // replica already knew to be committed (every ISR member, the leader included, holds it).
            final long keep = Math.max(leaderHighWatermark, highWatermark);
            if (keep >= 0 && keep < log.logEndOffset())
            {
                LOG.info("{}: ahead of the leader; truncating from {} to {}", topicPartition, log.logEndOffset(), keep);
                log.truncateTo(keep);
            }
        }
        synchronized (replicaLock)
        {
            if (followerState != null)
            {
                followerState.onTruncated(log.logEndOffset());
                publishHighWatermarkLocked();
            }
        }
        return log.logEndOffset();
    }

    // ---------------------------------------------------------------- internals

    private void publishHighWatermarkLocked()
    {
        final long hw = leaderState != null ? leaderState.highWatermark() :
            followerState != null ? followerState.highWatermark() : highWatermark;
        highWatermark = hw;
        log.updateHighWatermark(hw);
    }

    /** Publishes the new high watermark and takes out the writes it satisfies. */
    private List<DelayedProduce> highWatermarkAdvancedLocked()
    {
        publishHighWatermarkLocked();
        if (awaitingHighWatermark.isEmpty())
        {
            return null;
        }
        List<DelayedProduce> done = null;
        for (final Iterator<DelayedProduce> it = awaitingHighWatermark.iterator(); it.hasNext(); )
        {
            final DelayedProduce d = it.next();
            if (leaderState.isCommitted(d.lastOffset))
            {
                it.remove();
                d.result = leaderState.checkEnoughReplicasAfterAppend(minInsyncReplicas);
                if (done == null)
                {
                    done = new ArrayList<>();
                }
                done.add(d);
            }
        }
        return done;
    }

    private List<DelayedProduce> drainAllLocked(final ErrorCode error)
    {
        if (awaitingHighWatermark.isEmpty())
        {
            return null;
        }
        final List<DelayedProduce> out = new ArrayList<>(awaitingHighWatermark);
        awaitingHighWatermark.clear();
        for (final DelayedProduce d : out)
        {
            d.result = error;
        }
        return out;
    }

    private void completeAll(final List<DelayedProduce> done)
    {
        if (done == null)
        {
            return;
        }
        for (final DelayedProduce d : done)
        {
            try
            {
                d.complete();
            }
            catch (final RuntimeException e)
            {
                LOG.error("{}: completing a waiting write failed", topicPartition, e);
            }
        }
    }

    /** Wakes the delayed fetches from the log agent's thread; dropped when its queue is full (they time out instead). */
    private void wakeWaitersLater()
    {
        if (!waiters.isEmpty())
        {
            agent.offer(nowMs -> onNewData());
        }
    }

    void addWaiter(final DelayedFetch fetch)
    {
        waiters.add(fetch);
    }

    void removeWaiter(final DelayedFetch fetch)
    {
        waiters.remove(fetch);
    }

    /**
     * The log start moved (DeleteRecords): every waiting fetch answers now, so the followers
     * parked in a long poll learn the new start from the answer at once instead of after up to
     * {@code replica.fetch.wait.max.ms}. Any thread.
     */
    public void onLogStartMoved()
    {
        for (final DelayedFetch f : List.copyOf(waiters))
        {
            f.completeNow();
        }
    }

    /**
     * Completes once the low watermark (the lowest log start offset of this leader and its ISR
     * followers, as they last reported it) is at or above {@code offset}, with that low
     * watermark; exceptionally with NOT_LEADER_OR_FOLLOWER when this node stops leading, or
     * UNKNOWN_TOPIC_OR_PARTITION when the partition is deleted. The caller bounds the wait.
     */
    public CompletableFuture<Long> awaitLowWatermark(final long offset)
    {
        final LowWatermarkWaiter w = new LowWatermarkWaiter(offset, new CompletableFuture<>());
        lowWatermarkWaiters.add(w);
        checkLowWatermarkWaiters();
        return w.future();
    }

    /** Answers the DeleteRecords waits the low watermark now satisfies (or fails them all); cheap when there are none. */
    private void checkLowWatermarkWaiters()
    {
        if (lowWatermarkWaiters.isEmpty())
        {
            return;
        }
        final long low;
        synchronized (replicaLock)
        {
            low = deleted || leaderState == null ? NOT_LEADING : leaderState.lowWatermark(log.logStartOffset());
        }
        for (final Iterator<LowWatermarkWaiter> it = lowWatermarkWaiters.iterator(); it.hasNext(); )
        {
            final LowWatermarkWaiter w = it.next();
            if (w.future().isDone())
            {
                it.remove(); // timed out
            }
            else if (low == NOT_LEADING)
            {
                it.remove();
                w.future().completeExceptionally(deleted ?
                    new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topicPartition + " was deleted") :
                    new OspreyException(ErrorCode.NOT_LEADER_OR_FOLLOWER, topicPartition + " is no longer led by this node"));
            }
            else if (low >= 0 && low >= w.offset())
            {
                it.remove();
                w.future().complete(low);
            }
        }
    }

    /** {@link #checkLowWatermarkWaiters}: the partition is deleted or this node does not lead it (no low watermark). */
    private static final long NOT_LEADING = -2;

    private record LowWatermarkWaiter(long offset, CompletableFuture<Long> future)
    {
    }

    /** New data is visible (or the partition went away): let waiting fetches re-check. Any thread. */
    public void onNewData()
    {
        if (waiters.isEmpty())
        {
            return;
        }
        for (final Iterator<DelayedFetch> it = waiters.iterator(); it.hasNext(); )
        {
            final DelayedFetch f = it.next();
            if (f.tryComplete())
            {
                it.remove();
            }
        }
    }

    @Override
    public String toString()
    {
        return "Partition(" + topicPartition + ", leader=" + leaderId + ", epoch=" + leaderEpoch + ", hw=" + highWatermark + ")";
    }
}
