package io.osprey.consumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.Metadata;
import io.osprey.client.NetworkClient;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.RequestTimeoutException;

/**
 * The application thread's half of group membership: the subscription, the rebalance listener,
 * committed offsets and auto-commit. Inside {@code poll} it applies what the network thread's
 * {@link ConsumerCoordinator} published, in this order: a fatal group error (thrown), lost
 * partitions ({@code onPartitionsLost}), a completed rebalance (cooperative revocation, the new
 * assignment, {@code onPartitionsAssigned}), a pending join (auto-commit, eager revocation, then
 * the permit to join), the periodic auto-commit, completed async commits' callbacks, and the
 * committed offsets of newly assigned partitions (else {@code auto.offset.reset}).
 * <p>
 * Not thread-safe: owned by the application thread (the consumer's caller), like
 * {@link SubscriptionState}.
 */
final class ConsumerGroup
{
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroup.class);
    private static final ConsumerRebalanceListener NO_LISTENER = new ConsumerRebalanceListener()
    {
        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
        {
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
        {
        }
    };

    /** Runs a call on the network thread and waits for it: the consumer's {@code awaitCall}. */
    interface CallAwaiter
    {
        <T> T await(NetworkCall<T> call, long timeoutMs, String what);
    }

    private record AsyncCommit(CommitCall call, OffsetCommitCallback callback, long deadlineMs)
    {
    }

    private final GroupSettings settings;
    private final ConsumerCoordinator coordinator;
    private final SubscriptionState subscriptions;
    private final Metadata metadata;
    private final NetworkClient client;
    private final ConsumerNetworkThread network;
    private final CallAwaiter awaiter;
    private final ExponentialBackoff backoff;
    private final long defaultApiTimeoutMs;
    private final String clientId;
    private final Deque<AsyncCommit> asyncCommits = new ArrayDeque<>();

    private ConsumerRebalanceListener listener = NO_LISTENER;
    private int appliedGeneration = -1;
    private long nextAutoCommitMs;
    private CommittedCall committedCall;

    ConsumerGroup(final GroupSettings settings, final ConsumerCoordinator coordinator, final SubscriptionState subscriptions,
        final NetworkClient client, final ConsumerNetworkThread network, final CallAwaiter awaiter, final ExponentialBackoff backoff,
        final long defaultApiTimeoutMs, final String clientId)
    {
        this.settings = settings;
        this.coordinator = coordinator;
        this.subscriptions = subscriptions;
        this.metadata = client.metadata();
        this.client = client;
        this.network = network;
        this.awaiter = awaiter;
        this.backoff = backoff;
        this.defaultApiTimeoutMs = defaultApiTimeoutMs;
        this.clientId = clientId;
        this.nextAutoCommitMs = client.clock().nowMs() + settings.autoCommitIntervalMs();
    }

    // ---- Subscription ------------------------------------------------------------------------------

    boolean subscribed()
    {
        return coordinator.subscribed();
    }

    Set<String> subscription()
    {
        return coordinator.subscribed() ? coordinator.subscription() : Set.of();
    }

    void subscribe(final Set<String> topics, final ConsumerRebalanceListener newListener)
    {
        LOG.info("[Consumer clientId={}, groupId={}] Subscribed to topic(s): {}", clientId, settings.groupId(), String.join(", ", topics));
        listener = newListener == null ? NO_LISTENER : newListener;
        metadata.setAllTopics(false);
        metadata.setTopics(topics);
        coordinator.subscribe(topics);
    }

    void subscribe(final Pattern pattern, final ConsumerRebalanceListener newListener)
    {
        LOG.info("[Consumer clientId={}, groupId={}] Subscribed to pattern: '{}'", clientId, settings.groupId(), pattern);
        listener = newListener == null ? NO_LISTENER : newListener;
        metadata.setAllTopics(true);
        coordinator.subscribe(pattern);
    }

    /** Gives up the owned partitions (listener first) and leaves the group without waiting for the answer. */
    void unsubscribe()
    {
        if (!coordinator.subscribed())
        {
            return;
        }
        final RuntimeException e = onLeavePrepare();
        coordinator.unsubscribe();
        metadata.setAllTopics(false);
        metadata.setTopics(Set.of());
        network.submit(new LeaveCall(coordinator, "the consumer unsubscribed from all topics", deadline(client.requestTimeoutMs())));
        if (e != null)
        {
            throw e;
        }
    }

    // ---- Inside poll -------------------------------------------------------------------------------

    /** Runs the group's share of a poll; listener exceptions are rethrown after the step completes. */
    void poll(final long nowMs)
    {
        coordinator.onPoll(nowMs);
        invokeCompletedCommitCallbacks(nowMs);
        final RuntimeException error = coordinator.takeError();
        if (error != null)
        {
            throw error;
        }
        if (coordinator.subscribed())
        {
            RuntimeException listenerError = null;
            if (coordinator.takeLost())
            {
                listenerError = onLost();
            }
            final ConsumerCoordinator.GroupAssignment assignment = coordinator.takeAssignment();
            if (assignment != null)
            {
                listenerError = first(listenerError, onJoinComplete(assignment));
            }
            if (coordinator.needsPrepare())
            {
                listenerError = first(listenerError, onJoinPrepare());
            }
            if (listenerError != null)
            {
                throw listenerError;
            }
        }
        maybeAutoCommit(nowMs);
        updateCommittedPositions(nowMs);
    }

    private RuntimeException onLost()
    {
        final Set<TopicPartition> owned = subscriptions.assignment();
        appliedGeneration = -1;
        RuntimeException error = null;
        if (!owned.isEmpty())
        {
            LOG.info("[Consumer clientId={}, groupId={}] Lost previously assigned partitions {}", clientId, settings.groupId(), owned);
            error = invoke(() -> listener.onPartitionsLost(owned), "onPartitionsLost");
        }
        subscriptions.assignFromGroup(List.of());
        return error;
    }

    private RuntimeException onJoinPrepare()
    {
        RuntimeException error = null;
        if (appliedGeneration < 0)
        {
            error = onLost();
        }
        else
        {
            maybeAutoCommitSync(subscriptions.allConsumed(), "before rebalancing");
            final Set<TopicPartition> owned = subscriptions.assignment();
            if (coordinator.protocol() == ConsumerPartitionAssignor.RebalanceProtocol.EAGER)
            {
                LOG.info("[Consumer clientId={}, groupId={}] Revoke previously assigned partitions {}", clientId, settings.groupId(), owned);
                error = invoke(() -> listener.onPartitionsRevoked(owned), "onPartitionsRevoked");
                subscriptions.assignFromGroup(List.of());
            }
            else
            {
                final Set<String> topics = coordinator.subscription();
                final Set<TopicPartition> dropped = new LinkedHashSet<>();
                for (final TopicPartition tp : owned)
                {
                    if (!topics.contains(tp.topic()))
                    {
                        dropped.add(tp);
                    }
                }
                if (!dropped.isEmpty())
                {
                    final Set<TopicPartition> kept = new LinkedHashSet<>(owned);
                    kept.removeAll(dropped);
                    LOG.info("[Consumer clientId={}, groupId={}] Revoke partitions no longer subscribed {}", clientId, settings.groupId(),
                        dropped);
                    error = invoke(() -> listener.onPartitionsRevoked(dropped), "onPartitionsRevoked");
                    subscriptions.assignFromGroup(kept);
                }
            }
        }
        coordinator.grantJoin(new ArrayList<>(subscriptions.assignment()));
        return error;
    }

    private RuntimeException onJoinComplete(final ConsumerCoordinator.GroupAssignment assignment)
    {
        final Set<TopicPartition> assigned = new LinkedHashSet<>(assignment.partitions());
        final Set<TopicPartition> owned = new LinkedHashSet<>(subscriptions.assignment());
        RuntimeException error = null;
        if (assignment.protocol() == ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE)
        {
            final Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
            revoked.removeAll(assigned);
            if (!revoked.isEmpty())
            {
                final Map<TopicPartition, OffsetAndMetadata> consumed = new LinkedHashMap<>(subscriptions.allConsumed());
                consumed.keySet().retainAll(revoked);
                maybeAutoCommitSync(consumed, "before revoking partitions");
                LOG.info("[Consumer clientId={}, groupId={}] Revoke previously assigned partitions {}", clientId, settings.groupId(),
                    revoked);
                error = invoke(() -> listener.onPartitionsRevoked(revoked), "onPartitionsRevoked");
                owned.removeAll(revoked);
                owned.retainAll(subscriptions.assignment());
                subscriptions.assignFromGroup(owned);
                coordinator.requestRejoin("partitions " + revoked + " were revoked and must be reassigned");
            }
        }
        final Set<TopicPartition> added = new LinkedHashSet<>(assigned);
        added.removeAll(owned);
        subscriptions.assignFromGroup(assigned);
        appliedGeneration = assignment.generation();
        LOG.info("[Consumer clientId={}, groupId={}] Adding newly assigned partitions: {} (generation {}, now owns {})", clientId,
            settings.groupId(), added, assignment.generation(), assigned);
        return first(error, invoke(() -> listener.onPartitionsAssigned(added), "onPartitionsAssigned"));
    }

    /** Before leaving: the owned partitions are revoked (or lost, when the membership is gone). */
    private RuntimeException onLeavePrepare()
    {
        final Set<TopicPartition> owned = subscriptions.assignment();
        final boolean lost = appliedGeneration < 0 || coordinator.takeLost();
        appliedGeneration = -1;
        RuntimeException error = null;
        if (!owned.isEmpty())
        {
            error = lost
                ? invoke(() -> listener.onPartitionsLost(owned), "onPartitionsLost")
                : invoke(() -> listener.onPartitionsRevoked(owned), "onPartitionsRevoked");
        }
        subscriptions.assignFromGroup(List.of());
        return error;
    }

    private RuntimeException invoke(final Runnable callback, final String name)
    {
        try
        {
            callback.run();
            return null;
        }
        catch (final RuntimeException e)
        {
            LOG.error("[Consumer clientId={}, groupId={}] User provided listener {} failed on invocation of {}", clientId,
                settings.groupId(), listener.getClass().getName(), name, e);
            return e;
        }
    }

    private static RuntimeException first(final RuntimeException a, final RuntimeException b)
    {
        return a != null ? a : b;
    }

    // ---- Positions of newly assigned partitions ----------------------------------------------------

    /** Looks up committed offsets for partitions awaiting them and applies the answers (else auto.offset.reset). */
    void updateCommittedPositions(final long nowMs)
    {
        final Set<TopicPartition> waiting = subscriptions.partitionsAwaitingCommitted();
        if (committedCall != null && (committedCall.isDone() || nowMs >= committedCall.deadlineMs()))
        {
            final CommittedCall call = committedCall;
            committedCall = null;
            if (call.isDone())
            {
                try
                {
                    applyCommitted(call.result());
                }
                catch (final RuntimeException e)
                {
                    LOG.warn("[Consumer clientId={}, groupId={}] Fetching committed offsets of {} failed; retrying: {}", clientId,
                        settings.groupId(), call.partitions(), e.getMessage());
                }
            }
        }
        if (committedCall == null && !waiting.isEmpty())
        {
            committedCall = new CommittedCall(client, coordinator, settings.groupId(), subscriptions.partitionsAwaitingCommitted(), backoff,
                nowMs + defaultApiTimeoutMs);
            network.submit(committedCall);
        }
    }

    private void applyCommitted(final Map<TopicPartition, OffsetAndMetadata> committed)
    {
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet())
        {
            final SubscriptionState.PartitionState state = subscriptions.state(e.getKey());
            if (state == null || !state.awaitingCommitted)
            {
                continue;
            }
            if (e.getValue() != null)
            {
                LOG.info("[Consumer clientId={}, groupId={}] Setting offset for partition {} to the committed offset {}", clientId,
                    settings.groupId(), e.getKey(), e.getValue().offset());
                subscriptions.seek(e.getKey(), e.getValue().offset());
            }
            else
            {
                LOG.info("[Consumer clientId={}, groupId={}] Found no committed offset for partition {}; resetting to {}", clientId,
                    settings.groupId(), e.getKey(), subscriptions.defaultReset().configName());
                subscriptions.requestReset(e.getKey(), subscriptions.defaultReset());
            }
        }
    }

    // ---- Commits -----------------------------------------------------------------------------------

    /** Commits, retrying retriable failures until {@code timeoutMs}. */
    void commitSync(final Map<TopicPartition, OffsetAndMetadata> offsets, final long timeoutMs)
    {
        invokeCompletedCommitCallbacks(client.clock().nowMs());
        coordinator.throwIfFenced();
        if (offsets.isEmpty())
        {
            return;
        }
        awaiter.await(new CommitCall(client, coordinator, settings.groupId(), offsets, backoff, deadline(timeoutMs), true), timeoutMs,
            "Failed to commit offsets " + offsets);
    }

    /**
     * Sends a commit once (no retry once sent: {@link RetriableCommitFailedException} to the
     * callback instead); the callback runs in a later {@code poll}, {@code commit*} or {@code close}.
     */
    void commitAsync(final Map<TopicPartition, OffsetAndMetadata> offsets, final OffsetCommitCallback callback)
    {
        final long nowMs = client.clock().nowMs();
        invokeCompletedCommitCallbacks(nowMs);
        coordinator.throwIfFenced();
        final OffsetCommitCallback cb = callback == null ? this::logCommitFailure : callback;
        if (asyncCommits.size() >= ConsumerLimits.ASYNC_COMMITS_MAX)
        {
            cb.onComplete(offsets, new OspreyException(io.osprey.common.ErrorCode.UNKNOWN_SERVER_ERROR, ConsumerLimits.ASYNC_COMMITS_MAX
                + " asynchronous commits are already waiting for poll() to run their callbacks; this one was not sent"));
            return;
        }
        final long deadlineMs = deadline(defaultApiTimeoutMs);
        final CommitCall call = new CommitCall(client, coordinator, settings.groupId(), offsets, backoff, deadlineMs, false);
        network.submit(call);
        asyncCommits.addLast(new AsyncCommit(call, cb, deadlineMs));
    }

    Map<TopicPartition, OffsetAndMetadata> committed(final Set<TopicPartition> partitions, final long timeoutMs)
    {
        return awaiter.await(new CommittedCall(client, coordinator, settings.groupId(), partitions, backoff, deadline(timeoutMs)),
            timeoutMs, "Failed to fetch committed offsets of " + partitions);
    }

    void invokeCompletedCommitCallbacks(final long nowMs)
    {
        final Iterator<AsyncCommit> it = asyncCommits.iterator();
        while (it.hasNext())
        {
            final AsyncCommit commit = it.next();
            Exception failure = null;
            if (commit.call().isDone())
            {
                try
                {
                    commit.call().result();
                }
                catch (final RuntimeException e)
                {
                    failure = e;
                }
            }
            else if (nowMs >= commit.deadlineMs())
            {
                failure = new RequestTimeoutException("Offset commit of " + commit.call().offsets().keySet() + " did not complete within "
                    + defaultApiTimeoutMs + " ms" + (commit.call().lastProblem() == null ? "" : ": " + commit.call().lastProblem()));
            }
            else
            {
                continue;
            }
            it.remove();
            commit.callback().onComplete(commit.call().offsets(), failure);
        }
    }

    private void logCommitFailure(final Map<TopicPartition, OffsetAndMetadata> offsets, final Exception exception)
    {
        if (exception instanceof RebalanceInProgressException || exception instanceof RetriableCommitFailedException)
        {
            // The next auto-commit (or commit) carries the latest offsets anyway.
            LOG.debug("[Consumer clientId={}, groupId={}] Asynchronous commit of {} skipped: {}", clientId, settings.groupId(), offsets,
                exception.getMessage());
        }
        else if (exception != null)
        {
            LOG.warn("[Consumer clientId={}, groupId={}] Asynchronous commit of offsets {} failed: {}", clientId, settings.groupId(),
                offsets, exception.getMessage());
        }
    }

    private void maybeAutoCommit(final long nowMs)
    {
        if (!settings.autoCommit() || nowMs < nextAutoCommitMs)
        {
            return;
        }
        nextAutoCommitMs = nowMs + settings.autoCommitIntervalMs();
        final Map<TopicPartition, OffsetAndMetadata> offsets = subscriptions.allConsumed();
        // Asynchronous, so not retried: a failed auto-commit is simply replaced by the next one.
        if (!offsets.isEmpty())
        {
            LOG.debug("[Consumer clientId={}, groupId={}] Auto-committing offsets {}", clientId, settings.groupId(), offsets);
            commitAsync(offsets, null);
        }
    }

    private void maybeAutoCommitSync(final Map<TopicPartition, OffsetAndMetadata> offsets, final String when)
    {
        if (!settings.autoCommit() || offsets.isEmpty())
        {
            return;
        }
        try
        {
            commitSync(offsets, defaultApiTimeoutMs);
            LOG.debug("[Consumer clientId={}, groupId={}] Committed offsets {} {}", clientId, settings.groupId(), offsets, when);
        }
        catch (final WakeupException | InterruptException e)
        {
            throw e;
        }
        catch (final RuntimeException e)
        {
            LOG.warn("[Consumer clientId={}, groupId={}] Auto offset commit of {} {} failed: {}", clientId, settings.groupId(), offsets, when,
                e.getMessage());
        }
    }

    // ---- Closing -----------------------------------------------------------------------------------

    /** Auto-commits, runs pending commit callbacks, revokes the partitions and leaves (dynamic members), within {@code timeoutMs}. */
    void close(final long timeoutMs)
    {
        final long deadlineMs = deadline(timeoutMs);
        try
        {
            if (settings.autoCommit())
            {
                final Map<TopicPartition, OffsetAndMetadata> offsets = subscriptions.allConsumed();
                if (!offsets.isEmpty())
                {
                    commitSync(offsets, Math.max(0, deadlineMs - client.clock().nowMs()));
                }
            }
        }
        catch (final RuntimeException e)
        {
            LOG.warn("[Consumer clientId={}, groupId={}] Auto offset commit on close failed: {}", clientId, settings.groupId(), e.getMessage());
        }
        while (!asyncCommits.isEmpty() && client.clock().nowMs() < deadlineMs)
        {
            invokeCompletedCommitCallbacks(client.clock().nowMs());
            if (!asyncCommits.isEmpty())
            {
                sleepQuietly(ConsumerLimits.CLOSE_POLL_MS);
            }
        }
        if (coordinator.subscribed())
        {
            final RuntimeException e = onLeavePrepare();
            if (e != null)
            {
                LOG.warn("[Consumer clientId={}, groupId={}] The rebalance listener failed on close", clientId, settings.groupId(), e);
            }
            coordinator.unsubscribe();
            final long remainingMs = Math.max(0, deadlineMs - client.clock().nowMs());
            try
            {
                awaiter.await(new LeaveCall(coordinator, "the consumer is being closed", deadlineMs), remainingMs, "Failed to leave the group");
            }
            catch (final RuntimeException leaveFailure)
            {
                LOG.debug("[Consumer clientId={}, groupId={}] Leaving the group on close: {}", clientId, settings.groupId(),
                    leaveFailure.getMessage());
            }
        }
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private long deadline(final long timeoutMs)
    {
        final long nowMs = client.clock().nowMs();
        return timeoutMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + timeoutMs;
    }
}
