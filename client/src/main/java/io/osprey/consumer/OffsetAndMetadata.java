package io.osprey.consumer;

import java.util.Objects;
import java.util.Optional;

/**
 * An offset to commit (or a committed one): the offset of the next record to consume, with the
 * leader epoch of the last record consumed if known and an optional metadata string, as Kafka's
 * {@code OffsetAndMetadata}. Immutable.
 */
public final class OffsetAndMetadata
{
    private final long offset;
    private final Optional<Integer> leaderEpoch;
    private final String metadata;

    public OffsetAndMetadata(final long offset, final Optional<Integer> leaderEpoch, final String metadata)
    {
        if (offset < 0)
        {
            throw new IllegalArgumentException("Invalid negative offset " + offset);
        }
        this.offset = offset;
        this.leaderEpoch = Objects.requireNonNull(leaderEpoch, "leaderEpoch");
        this.metadata = metadata == null ? "" : metadata;
    }

    public OffsetAndMetadata(final long offset, final String metadata)
    {
        this(offset, Optional.empty(), metadata);
    }

    public OffsetAndMetadata(final long offset)
    {
        this(offset, "");
    }

    public long offset()
    {
        return offset;
    }

    public String metadata()
    {
        return metadata;
    }

    public Optional<Integer> leaderEpoch()
    {
        return leaderEpoch;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof OffsetAndMetadata m && offset == m.offset && leaderEpoch.equals(m.leaderEpoch) && metadata.equals(m.metadata);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(offset, leaderEpoch, metadata);
    }

    @Override
    public String toString()
    {
        return "OffsetAndMetadata{offset=" + offset + ", leaderEpoch=" + leaderEpoch.orElse(null) + ", metadata='" + metadata + "'}";
    }
}
