package io.osprey.consumer;

import io.osprey.common.TopicPartition;

/**
 * The application's deserializer threw for the record at {@link #offset()} of
 * {@link #partition()}. The position stays at that record, so every poll throws again until the
 * application seeks past it ({@code seek(partition(), offset() + 1)}), as with Kafka.
 * <p>
 * Not an {@link io.osprey.common.OspreyException}: the failure is the application's code, not
 * the broker's, and there is no protocol error code for it. Immutable.
 */
public class RecordDeserializationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final TopicPartition partition;
    private final long offset;

    public RecordDeserializationException(final TopicPartition partition, final long offset, final String message,
        final Throwable cause)
    {
        super(message, cause);
        this.partition = partition;
        this.offset = offset;
    }

    public TopicPartition partition()
    {
        return partition;
    }

    public long offset()
    {
        return offset;
    }
}
