package io.osprey.producer;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future {@code send} returns: one per record (Kafka's {@code FutureRecordMetadata}),
 * holding only what is needed to make its {@link RecordMetadata} once the batch's shared
 * {@link BatchResult} is known. Cannot be cancelled. Thread-safe: its fields are final and the
 * result is published by a latch.
 */
final class ProduceFuture implements Future<RecordMetadata>
{
    private final BatchResult result;
    private final int relativeOffset;
    private final long createTimestamp;
    private final int serializedKeySize;
    private final int serializedValueSize;
    final Callback callback;

    ProduceFuture(final BatchResult result, final int relativeOffset, final long createTimestamp, final int serializedKeySize,
        final int serializedValueSize, final Callback callback)
    {
        this.result = result;
        this.relativeOffset = relativeOffset;
        this.createTimestamp = createTimestamp;
        this.serializedKeySize = serializedKeySize;
        this.serializedValueSize = serializedValueSize;
        this.callback = callback;
    }

    @Override
    public boolean cancel(final boolean mayInterruptIfRunning)
    {
        return false;
    }

    @Override
    public boolean isCancelled()
    {
        return false;
    }

    @Override
    public boolean isDone()
    {
        return result.isDone();
    }

    @Override
    public RecordMetadata get() throws InterruptedException, ExecutionException
    {
        result.await();
        return valueOrThrow();
    }

    @Override
    public RecordMetadata get(final long timeout, final TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException
    {
        if (!result.await(timeout, unit))
        {
            throw new TimeoutException("Timeout after waiting for " + TimeUnit.MILLISECONDS.convert(timeout, unit) + " ms.");
        }
        return valueOrThrow();
    }

    private RecordMetadata valueOrThrow() throws ExecutionException
    {
        if (result.error() != null)
        {
            throw new ExecutionException(result.error());
        }
        return metadata();
    }

    /** Where the record went: its offset is the batch's base plus its index, when the base is known. */
    RecordMetadata metadata()
    {
        final long base = result.baseOffset();
        final long logAppendTime = result.logAppendTimeMs();
        return new RecordMetadata(result.partition.topic(), result.partition.partition(),
            base == RecordMetadata.UNKNOWN ? RecordMetadata.UNKNOWN : base + relativeOffset,
            logAppendTime == RecordMetadata.UNKNOWN ? createTimestamp : logAppendTime, serializedKeySize, serializedValueSize);
    }

    /** What a callback gets on failure: only the topic and partition, as in Kafka. */
    RecordMetadata failedMetadata()
    {
        return new RecordMetadata(result.partition.topic(), result.partition.partition(), RecordMetadata.UNKNOWN, RecordMetadata.UNKNOWN,
            -1, -1);
    }
}
