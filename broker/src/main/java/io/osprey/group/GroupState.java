package io.osprey.group;

/**
 * The states of a classic group, named as Kafka names them (the names appear in ListGroups,
 * DescribeGroups and Kafka's tools).
 * <ul>
 *   <li>{@link #EMPTY}: no members; offsets may still be committed (and expire).</li>
 *   <li>{@link #PREPARING_REBALANCE}: members are (re)joining; the join phase ends when every
 *       known member has rejoined or the rebalance timeout passes.</li>
 *   <li>{@link #COMPLETING_REBALANCE}: join responses are out; waiting for the leader's assignment.</li>
 *   <li>{@link #STABLE}: the assignment is stored and handed out.</li>
 *   <li>{@link #DEAD}: deleted or expired; the group object is about to be dropped.</li>
 * </ul>
 */
public enum GroupState
{
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(final String kafkaName)
    {
        this.kafkaName = kafkaName;
    }

    /** The name Kafka's protocol and tools use, e.g. {@code PreparingRebalance}. */
    public String kafkaName()
    {
        return kafkaName;
    }

    /** Whether a group may move from this state to {@code next} (Kafka's classic group transitions). */
    boolean canTransitionTo(final GroupState next)
    {
        return switch (next)
        {
            case EMPTY -> this == PREPARING_REBALANCE;
            case PREPARING_REBALANCE -> this == STABLE || this == COMPLETING_REBALANCE || this == EMPTY;
            case COMPLETING_REBALANCE -> this == PREPARING_REBALANCE;
            case STABLE -> this == COMPLETING_REBALANCE;
            case DEAD -> true;
        };
    }
}
