package io.osprey.admin;

import java.util.Locale;

/**
 * Where an admin call's request goes. Immutable.
 *
 * @param brokerId the broker for {@link Kind#BROKER}; -1 otherwise
 */
record CallTarget(Kind kind, int brokerId)
{
    /** How the node is chosen when the request is about to be sent. */
    enum Kind
    {
        /** Any broker: the one with the fewest requests outstanding (listTopics, describeConfigs of a topic). */
        LEAST_LOADED,
        /** The node the last metadata names as controller (createTopics, deleteTopics, createPartitions). */
        CONTROLLER,
        /** One broker by id (its own configs). */
        BROKER
    }

    static final CallTarget LEAST_LOADED = new CallTarget(Kind.LEAST_LOADED, -1);
    static final CallTarget CONTROLLER = new CallTarget(Kind.CONTROLLER, -1);

    static CallTarget broker(final int brokerId)
    {
        return new CallTarget(Kind.BROKER, brokerId);
    }

    @Override
    public String toString()
    {
        return kind == Kind.BROKER ? "broker " + brokerId : kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
