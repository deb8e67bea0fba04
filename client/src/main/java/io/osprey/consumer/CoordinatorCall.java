package io.osprey.consumer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.NetworkClient;
import io.osprey.client.RequestBuilder;
import io.osprey.client.ResponseHandler;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;

/**
 * A request to the group coordinator ({@link CommitCall}, {@link CommittedCall}): it waits
 * until the coordinator is known and connected, keeps one request in flight, and on a
 * retriable failure (a disconnect, a timeout) rediscovers the coordinator and sends again after
 * {@code retry.backoff.ms} doubling, until the call's deadline. Subclasses build the request in
 * {@link #send(int)} and judge the response.
 * <p>
 * Thread-safety: see {@link NetworkCall}; everything else runs on the network thread.
 */
abstract class CoordinatorCall<T> extends NetworkCall<T>
{
    /** Decodes a response body of one version. */
    @FunctionalInterface
    interface Reader<R>
    {
        R read(ProtocolReader body, short version);
    }

    final NetworkClient client;
    final ConsumerCoordinator coordinator;
    final String groupId;
    private final ExponentialBackoff backoff;
    private final String requestName;

    private boolean inFlight;
    private long retryAtMs;
    private int failures;
    private volatile String lastProblem;

    /** @param requestName the request's name in problem messages, e.g. {@code OffsetCommit} */
    CoordinatorCall(final NetworkClient client, final ConsumerCoordinator coordinator, final String groupId,
        final ExponentialBackoff backoff, final long deadlineMs, final String requestName)
    {
        super(deadlineMs);
        this.client = client;
        this.coordinator = coordinator;
        this.groupId = groupId;
        this.backoff = backoff;
        this.requestName = requestName;
    }

    @Override
    long poll(final long nowMs)
    {
        if (inFlight)
        {
            return Long.MAX_VALUE;
        }
        if (nowMs < retryAtMs)
        {
            return retryAtMs - nowMs;
        }
        final int node = coordinator.coordinator(nowMs);
        if (node < 0)
        {
            lastProblem = "the group coordinator is not known yet";
            return ConsumerLimits.GROUP_METADATA_WAIT_MS;
        }
        if (!client.ready(node, nowMs))
        {
            if (client.connectionFailed(node))
            {
                coordinator.markCoordinatorUnknown("cannot connect");
            }
            return Math.max(1, client.connectionDelayMs(node, nowMs));
        }
        send(node);
        return Long.MAX_VALUE;
    }

    /**
     * The coordinator {@code node} is ready: send the request with
     * {@link #send(int, ApiKey, RequestBuilder, Reader, Consumer)}, or fail the call.
     */
    abstract void send(int node);

    /** Sends the request; its decoded response goes to {@code onResponse}, a retriable failure to {@link #retry}. */
    final <R> void send(final int node, final ApiKey api, final RequestBuilder request, final Reader<R> reader,
        final Consumer<R> onResponse)
    {
        inFlight = true;
        client.send(node, api, api.latest, request, client.requestTimeoutMs(), ResponseHandler.of((version, body) ->
        {
            final R response = reader.read(body, version);
            inFlight = false;
            onResponse.accept(response);
        }, this::onFailure));
    }

    private void onFailure(final OspreyException failure)
    {
        inFlight = false;
        if (!failure.retriable())
        {
            fail(failure);
            return;
        }
        coordinator.markCoordinatorUnknown(requestName + " failed: " + failure.getMessage());
        retry(failure.errorCode(), requestName + " failed: " + failure.getMessage(), failure);
    }

    /** A retriable failure: send again after the backoff. Overridden by a call that fails instead. */
    void retry(final ErrorCode error, final String problem, final Throwable cause)
    {
        lastProblem = problem;
        retryAtMs = client.clock().nowMs() + backoff.backoffMs(failures++, ThreadLocalRandom.current());
    }

    /** Records why the call is not done yet, for the timeout message. */
    final void problem(final String problem)
    {
        lastProblem = problem;
    }

    @Override
    final String lastProblem()
    {
        return lastProblem;
    }
}
