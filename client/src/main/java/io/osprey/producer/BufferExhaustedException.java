package io.osprey.producer;

/**
 * {@code send()} waited {@code max.block.ms} for buffer memory and none was freed: records are
 * produced faster than the brokers take them (or the brokers are unreachable). Kafka's
 * exception of the same name.
 */
public final class BufferExhaustedException extends ProducerTimeoutException
{
    private static final long serialVersionUID = 1L;

    public BufferExhaustedException(final String message)
    {
        super(message);
    }
}
