package io.osprey.server;

import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.osprey.common.TopicPartition;
import io.osprey.log.PartitionLog;
import io.osprey.metrics.TopicMetrics;

/**
 * A partition this node hosts: its log, the log agent that owns it (its single writer), its
 * leader epoch, and the delayed fetches waiting for new data.
 * <p>
 * Leadership and the leader epoch come from the controller's metadata image
 * ({@link PartitionManager#applyImage}); a partition this node hosts but does not lead (its
 * broker fenced, or the partition offline) refuses produce and fetch with
 * NOT_LEADER_OR_FOLLOWER. Until replication lands every partition has one replica, so the high
 * watermark is the log end offset; replication replaces {@link #highWatermark()}.
 * Thread-safety: the log is written only by {@link #agent()}; the rest is safe from any thread.
 */
public final class Partition
{
    private final TopicPartition topicPartition;
    private final UUID topicId;
    private final PartitionLog log;
    private final LogAgent agent;
    private final TopicMetrics metrics;
    private final ConcurrentLinkedQueue<DelayedFetch> waiters = new ConcurrentLinkedQueue<>();
    private volatile int leaderEpoch;
    private volatile boolean leader;
    private volatile boolean deleted;

    public Partition(final TopicPartition topicPartition, final UUID topicId, final PartitionLog log, final LogAgent agent,
        final int leaderEpoch, final TopicMetrics metrics)
    {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.agent = agent;
        this.metrics = metrics;
        this.leaderEpoch = leaderEpoch;
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

    /** Whether the metadata image names this node the partition's leader. */
    public boolean isLeader()
    {
        return leader;
    }

    /** Applies the image's view of this partition; the epoch first, so a reader that sees leader sees its epoch. */
    void updateLeadership(final boolean isLeader, final int epoch)
    {
        this.leaderEpoch = epoch;
        this.leader = isLeader;
    }

    /** Consumers read below this offset. */
    public long highWatermark()
    {
        return log.logEndOffset();
    }

    public boolean isDeleted()
    {
        return deleted;
    }

    void markDeleted()
    {
        deleted = true;
        onNewData();
    }

    void addWaiter(final DelayedFetch fetch)
    {
        waiters.add(fetch);
    }

    void removeWaiter(final DelayedFetch fetch)
    {
        waiters.remove(fetch);
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
}
