package io.osprey.admin;

import io.osprey.common.OspreyException;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One admin operation in progress: the request it sends, what it makes of the response, and
 * the futures it completes. A call may take several attempts; each sends one request for what
 * is still outstanding (the topics not yet answered, say).
 * <p>
 * Not thread-safe. Built on the caller's thread, then handed to the admin I/O thread, which
 * alone calls its methods and changes the attempt fields; the hand-off through the runner's
 * concurrent inbox publishes the built state. Only {@link #fail} may also run on a caller's
 * thread, for a call that never reached the I/O thread.
 */
abstract class AdminCall
{
    private final String name;
    private final long createdMs;
    private final long deadlineMs;

    /** Failed attempts so far. I/O thread only, as are the fields below. */
    int failures;
    /** Not sent again before this time: the retry backoff. */
    long nextAttemptMs;
    /** Not sent again until the metadata version exceeds this (after NOT_CONTROLLER); -1 when no wait. */
    int awaitMetadataAbove = -1;
    /** Why the last attempt failed, for the timeout's message; null before any failure. */
    OspreyException lastError;
    /** Why the call could not be sent when it last tried, for the timeout's message; null once sent. */
    String unsentBecause;
    /** Set once when the call leaves the scheduler, so it is counted out exactly once. */
    boolean finished;

    /**
     * @param name       the admin method, for messages ("createTopics")
     * @param createdMs  when the caller made the call, on the client clock
     * @param deadlineMs when its futures fail with a timeout if still not complete
     */
    AdminCall(final String name, final long createdMs, final long deadlineMs)
    {
        this.name = name;
        this.createdMs = createdMs;
        this.deadlineMs = deadlineMs;
        this.nextAttemptMs = createdMs;
    }

    final String name()
    {
        return name;
    }

    final long createdMs()
    {
        return createdMs;
    }

    final long deadlineMs()
    {
        return deadlineMs;
    }

    /** Where the next attempt goes. */
    abstract CallTarget target();

    /** The API of the next attempt. */
    abstract ApiKey api();

    /**
     * The request for what is still outstanding, at the version the connection settled on.
     *
     * @param timeoutMs what is left of the call's time, for requests that carry a broker-side timeout
     * @throws UnsupportedVersionException when the request cannot be expressed at {@code version}
     */
    abstract Message request(short version, int timeoutMs);

    /**
     * Completes the futures the response answers.
     *
     * @param api the API the request was sent with
     * @return null when every future is complete; else the retriable error to retry the rest after
     */
    abstract OspreyException onResponse(ApiKey api, short version, ProtocolReader body);

    /** Fails every future not yet complete. */
    abstract void fail(Throwable error);

    /** Whether every future is complete. */
    abstract boolean isDone();

    /** For calls with a future per key: fails every one still outstanding and forgets them. */
    static void failAll(final Map<?, ? extends CompletableFuture<?>> outstanding, final Throwable error)
    {
        for (final CompletableFuture<?> future : outstanding.values())
        {
            future.completeExceptionally(error);
        }
        outstanding.clear();
    }

    /**
     * The broker cannot take {@link #api()} at any version both sides know. A call that has
     * another way (DescribeCluster through Metadata) switches to it and returns true to be
     * retried at once; the others return false and fail with {@code e}.
     */
    boolean onUnsupportedVersion(final UnsupportedVersionException e)
    {
        return false;
    }

    /**
     * Whether the response just handled moved the call on to its next request (a group call
     * that found its coordinator, a lookup that found the partition leaders) rather than
     * failing: such a call is sent again at once, not counted as a failure. Consumes the step.
     */
    boolean takeNextStep()
    {
        return false;
    }

    /**
     * The last attempt failed on the way (disconnect, request timeout) and will be retried: a
     * call bound to a node found by an earlier step (a group's coordinator) forgets it here so
     * that the retry looks it up again.
     */
    void onRetriableFailure(final OspreyException failure)
    {
    }

    @Override
    public String toString()
    {
        return name + "(" + api() + " to " + target() + ", failures " + failures + ")";
    }
}
