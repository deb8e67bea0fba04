package io.osprey.consumer;

import java.util.Collection;

import io.osprey.common.TopicPartition;

/**
 * Told when a group rebalance takes partitions from, or gives partitions to, this consumer, as
 * Kafka's {@code ConsumerRebalanceListener}. Every callback runs on the application thread,
 * inside {@link Consumer#poll} (or {@code close} / {@code unsubscribe}), never on the network
 * thread, so a callback may call the consumer (commitSync, seek, position).
 * <p>
 * Order: with the eager protocol (range, roundrobin) every owned partition is revoked before the
 * consumer rejoins, then {@link #onPartitionsAssigned} gets the new assignment. With the
 * cooperative protocol (cooperative-sticky) only partitions that move away are revoked, after
 * the rebalance, and {@link #onPartitionsAssigned} gets only the partitions added.
 * {@link #onPartitionsAssigned} is called once after every rebalance, possibly with an empty
 * collection; {@link #onPartitionsRevoked} before every eager rejoin once the consumer has been
 * a member (possibly empty), and in the cooperative protocol only with a non-empty collection.
 * A callback's exception is logged and thrown from the {@code poll} that ran it, after the
 * rebalance step completed.
 */
public interface ConsumerRebalanceListener
{
    /** The consumer gives these partitions up; commit their offsets here when committing by hand. */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** The consumer now owns these partitions; positions not set here come from committed offsets, else auto.offset.reset. */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * The consumer lost these partitions without giving them up (its membership expired, or it
     * was fenced): another member may own them already, so committing their offsets would fail.
     * Defaults to {@link #onPartitionsRevoked}, as Kafka's does.
     */
    default void onPartitionsLost(final Collection<TopicPartition> partitions)
    {
        onPartitionsRevoked(partitions);
    }
}
