package io.osprey.producer;

import java.util.HashSet;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * Ordering without idempotence, as Kafka's {@code guaranteeMessageOrder} with
 * {@code max.in.flight.requests.per.connection=1}: a partition with a batch in flight sends
 * nothing else until it completes, so a retried batch cannot be overtaken (even by a request to
 * a new leader on another connection). Not thread-safe: the sender's I/O thread owns it.
 */
final class PartitionMute implements DrainGate
{
    private final Set<TopicPartition> inFlight = new HashSet<>();

    @Override
    public boolean mayDrain(final ProducerBatch first)
    {
        return !inFlight.contains(first.partition);
    }

    @Override
    public void onDrained(final ProducerBatch batch)
    {
        inFlight.add(batch.partition);
    }

    @Override
    public void onCompleted(final ProducerBatch batch)
    {
        inFlight.remove(batch.partition);
    }
}
