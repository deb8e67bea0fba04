package io.osprey.replication;

/**
 * What a leader knows about one follower of one partition, learned from its fetches: its log
 * end offset (the fetch offset), when it last fetched, and when it was last caught up. Updated
 * in place on every fetch, so the fetch path allocates nothing.
 * <p>
 * "Caught up" is Kafka's definition ({@code Replica.updateFetchState}): a fetch at or past the
 * leader's log end makes the follower caught up as of that fetch; a fetch at or past the
 * leader's log end <em>as of the previous fetch</em> makes it caught up as of the previous
 * fetch. A follower that keeps fetching everything there was when it last asked is therefore in
 * sync even while producers keep the leader's end moving.
 * <p>
 * Not thread-safe: owned with its {@link LeaderReplicaState}.
 */
public final class ReplicaProgress
{
    /** A log end offset or fetch position not learned yet in this leader epoch. */
    public static final long UNKNOWN_OFFSET = -1L;

    /** A broker epoch not sent by the follower (or not learned yet). */
    public static final long UNKNOWN_BROKER_EPOCH = -1L;

    private final int brokerId;
    private long brokerEpoch = UNKNOWN_BROKER_EPOCH;
    private long logEndOffset = UNKNOWN_OFFSET;
    private long lastFetchTimeMs;
    private long lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
    private long lastCaughtUpTimeMs;
    private long logStartOffset = UNKNOWN_OFFSET;
    boolean inIsr;
    boolean inPendingIsr;

    /**
     * A follower as a newly elected leader sees it (Kafka's {@code resetReplicaState} for a new
     * leader): position unknown, and caught up "now" if it is in the ISR, so an in-sync follower
     * gets a full {@code replica.lag.time.max.ms} to fetch before it is proposed out; never, if it
     * is not, so it cannot hold the high watermark before it fetches.
     */
    ReplicaProgress(final int brokerId, final boolean inIsr, final long nowMs)
    {
        this.brokerId = brokerId;
        this.inIsr = inIsr;
        this.lastCaughtUpTimeMs = inIsr ? nowMs : 0L;
    }

    public int brokerId()
    {
        return brokerId;
    }

    /**
     * The follower's broker epoch (its registration: a restart gets a new one) as of its last
     * accepted fetch, or {@link #UNKNOWN_BROKER_EPOCH}. The position was reported by that
     * incarnation; an ISR proposal carries it so the controller can refuse it if the broker has
     * restarted since, possibly losing the records it reported (KIP-903).
     */
    public long brokerEpoch()
    {
        return brokerEpoch;
    }

    /** The follower's log end offset as of its last accepted fetch, or {@link #UNKNOWN_OFFSET}. */
    public long logEndOffset()
    {
        return logEndOffset;
    }

    public long lastFetchTimeMs()
    {
        return lastFetchTimeMs;
    }

    public long lastCaughtUpTimeMs()
    {
        return lastCaughtUpTimeMs;
    }

    /** In the ISR the controller committed. */
    public boolean inIsr()
    {
        return inIsr;
    }

    /** Part of the leader's in-flight ISR proposal (an expansion not committed yet). */
    public boolean inPendingIsr()
    {
        return inPendingIsr;
    }

    /**
     * The follower's log start offset as its last accepted fetch reported it (Fetch v5+), or
     * {@link #UNKNOWN_OFFSET}: what DeleteRecords waits on before it answers.
     */
    public long logStartOffset()
    {
        return logStartOffset;
    }

    /** Records the log start offset a fetch reported (a negative one, from a client that sends none, is ignored). */
    public void onLogStartOffset(final long offset)
    {
        if (offset >= 0)
        {
            logStartOffset = offset;
        }
    }

    void onFetch(final long fetchOffset, final long fetchBrokerEpoch, final long nowMs, final long leaderLogEndOffset)
    {
        brokerEpoch = fetchBrokerEpoch;
        if (fetchOffset >= leaderLogEndOffset)
        {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        }
        else if (fetchOffset >= lastFetchLeaderLogEndOffset && lastFetchLeaderLogEndOffset != UNKNOWN_OFFSET)
        {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        lastFetchLeaderLogEndOffset = leaderLogEndOffset;
        lastFetchTimeMs = nowMs;
    }

    /** Kafka's {@code isCaughtUp}: at the leader's end, or caught up within the last {@code replicaLagTimeMaxMs}. */
    boolean isCaughtUp(final long leaderLogEndOffset, final long nowMs, final long replicaLagTimeMaxMs)
    {
        return logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= replicaLagTimeMaxMs;
    }

    @Override
    public String toString()
    {
        return "ReplicaProgress(broker=" + brokerId + ", brokerEpoch=" + brokerEpoch + ", leo=" + logEndOffset + ", lastFetchMs=" + lastFetchTimeMs
            + ", lastCaughtUpMs=" + lastCaughtUpTimeMs + (inIsr ? ", isr" : "") + (inPendingIsr ? ", pending" : "") + ")";
    }
}
