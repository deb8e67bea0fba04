package io.osprey.producer;

import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A Kafka-style producer: records go out in batches per partition, asynchronously, and each
 * {@link #send} returns a future of where its record was written. Implementations are
 * thread-safe: many threads may share one, which batches better than one each.
 */
public interface Producer<K, V> extends Closeable
{
    /** As {@link #send(ProducerRecord, Callback)} without a callback. */
    Future<RecordMetadata> send(ProducerRecord<K, V> record);

    /**
     * Serializes the record, picks its partition and adds it to that partition's batch; returns
     * once it is buffered. Blocks only to wait for the topic's metadata or for buffer memory,
     * each at most {@code max.block.ms}.
     *
     * @param callback told the outcome on the producer's I/O thread; may be null
     * @throws ProducerTimeoutException when metadata or memory did not come within max.block.ms
     * @throws IllegalStateException    after {@link #close}
     */
    Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback);

    /**
     * Makes every buffered record sendable at once and waits until each has succeeded or
     * failed. Records sent concurrently with the flush may or may not be waited for.
     */
    void flush();

    /** The partitions of {@code topic}, waiting up to {@code max.block.ms} for its metadata. */
    List<PartitionInfo> partitionsFor(String topic);

    /** Sends everything buffered and waits for the outcomes, however long that takes, then frees resources. */
    @Override
    void close();

    /**
     * As {@link #close()} but waits at most {@code timeout}; records still unsent then fail.
     * {@link Duration#ZERO} fails every buffered record at once.
     */
    void close(Duration timeout);
}
