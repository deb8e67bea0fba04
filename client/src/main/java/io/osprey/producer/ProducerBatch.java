package io.osprey.producer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.TopicPartition;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;

/**
 * One batch of records for one partition, from its first record to its outcome: open for
 * appends in the accumulator, then sealed and built when the sender drains it, then sent
 * (perhaps several times), then completed, when its builder goes back to the pool.
 * <p>
 * Threading: appends and {@link #seal} happen under the lock of the partition's deque in the
 * accumulator (any user thread); everything after sealing happens on the sender's I/O thread
 * only, which is why the sending fields are plain.
 * <p>
 * Idempotence: the producer id, epoch and base sequence are stamped into the batch header when
 * it is first drained, and kept on every resend, so the broker recognises a resend as a
 * duplicate. Only a partition reset ({@link IdempotentSequencer}) gives a batch new ones, by
 * rewriting the header fields and the CRC in place.
 */
final class ProducerBatch
{
    private static final Logger LOG = LoggerFactory.getLogger(ProducerBatch.class);

    final TopicPartition partition;
    final BatchResult result;
    final long createdMs;
    /** Bytes of buffer memory this batch holds, returned to the pool on completion. */
    final int memorySize;
    private final int batchSize;
    private final List<ProduceFuture> futures = new ArrayList<>();

    private RecordBatchBuilder builder;
    private boolean full;
    private boolean sealed;
    private ByteBuffer built;

    // ---- Sender thread only ----
    int attempts;
    long retryAtMs;
    long producerId = RecordBatch.NO_PRODUCER_ID;
    short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    int baseSequence = RecordBatch.NO_SEQUENCE;
    /** Position among the partition's sequenced batches, for ordering retries; -1 until sequenced. */
    long ordinal = -1;
    /** An attempt ended without an answer (disconnect, timeout): the broker may hold this batch already. */
    boolean possiblyWritten;
    /** The last error a send attempt got, for the message when the batch finally fails. */
    RuntimeException lastError;

    ProducerBatch(final TopicPartition partition, final RecordBatchBuilder builder, final int memorySize, final int batchSize,
        final Compression compression, final long firstTimestamp, final long createdMs)
    {
        this.partition = partition;
        this.result = new BatchResult(partition);
        this.builder = builder;
        this.memorySize = memorySize;
        this.batchSize = batchSize;
        this.createdMs = createdMs;
        builder.reset(compression, 0L, firstTimestamp);
    }

    /**
     * Appends a record; under the deque's lock.
     *
     * @return its future, or null when the batch is sealed or has no room left (then it is full)
     */
    ProduceFuture tryAppend(final long timestamp, final byte[] key, final byte[] value, final Header[] headers, final Callback callback)
    {
        if (sealed || full)
        {
            return null;
        }
        if (!builder.append(timestamp, key, value, headers))
        {
            full = true;
            return null;
        }
        final ProduceFuture future = new ProduceFuture(result, futures.size(), timestamp, key == null ? -1 : key.length,
            value == null ? -1 : value.length, callback);
        futures.add(future);
        return future;
    }

    /** Whether the batch takes no more records: one was refused, or it reached batch.size. Under the deque's lock. */
    boolean isFull()
    {
        return full || builder.estimatedSizeInBytes() >= batchSize;
    }

    /** Bytes the batch would take if built now (worst case when compressed). Under the deque's lock. */
    int estimatedSizeInBytes()
    {
        return built != null ? built.remaining() : builder.estimatedSizeInBytes();
    }

    int recordCount()
    {
        return futures.size();
    }

    /** Closes the batch to appends; under the deque's lock, as the sender takes it out. */
    void seal()
    {
        sealed = true;
    }

    boolean isSealed()
    {
        return sealed;
    }

    // ---- Sender thread ----------------------------------------------------------------------

    boolean hasSequence()
    {
        return baseSequence != RecordBatch.NO_SEQUENCE;
    }

    int lastSequence()
    {
        return RecordBatch.incrementSequence(baseSequence, recordCount() - 1);
    }

    /** Stamps idempotence fields before the first build; {@link #rewriteProducerState} after it. */
    void assignSequence(final long producerId, final short epoch, final int baseSequence, final long ordinal)
    {
        this.producerId = producerId;
        this.producerEpoch = epoch;
        this.baseSequence = baseSequence;
        this.ordinal = ordinal;
        if (built != null)
        {
            rewriteProducerState();
        }
    }

    /**
     * The batch's bytes, built (compressed, header and CRC written) on first use. The buffer is
     * the builder's own, so it is valid until {@link #complete}; the network client copies it
     * into the request when the request is written.
     */
    ByteBuffer records()
    {
        if (built == null)
        {
            if (producerId != RecordBatch.NO_PRODUCER_ID)
            {
                builder.producer(producerId, producerEpoch, baseSequence);
            }
            built = builder.build();
        }
        return built;
    }

    /** New epoch and sequence in the header of a built batch, and the CRC that covers them. */
    private void rewriteProducerState()
    {
        built.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        built.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        built.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        new RecordBatch(built, 0).updateChecksum();
    }

    /**
     * Records the outcome, runs the callbacks in record order, then releases the futures'
     * waiters (Kafka's order, so that a thread woken by {@code get()} sees the callbacks' effects).
     *
     * @return the builder, for the caller to give back to the pool; null if already completed
     */
    RecordBatchBuilder complete(final long baseOffset, final long logAppendTimeMs, final RuntimeException error)
    {
        if (builder == null)
        {
            return null;
        }
        result.set(baseOffset, logAppendTimeMs, error);
        for (final ProduceFuture future : futures)
        {
            if (future.callback == null)
            {
                continue;
            }
            try
            {
                if (error == null)
                {
                    future.callback.onCompletion(future.metadata(), null);
                }
                else
                {
                    future.callback.onCompletion(future.failedMetadata(), error);
                }
            }
            catch (final RuntimeException e)
            {
                LOG.error("Error executing user-provided callback on message for topic-partition '{}'", partition, e);
            }
        }
        result.done();
        final RecordBatchBuilder released = builder;
        builder = null;
        built = null;
        return released;
    }

    boolean isCompleted()
    {
        return builder == null;
    }

    @Override
    public String toString()
    {
        return "ProducerBatch(" + partition + ", " + futures.size() + " records" + (hasSequence() ? ", epoch " + producerEpoch
            + ", sequence " + baseSequence : "") + ", attempts " + attempts + ")";
    }
}
