package io.osprey.common;

/**
 * Which leader an ElectLeaders request elects, as Kafka's {@code ElectionType}: the preferred
 * (first) replica when it is live and in sync, or, for a partition without a leader, a live
 * replica outside the ISR (unclean: records only the old leader had may be lost).
 */
public enum ElectionType
{
    PREFERRED((byte)0),
    UNCLEAN((byte)1);

    public final byte value;

    ElectionType(final byte value)
    {
        this.value = value;
    }

    /** The type for a wire value. */
    public static ElectionType valueOf(final byte value)
    {
        for (final ElectionType t : values())
        {
            if (t.value == value)
            {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown election type " + value);
    }
}
