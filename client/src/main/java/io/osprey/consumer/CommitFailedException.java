package io.osprey.consumer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * A commit the group refused because this consumer is no longer a member of the generation that
 * owns the partitions (it was kicked out after {@code max.poll.interval.ms} or
 * {@code session.timeout.ms}, or the group rebalanced): the partitions may already belong to
 * another member, so retrying cannot help. As Kafka's {@code CommitFailedException}.
 */
public class CommitFailedException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public CommitFailedException(final ErrorCode errorCode, final String message)
    {
        super(errorCode, message);
    }

    public CommitFailedException(final String message)
    {
        this(ErrorCode.ILLEGAL_GENERATION, message);
    }
}
