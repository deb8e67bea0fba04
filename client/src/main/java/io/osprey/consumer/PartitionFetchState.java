package io.osprey.consumer;

import io.osprey.common.TopicPartition;

/**
 * The network thread's view of one assigned partition: what generation it fetches for, from
 * which offset, and whether it may fetch now. The fetch offset runs ahead of the application's
 * position by whatever is buffered between them.
 * <p>
 * Not thread-safe: owned by the network thread.
 */
final class PartitionFetchState
{
    enum Status
    {
        /** No position and reset strategy none: nothing to do until the application seeks. */
        AWAITING_SEEK,
        /** A ListOffsets lookup of {@link #reset} is due (when {@link #retryAtMs} has passed). */
        AWAITING_RESET,
        /** The ListOffsets lookup is in flight. */
        RESETTING,
        /** Fetching from {@link #fetchOffset}. */
        FETCHING,
        /** An error was handed to the application; nothing to do until it seeks. */
        FAILED
    }

    final TopicPartition partition;
    long generation = -1;
    Status status = Status.AWAITING_SEEK;
    OffsetResetStrategy reset;
    long fetchOffset = -1;
    boolean paused;
    /** Whether a fetch including this partition is in flight. */
    boolean inFlight;
    /** Bytes of this generation handed to the application and not yet released by it. */
    long bufferedBytes;
    /** No fetch or lookup before this time (backoff after an error). */
    long retryAtMs;
    /** Consecutive errors, for the backoff. */
    int failures;

    PartitionFetchState(final TopicPartition partition)
    {
        this.partition = partition;
    }

    /** Applies a seek or reset of a new generation; anything in flight or buffered for older ones no longer counts. */
    void onPositionCommand(final FetchControl.PositionCommand command)
    {
        generation = command.generation();
        bufferedBytes = 0;
        retryAtMs = 0;
        failures = 0;
        if (command.isSeek())
        {
            fetchOffset = command.offset();
            status = Status.FETCHING;
            reset = null;
        }
        else
        {
            fetchOffset = -1;
            reset = command.reset();
            status = reset == OffsetResetStrategy.NONE ? Status.AWAITING_SEEK : Status.AWAITING_RESET;
        }
    }

    /** Starts a reset by {@code strategy} within the current generation (a position found out of range). */
    void transitionToAwaitingReset(final OffsetResetStrategy strategy)
    {
        reset = strategy;
        status = Status.AWAITING_RESET;
        fetchOffset = -1;
    }

    /** The reset found {@code offset}: fetch from it. */
    void transitionToFetching(final long offset)
    {
        fetchOffset = offset;
        status = Status.FETCHING;
        reset = null;
        failures = 0;
        retryAtMs = 0;
    }

    void transitionToFailed()
    {
        status = Status.FAILED;
    }

    /** Backs off after a retriable error. */
    void onRetriableError(final long nowMs, final long backoffMs)
    {
        failures++;
        retryAtMs = nowMs + backoffMs;
    }

    @Override
    public String toString()
    {
        return partition + "{" + status + ", generation " + generation + ", fetchOffset " + fetchOffset + (paused ? ", paused" : "")
            + (inFlight ? ", in flight" : "") + ", buffered " + bufferedBytes + "}";
    }
}
