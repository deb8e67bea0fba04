package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.Metadata;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.ResponseHandler;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.DisconnectException;
import io.osprey.common.errors.RequestTimeoutException;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;

/**
 * Runs admin calls: sends each when its node is known and its backoff has passed, retries
 * retriable failures with exponential backoff and jitter ({@code retry.backoff.ms} doubling to
 * {@code retry.backoff.max.ms}) up to {@code retries} times, and fails a call that reaches its
 * deadline with a {@link RequestTimeoutException} naming the last error.
 * <p>
 * A call is either waiting (for its backoff, its node or fresher metadata) or in flight (one
 * request outstanding); an in-flight request's timeout is {@code request.timeout.ms} cut to
 * what is left of the call's time, so no call outlives its deadline by more than a poll.
 * <p>
 * Not thread-safe: owned by the admin I/O thread, which also owns the {@link NetworkClient}
 * whose handlers call back in here during {@link NetworkClient#poll}.
 */
final class CallScheduler
{
    private static final Logger LOG = LoggerFactory.getLogger(CallScheduler.class);

    private final NetworkClient client;
    private final Metadata metadata;
    private final int retries;
    private final long retryBackoffMs;
    private final ExponentialBackoff backoff;
    private final Random random;
    private final Runnable onFinished;

    private final List<AdminCall> waiting = new ArrayList<>();
    private final Set<AdminCall> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param onFinished run once for every call that leaves the scheduler, done or failed
     */
    CallScheduler(final NetworkClient client, final int retries, final long retryBackoffMs, final long retryBackoffMaxMs,
        final Random random, final Runnable onFinished)
    {
        this.client = client;
        this.metadata = client.metadata();
        this.retries = retries;
        this.retryBackoffMs = retryBackoffMs;
        this.backoff = ExponentialBackoff.doubling(retryBackoffMs, retryBackoffMaxMs);
        this.random = random;
        this.onFinished = onFinished;
    }

    /** Takes a new call; it is sent on the next {@link #poll}. */
    void submit(final AdminCall call)
    {
        if (call.isDone())
        {
            finish(call);
            return;
        }
        waiting.add(call);
    }

    /** Calls waiting or in flight. */
    int size()
    {
        return waiting.size() + inFlight.size();
    }

