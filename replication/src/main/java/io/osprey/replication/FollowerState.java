package io.osprey.replication;

/**
 * One partition's replication state on a follower, for one leader epoch: whom it fetches from,
 * the leader epoch it puts in its fetches, and its high watermark. A new leader epoch is a new
 * instance.
 * <p>
 * The follower fetches from its log end with its latest epoch as the last fetched epoch. When
 * the leader answers with a diverging epoch (or an OffsetForLeaderEpoch answer), the follower
 * truncates where {@link #truncationFor} says and fetches again; the leader checks again, so
 * several rounds may be needed when the follower holds epochs the leader never had (KIP-101,
 * KIP-279, KIP-595's fetch-based truncation). Its high watermark is the leader's, capped at its
 * own log end.
 * <p>
 * Not thread-safe: owned by the partition's log agent (the fetcher hands it responses).
 */
public final class FollowerState
{
    /**
     * Where to truncate: the new log end offset, and whether the logs are known to agree below
     * it ({@code complete}). When not complete, the follower truncates and asks again with the
     * epoch its log now ends with.
     */
    public record Truncation(long offset, boolean complete)
    {
    }

    private final int leaderId;
    private final int leaderEpoch;
    private long highWatermark;

    /**
     * @param highWatermark the high watermark the broker had (checkpoint or previous role), capped at {@code logEndOffset}
     */
    public FollowerState(final int leaderId, final int leaderEpoch, final long highWatermark, final long logEndOffset)
    {
        this.leaderId = leaderId;
        this.leaderEpoch = leaderEpoch;
        this.highWatermark = Math.max(0L, Math.min(highWatermark, logEndOffset));
    }

    public int leaderId()
    {
        return leaderId;
    }

    /** The current leader epoch fetches carry, so a replaced leader answers FENCED_LEADER_EPOCH. */
    public int leaderEpoch()
    {
        return leaderEpoch;
    }

    public long highWatermark()
    {
        return highWatermark;
    }

    /**
     * A fetch response was applied (records appended, if any): the high watermark becomes the
     * leader's, capped at what this log holds.
     *
     * @return the new high watermark
     */
    public long onFetchResponse(final long leaderHighWatermark, final long logEndOffset)
    {
        highWatermark = Math.max(0L, Math.min(leaderHighWatermark, logEndOffset));
        return highWatermark;
    }

    /** The log was truncated to {@code logEndOffset} (perhaps below the offset asked for: batches go whole). */
    public void onTruncated(final long logEndOffset)
    {
        highWatermark = Math.min(highWatermark, Math.max(0L, logEndOffset));
    }

    /**
     * Where a follower truncates given the leader's (epoch, end offset) for the follower's last
     * fetched epoch, as Kafka's replica fetcher decides it ({@code getOffsetTruncationState}):
     * <ul>
     * <li>the leader has that epoch: truncate to the smaller of the leader's and the follower's
     *     end offsets for it (the records both have in one epoch came from one leader, so they
     *     agree; above the smaller end they do not);</li>
     * <li>the leader answered an older epoch the follower does not have: truncate to the end of
     *     the follower's largest epoch below it and ask again;</li>
     * <li>the follower has no epochs: trust the leader's end offset.</li>
     * </ul>
     * Never above the follower's log end. An undefined leader answer truncates nothing.
     *
     * @param followerEpochCache  the follower's epoch cache, consistent with {@code followerLogEndOffset}
     * @param leaderAnswer        the diverging epoch from a Fetch response, or an OffsetForLeaderEpoch answer
     */
    public static Truncation truncationFor(final LeaderEpochCache followerEpochCache, final long followerLogEndOffset,
        final LeaderEpochCache.EpochEnd leaderAnswer)
    {
        if (leaderAnswer.endOffset() == LeaderEpochCache.UNDEFINED_OFFSET)
        {
            return new Truncation(followerLogEndOffset, true);
        }
        if (leaderAnswer.epoch() == LeaderEpochCache.UNDEFINED_EPOCH)
        {
            return new Truncation(Math.min(leaderAnswer.endOffset(), followerLogEndOffset), true);
        }
        final LeaderEpochCache.EpochEnd own = followerEpochCache.offsetForLeaderEpoch(leaderAnswer.epoch(), followerLogEndOffset);
        if (followerEpochCache.latestEpoch() == LeaderEpochCache.UNDEFINED_EPOCH)
        {
            return new Truncation(Math.min(leaderAnswer.endOffset(), followerLogEndOffset), true);
        }
        if (own.epoch() != leaderAnswer.epoch())
        {
            return new Truncation(Math.min(own.endOffset(), followerLogEndOffset), false);
        }
        return new Truncation(Math.min(Math.min(own.endOffset(), leaderAnswer.endOffset()), followerLogEndOffset), true);
    }

    @Override
    public String toString()
    {
        return "FollowerState(leader=" + leaderId + ", leaderEpoch=" + leaderEpoch + ", hw=" + highWatermark + ")";
    }
}
