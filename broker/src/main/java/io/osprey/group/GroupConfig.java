package io.osprey.group;

import io.osprey.config.BrokerConfig;

/**
 * The group coordinator's settings, from the broker keys of the same names.
 *
 * @param minSessionTimeoutMs           {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs           {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs       {@code group.initial.rebalance.delay.ms}
 * @param maxSize                       {@code group.max.size}
 * @param offsetsRetentionMs            {@code offsets.retention.minutes} in ms
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes        longest metadata string of a committed offset (Kafka's
 *                                      {@code offset.metadata.max.bytes} default)
 * @param offsetsTopicNumPartitions     {@code offsets.topic.num.partitions}, used when creating the topic
 * @param offsetsTopicReplicationFactor {@code offsets.topic.replication.factor}
 * @param offsetsTopicSegmentBytes      {@code offsets.topic.segment.bytes}
 * @param offsetsCommitTimeoutMs        {@code offsets.commit.timeout.ms}: how long a commit waits for the
 *                                      offsets topic's in-sync replicas
 */
public record GroupConfig(
    int minSessionTimeoutMs,
    int maxSessionTimeoutMs,
    int initialRebalanceDelayMs,
    int maxSize,
    long offsetsRetentionMs,
    long offsetsRetentionCheckIntervalMs,
    int offsetMetadataMaxBytes,
    int offsetsTopicNumPartitions,
    short offsetsTopicReplicationFactor,
    int offsetsTopicSegmentBytes,
    int offsetsCommitTimeoutMs)
{
    /** Kafka's default {@code offset.metadata.max.bytes}: a commit's metadata string is a note, not a payload. */
    public static final int OFFSET_METADATA_MAX_BYTES = 4096;

    public static GroupConfig from(final BrokerConfig config)
    {
        return new GroupConfig(config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(),
            config.groupInitialRebalanceDelayMs(), config.groupMaxSize(), config.offsetsRetentionMs(),
            config.offsetsRetentionCheckIntervalMs(), OFFSET_METADATA_MAX_BYTES, config.offsetsTopicNumPartitions(),
            config.offsetsTopicReplicationFactor(), config.offsetsTopicSegmentBytes(), config.offsetsCommitTimeoutMs());
    }
}
