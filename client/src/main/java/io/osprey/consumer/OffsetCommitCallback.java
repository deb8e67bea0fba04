package io.osprey.consumer;

import java.util.Map;

import io.osprey.common.TopicPartition;

/**
 * Told the outcome of {@link Consumer#commitAsync}. Runs on the application thread, inside a
 * later {@code poll}, {@code commitSync}, {@code commitAsync} or {@code close}, as Kafka's does.
 */
@FunctionalInterface
public interface OffsetCommitCallback
{
    /**
     * @param offsets   the offsets the commit carried
     * @param exception null on success; else why it failed ({@link CommitFailedException},
     *                  {@link RebalanceInProgressException}, a timeout or a broker error)
     */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
