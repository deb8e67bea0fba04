package io.osprey.consumer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * An asynchronous commit failed with an error that a retry might not meet (a coordinator
 * change, a disconnect, a timeout), and was not retried: a retry could land after a later
 * commit and move the committed offset backwards. Commit the latest consumed offsets again (the
 * next auto-commit does). As Kafka's {@code RetriableCommitFailedException}, handed to the
 * {@link OffsetCommitCallback}; {@link #getCause()} is the failure itself.
 */
public class RetriableCommitFailedException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public RetriableCommitFailedException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(errorCode, message, cause);
    }
}
