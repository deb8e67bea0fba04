package io.osprey.controller;

/** Every bound the controller enforces, with the reason for the number. */
public final class ControllerLimits
{
    /** Kafka's limit: a topic name becomes a directory name with a partition suffix, and 255 is the usual file-name limit. */
    public static final int TOPIC_NAME_LENGTH_MAX = 249;

    /** Keeps one CreateTopics or CreatePartitions from producing an unbounded batch of records. */
    public static final int PARTITIONS_PER_TOPIC_MAX = 10_000;

    /** Producer ids handed out per AllocateProducerIds, as in Kafka: rare round trips, little waste on restart. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1_000;

    private ControllerLimits()
    {
    }
}
