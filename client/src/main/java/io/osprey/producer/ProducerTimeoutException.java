package io.osprey.producer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * Something the producer waited for did not happen in time: metadata for a topic within
 * {@code max.block.ms}, or a batch's delivery within {@code delivery.timeout.ms}. Kafka's
 * {@code TimeoutException}. Retriable: the same send may succeed later.
 */
public class ProducerTimeoutException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public ProducerTimeoutException(final String message)
    {
        super(ErrorCode.REQUEST_TIMED_OUT, message);
    }

    public ProducerTimeoutException(final String message, final Throwable cause)
    {
        super(ErrorCode.REQUEST_TIMED_OUT, message, cause);
    }
}
