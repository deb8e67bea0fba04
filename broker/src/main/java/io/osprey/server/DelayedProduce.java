package io.osprey.server;

import java.util.function.Consumer;

import io.netty.util.Timeout;
import io.osprey.common.ErrorCode;

/**
 * An {@code acks=all} write (or an offset commit) appended by the leader and waiting for the
 * high watermark to pass its last offset: the produce purgatory. The partition completes it
 * when followers' fetches move the high watermark (NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND
 * when the ISR shrank below {@code min.insync.replicas} meanwhile), when it stops leading
 * (NOT_LEADER_OR_FOLLOWER), or the timer does at the request's timeout (REQUEST_TIMED_OUT).
 * Exactly one of them does: the partition removes it from its list under its lock first.
 */
final class DelayedProduce
{
    final long lastOffset;
    private final Consumer<ErrorCode> callback;
    volatile Timeout timeout;
    ErrorCode result;

    DelayedProduce(final long lastOffset, final Consumer<ErrorCode> callback)
    {
        this.lastOffset = lastOffset;
        this.callback = callback;
    }

    /** Runs the callback with {@link #result}; outside the partition's lock. */
    void complete()
    {
        final Timeout t = timeout;
        if (t != null)
        {
            t.cancel();
        }
        callback.accept(result);
    }
}
