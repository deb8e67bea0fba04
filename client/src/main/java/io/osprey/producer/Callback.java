package io.osprey.producer;

/**
 * Told the outcome of one {@link Producer#send}, as Kafka's {@code Callback}. Called on the
 * producer's I/O thread, in send order per partition, so it must be quick: a slow callback
 * delays every other send of the producer. An exception it throws is logged and dropped.
 */
@FunctionalInterface
public interface Callback
{
    /**
     * @param metadata  where the record was written; on failure it names only the topic and
     *                  partition (offset and timestamp -1), as Kafka's does
     * @param exception null on success, else why the record was not written (an
     *                  {@link io.osprey.common.OspreyException} carrying the broker's message)
     */
    void onCompletion(RecordMetadata metadata, Exception exception);
}
