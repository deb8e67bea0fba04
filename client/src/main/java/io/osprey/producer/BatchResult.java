package io.osprey.producer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.osprey.common.TopicPartition;

/**
 * The outcome of one batch, shared by the futures of its records: the base offset and
 * log-append time the broker answered, or the exception it failed with. Set once, by the I/O
 * thread, then published by the latch; any thread may wait on it and read it after.
 */
final class BatchResult
{
    final TopicPartition partition;
    private final CountDownLatch done = new CountDownLatch(1);
    private long baseOffset = RecordMetadata.UNKNOWN;
    private long logAppendTimeMs = RecordMetadata.UNKNOWN;
    private RuntimeException error;

    BatchResult(final TopicPartition partition)
    {
        this.partition = partition;
    }

    /** A result failed before any batch existed (a record too large, a producer in error). */
    static BatchResult failed(final TopicPartition partition, final RuntimeException error)
    {
        final BatchResult result = new BatchResult(partition);
        result.set(RecordMetadata.UNKNOWN, RecordMetadata.UNKNOWN, error);
        result.done();
        return result;
    }

    /** Records the outcome; visible to other threads once {@link #done()} is called. */
    void set(final long baseOffset, final long logAppendTimeMs, final RuntimeException error)
    {
        this.baseOffset = baseOffset;
        this.logAppendTimeMs = logAppendTimeMs;
        this.error = error;
    }

    void done()
    {
        done.countDown();
    }

    boolean isDone()
    {
        return done.getCount() == 0;
    }

    void await() throws InterruptedException
    {
        done.await();
    }

    boolean await(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return done.await(timeout, unit);
    }

    long baseOffset()
    {
        return baseOffset;
    }

    long logAppendTimeMs()
    {
        return logAppendTimeMs;
    }

    RuntimeException error()
    {
        return error;
    }
}
