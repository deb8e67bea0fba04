package io.osprey.group;

/**
 * A committed offset as the coordinator caches it and as {@code OffsetCommitValue} stores it.
 *
 * @param offset            the next offset the group will consume
 * @param leaderEpoch       leader epoch of the last consumed record, or -1
 * @param metadata          client metadata string (never null: Kafka stores "" for none)
 * @param commitTimestampMs when the coordinator accepted the commit
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs)
{
    public CommittedOffset
    {
        metadata = metadata == null ? "" : metadata;
    }
}
