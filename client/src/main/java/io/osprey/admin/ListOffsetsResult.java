package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#listOffsets}, one future per partition. Thread-safe; the futures
 * complete on the admin client's I/O thread: callbacks attached to them must not block.
 */
public final class ListOffsetsResult
{
    /**
     * What ListOffsets found for one partition: the offset (-1 when a time lookup found no record
     * at or after the time), the record's timestamp (-1 for the log start and end) and the
     * leader epoch of that offset, if the broker gave one. Immutable.
     */
    public static final class ListOffsetsResultInfo
    {
        private final long offset;
        private final long timestamp;
        private final Optional<Integer> leaderEpoch;

        public ListOffsetsResultInfo(final long offset, final long timestamp, final Optional<Integer> leaderEpoch)
        {
            this.offset = offset;
            this.timestamp = timestamp;
            this.leaderEpoch = Objects.requireNonNull(leaderEpoch, "leaderEpoch");
        }

        public long offset()
        {
            return offset;
        }

        public long timestamp()
        {
            return timestamp;
        }

        public Optional<Integer> leaderEpoch()
        {
            return leaderEpoch;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof ListOffsetsResultInfo other && offset == other.offset && timestamp == other.timestamp
                && leaderEpoch.equals(other.leaderEpoch);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(offset, timestamp, leaderEpoch);
        }

        @Override
        public String toString()
        {
            return "ListOffsetsResultInfo(offset=" + offset + ", timestamp=" + timestamp + ", leaderEpoch=" + leaderEpoch + ")";
        }
    }

    private final Map<TopicPartition, CompletableFuture<ListOffsetsResultInfo>> futures;

    ListOffsetsResult(final Map<TopicPartition, CompletableFuture<ListOffsetsResultInfo>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    /** The outcome for one partition of the request. */
    public CompletableFuture<ListOffsetsResultInfo> partitionResult(final TopicPartition partition)
    {
        final CompletableFuture<ListOffsetsResultInfo> future = futures.get(partition);
        if (future == null)
        {
            throw new IllegalArgumentException("List Offsets for partition \"" + partition + "\" was not attempted");
        }
        return future;
    }

    /** Every partition's answer once all succeed; else fails with the first failure. */
    public CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> all()
    {
        return Futures.allValues(futures);
    }
}
