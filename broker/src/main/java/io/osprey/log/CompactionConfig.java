package io.osprey.log;

/**
 * Per-partition compaction and cleanup settings, with Kafka's topic-level key names and defaults.
 *
 * @param deletePolicy           {@code cleanup.policy} includes delete: retention by time and size applies
 *                               (a compact-only log keeps its segments; the cleaner shrinks them instead)
 * @param deleteRetentionMs      {@code delete.retention.ms}: how long a tombstone survives once it has been
 *                               through one cleaning, measured from that cleaning (the delete horizon the
 *                               cleaner stores in the batch, as KIP-534), not from the record's timestamp
 * @param minCompactionLagMs     {@code min.compaction.lag.ms}: a segment whose newest record is younger is not cleaned
 * @param maxCompactionLagMs     {@code max.compaction.lag.ms}: a log whose oldest dirty segment is older is
 *                               cleaned whatever its dirty ratio
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: dirty bytes over cleanable bytes that make
 *                               the log eligible for cleaning
 */
public record CompactionConfig(
    boolean deletePolicy,
    long deleteRetentionMs,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio)
{
    public static final long DEFAULT_DELETE_RETENTION_MS = 24L * 60 * 60 * 1000;
    public static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;

    /** Kafka's defaults, with the delete policy on (as {@code cleanup.policy=delete} or {@code compact,delete}). */
    public static final CompactionConfig DEFAULT = new CompactionConfig(true, DEFAULT_DELETE_RETENTION_MS, 0,
        Long.MAX_VALUE, DEFAULT_MIN_CLEANABLE_DIRTY_RATIO);

    public CompactionConfig
    {
        if (deleteRetentionMs < 0 || minCompactionLagMs < 0 || maxCompactionLagMs < 1)
        {
            throw new IllegalArgumentException("invalid compaction config " + deleteRetentionMs + "/" + minCompactionLagMs +
                "/" + maxCompactionLagMs);
        }
        if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1))
        {
            throw new IllegalArgumentException("min.cleanable.dirty.ratio must be in [0, 1]: " + minCleanableDirtyRatio);
        }
    }

    public CompactionConfig withDeletePolicy(final boolean v)
    {
        return new CompactionConfig(v, deleteRetentionMs, minCompactionLagMs, maxCompactionLagMs, minCleanableDirtyRatio);
    }

    public CompactionConfig withDeleteRetentionMs(final long v)
    {
        return new CompactionConfig(deletePolicy, v, minCompactionLagMs, maxCompactionLagMs, minCleanableDirtyRatio);
    }

    public CompactionConfig withMinCompactionLagMs(final long v)
    {
        return new CompactionConfig(deletePolicy, deleteRetentionMs, v, maxCompactionLagMs, minCleanableDirtyRatio);
    }

    public CompactionConfig withMaxCompactionLagMs(final long v)
    {
        return new CompactionConfig(deletePolicy, deleteRetentionMs, minCompactionLagMs, v, minCleanableDirtyRatio);
    }

    public CompactionConfig withMinCleanableDirtyRatio(final double v)
    {
        return new CompactionConfig(deletePolicy, deleteRetentionMs, minCompactionLagMs, maxCompactionLagMs, v);
    }
}
