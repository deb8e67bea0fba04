package io.osprey.consumer;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@link Consumer#offsetsForTimes} for one partition: the earliest offset whose
 * record's timestamp is at or after the time asked for, and that record's timestamp. Immutable.
 */
public final class OffsetAndTimestamp
{
    private final long offset;
    private final long timestamp;
    private final Optional<Integer> leaderEpoch;

    public OffsetAndTimestamp(final long offset, final long timestamp, final Optional<Integer> leaderEpoch)
    {
        if (offset < 0)
        {
            throw new IllegalArgumentException("Invalid negative offset " + offset);
        }
        if (timestamp < 0)
        {
            throw new IllegalArgumentException("Invalid negative timestamp " + timestamp);
        }
        this.offset = offset;
        this.timestamp = timestamp;
        this.leaderEpoch = Objects.requireNonNull(leaderEpoch, "leaderEpoch");
    }

    public OffsetAndTimestamp(final long offset, final long timestamp)
    {
        this(offset, timestamp, Optional.empty());
    }

    public long offset()
    {
        return offset;
    }

    public long timestamp()
    {
        return timestamp;
    }

    /** The leader epoch of the record found, when the broker said. */
    public Optional<Integer> leaderEpoch()
    {
        return leaderEpoch;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof OffsetAndTimestamp other && offset == other.offset && timestamp == other.timestamp
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
        return "(timestamp=" + timestamp + ", leaderEpoch=" + leaderEpoch.orElse(null) + ", offset=" + offset + ")";
    }
}
