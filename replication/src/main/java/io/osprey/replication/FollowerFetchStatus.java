package io.osprey.replication;

import io.osprey.common.ErrorCode;

/**
 * What the leader makes of one partition of a follower's Fetch, in the order Kafka checks:
 * leader epoch, replica membership, divergence, offset range. Only {@link #ACCEPTED} updates the
 * follower's position; {@link #DIVERGING} is answered without records but with the leader's
 * (epoch, end offset) for the follower's last fetched epoch, which the follower truncates to.
 */
public enum FollowerFetchStatus
{
    /** The follower's position was recorded; read from the fetch offset up to the log end. */
    ACCEPTED(ErrorCode.NONE),
    /** The follower's log holds records this leader does not: answer with the diverging epoch. */
    DIVERGING(ErrorCode.NONE),
    /** The follower's leader epoch is older than the leader's. */
    FENCED_LEADER_EPOCH(ErrorCode.FENCED_LEADER_EPOCH),
    /** The follower's leader epoch is newer, or it is not (yet) an assigned replica although its epoch matches. */
    UNKNOWN_LEADER_EPOCH(ErrorCode.UNKNOWN_LEADER_EPOCH),
    /** Not an assigned replica and no leader epoch in the request. */
    NOT_LEADER_OR_FOLLOWER(ErrorCode.NOT_LEADER_OR_FOLLOWER),
    /** The fetch offset is past the leader's log end and no epoch tells where the logs diverge. */
    OFFSET_OUT_OF_RANGE(ErrorCode.OFFSET_OUT_OF_RANGE);

    private final ErrorCode errorCode;

    FollowerFetchStatus(final ErrorCode errorCode)
    {
        this.errorCode = errorCode;
    }

    /** The partition error code for the Fetch response. */
    public ErrorCode errorCode()
    {
        return errorCode;
    }
}
