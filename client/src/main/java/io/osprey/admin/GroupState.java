package io.osprey.admin;

import java.util.Locale;

/**
 * The state of a consumer group as its coordinator reports it, named as in Kafka's
 * {@code org.apache.kafka.common.GroupState}. {@link #toString()} gives the wire spelling
 * ("PreparingRebalance"), which is what ListGroups filters on and DescribeGroups returns.
 */
public enum GroupState
{
    UNKNOWN("Unknown"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead"),
    EMPTY("Empty"),
    ASSIGNING("Assigning"),
    RECONCILING("Reconciling"),
    NOT_READY("NotReady");

    private final String wireName;

    GroupState(final String wireName)
    {
        this.wireName = wireName;
    }

    /**
     * The state for a wire name, or a constant name, ignoring case ("stable", "Stable",
     * "PREPARING_REBALANCE", "preparingrebalance"); {@link #UNKNOWN} for anything else, as Kafka's
     * {@code parse} does.
     */
    public static GroupState parse(final String name)
    {
        if (name == null)
        {
            return UNKNOWN;
        }
        final String squashed = name.replace("_", "").toLowerCase(Locale.ROOT);
        for (final GroupState state : values())
        {
            if (state.wireName.toLowerCase(Locale.ROOT).equals(squashed))
            {
                return state;
            }
        }
        return UNKNOWN;
    }

    @Override
    public String toString()
    {
        return wireName;
    }
}