    /**
     * Fails calls past their deadline and sends those that are due and have a node.
     *
     * @return how long until a waiting call needs attention ({@link Long#MAX_VALUE} when none
     *         does: responses and metadata updates wake the poll themselves)
     */
    long poll(final long nowMs)
    {
        long nextMs = Long.MAX_VALUE;
        final List<AdminCall> due = new ArrayList<>();
        for (final Iterator<AdminCall> it = waiting.iterator(); it.hasNext(); )
        {
            final AdminCall call = it.next();
            if (call.isDone())
            {
                it.remove();
                finish(call);
            }
            else if (nowMs >= call.deadlineMs())
            {
                it.remove();
                failTimedOut(call, nowMs);
            }
            else if (nowMs < call.nextAttemptMs)
            {
                nextMs = Math.min(nextMs, Math.min(call.nextAttemptMs, call.deadlineMs()));
            }
            else if (call.awaitMetadataAbove >= 0 && metadata.version() <= call.awaitMetadataAbove)
            {
                // The metadata response wakes the poll; only the deadline needs a timer.
                nextMs = Math.min(nextMs, call.deadlineMs());
            }
            else
            {
                it.remove();
                due.add(call);
            }
        }
        for (final AdminCall call : due)
        {
            if (!trySend(call, nowMs))
            {
                waiting.add(call);
                final boolean awaitsMetadata = call.awaitMetadataAbove >= 0;
                nextMs = Math.min(nextMs, awaitsMetadata ? call.deadlineMs() : Math.min(call.nextAttemptMs, call.deadlineMs()));
            }
        }
        return nextMs == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, nextMs - nowMs);
    }

    /** Fails every call, waiting or in flight (the client is closing). */
    void failAll(final Throwable error)
    {
        final List<AdminCall> all = new ArrayList<>(waiting);
        all.addAll(inFlight);
        waiting.clear();
        inFlight.clear();
        for (final AdminCall call : all)
        {
            call.fail(error);
            finish(call);
        }
    }

    // ---- Sending ---------------------------------------------------------------------------------

    /** Sends the call if its node is known; else sets it to wait for fresher metadata or a node out of backoff. */
    private boolean trySend(final AdminCall call, final long nowMs)
    {
        call.awaitMetadataAbove = -1;
        final CallTarget target = call.target();
        final Node node = node(target, nowMs);
        if (node != null)
        {
            call.unsentBecause = null;
            send(call, node, nowMs);
            return true;
        }
        if (target.kind() == CallTarget.Kind.LEAST_LOADED)
        {
            // Every node is in reconnect backoff: look again when the first may be out of it.
            call.unsentBecause = "no broker could be reached (check bootstrap.servers and that the brokers are up)";
            call.nextAttemptMs = nowMs + Math.max(1, retryBackoffMs);
        }
        else
        {
            // The node is not in the metadata (none yet, or it changed): wait for the next update.
            call.unsentBecause = unknownNodeReason(target);
            call.awaitMetadataAbove = metadata.version();
            maybeRequestMetadata();
        }
        return false;
    }

    private Node node(final CallTarget target, final long nowMs)
    {
        switch (target.kind())
        {
            case LEAST_LOADED:
                return client.leastLoadedNode(nowMs);
            case CONTROLLER:
                return knownNode(metadata.controllerId());
            case BROKER:
            default:
                return knownNode(target.brokerId());
        }
    }

    private String unknownNodeReason(final CallTarget target)
    {
        if (metadata.version() == 0)
        {
            return "no cluster metadata has arrived yet (check bootstrap.servers and that the brokers are up)";
        }
        if (target.kind() == CallTarget.Kind.CONTROLLER)
        {
            return "the cluster metadata names no reachable controller (controller id " + metadata.controllerId() + ")";
        }
        return "broker " + target.brokerId() + " is not among the brokers in the cluster metadata";
    }

    /** The broker with this id in the current metadata, or null. */
    private Node knownNode(final int id)
    {
        return id < 0 ? null : metadata.node(id);
    }

    /**
     * Requests an update unless one is pending (each request wakes the poll, so asking on every
     * pass would spin) or none has arrived yet (the first is on its way regardless).
     */
    private void maybeRequestMetadata()
    {
        if (metadata.version() > 0 && !metadata.updateRequested())
        {
            metadata.requestUpdate();
        }
    }

    private void send(final AdminCall call, final Node node, final long nowMs)
    {
        final long remainingMs = call.deadlineMs() - nowMs;
        final int brokerTimeoutMs = (int)Math.min(Integer.MAX_VALUE, remainingMs);
        final long requestTimeoutMs = Math.min(client.requestTimeoutMs(), remainingMs);
        final ApiKey api = call.api();
        inFlight.add(call);
        LOG.debug("Sending {} to {}", call, node);
        client.send(node.id(), api, api.latest, version -> call.request(version, brokerTimeoutMs), requestTimeoutMs,
            ResponseHandler.of((version, body) -> onResponse(call, api, node, version, body), failure -> onFailure(call, node, failure)));
    }

    // ---- Outcomes ----------------------------------------------------------------------------------

    private void onResponse(final AdminCall call, final ApiKey api, final Node node, final short version, final ProtocolReader body)
    {
        if (!inFlight.remove(call))
        {
            return;
        }
        final OspreyException retry;
        try
        {
            retry = call.onResponse(api, version, body);
        }
        catch (final RuntimeException e)
        {
            fail(call, new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "Could not read the " + api + " v" + version + " response from "
                + node + " for " + call.name() + ": " + e, e));
            return;
        }
        if (call.isDone())
        {
            finish(call);
        }
        else if (retry != null)
        {
            retry(call, retry, client.clock().nowMs());
        }
        else if (call.takeNextStep())
        {
            call.nextAttemptMs = client.clock().nowMs();
            waiting.add(call);
        }
        else
        {
            fail(call, new IllegalStateException(call + " handled a response, has futures outstanding and gave no error to retry with"));
        }
    }

    private void onFailure(final AdminCall call, final Node node, final OspreyException failure)
    {
        if (!inFlight.remove(call))
        {
            return;
        }
        final long nowMs = client.clock().nowMs();
        if (failure instanceof UnsupportedVersionException unsupported && call.onUnsupportedVersion(unsupported))
        {
            LOG.debug("{} cannot take {}; {} retries with {}", node, failure.getMessage(), call.name(), call.api());
            call.nextAttemptMs = nowMs;
            waiting.add(call);
            return;
        }
        if (!failure.retriable())
        {
            fail(call, failure);
            return;
        }
        if (failure instanceof DisconnectException && call.target().kind() != CallTarget.Kind.LEAST_LOADED)
        {
            // The node may have left the cluster or handed the controller role on.
            maybeRequestMetadata();
        }
        call.onRetriableFailure(failure);
        retry(call, failure, nowMs);
    }

    private void retry(final AdminCall call, final OspreyException error, final long nowMs)
    {
        call.lastError = error;
        call.failures++;
        if (call.failures > retries)
        {
            LOG.debug("{} failed and has used its {} retries", call, retries);
            fail(call, error);
            return;
        }
        if (nowMs >= call.deadlineMs())
        {
            failTimedOut(call, nowMs);
            return;
        }
        if (error.errorCode() == ErrorCode.NOT_CONTROLLER)
        {
            call.awaitMetadataAbove = metadata.requestUpdate();
        }
        final long backoffMs = backoff.backoffMs(call.failures - 1, random);
        call.nextAttemptMs = nowMs + backoffMs;
        LOG.debug("{} failed ({}); retrying in {} ms", call, error.getMessage(), backoffMs);
        waiting.add(call);
    }

    private void failTimedOut(final AdminCall call, final long nowMs)
    {
        final OspreyException last = call.lastError;
        String why = "";
        if (call.unsentBecause != null)
        {
            why += "; it could not be sent: " + call.unsentBecause;
        }
        if (last != null)
        {
            why += "; the last attempt failed with " + last.errorCode() + ": " + last.getMessage();
        }
        final RequestTimeoutException timeout = new RequestTimeoutException(call.name() + " timed out after " + (nowMs - call.createdMs())
            + " ms and " + call.failures + " failed attempt(s)" + why);
        if (last != null)
        {
            timeout.initCause(last);
        }
        fail(call, timeout);
    }

    private void fail(final AdminCall call, final Throwable error)
    {
        call.fail(error);
        finish(call);
    }

    private void finish(final AdminCall call)
    {
        if (!call.finished)
        {
            call.finished = true;
            onFinished.run();
        }
    }
}
