package io.osprey.producer;

/**
 * Decides whether a partition's first batch may be sent now, for the producer's ordering
 * guarantees, and hears when one is taken and when one finishes. Called by the sender's I/O
 * thread only (the accumulator calls {@link #mayDrain} under a deque's lock, on that thread).
 */
interface DrainGate
{
    /** No ordering constraint: any batch may go (max.in.flight &gt; 1 without idempotence, as in Kafka). */
    DrainGate OPEN = new DrainGate()
    {
        @Override
        public boolean mayDrain(final ProducerBatch first)
        {
            return true;
        }

        @Override
        public void onDrained(final ProducerBatch batch)
        {
        }

        @Override
        public void onCompleted(final ProducerBatch batch)
        {
        }
    };

    /** Whether {@code first}, the oldest batch waiting for its partition, may be sent now. */
    boolean mayDrain(ProducerBatch first);

    /** {@code batch} was taken to be sent: before it is built, so sequence numbers can be stamped. */
    void onDrained(ProducerBatch batch);

    /** An attempt to send {@code batch} ended, whatever the outcome. */
    void onCompleted(ProducerBatch batch);
}
