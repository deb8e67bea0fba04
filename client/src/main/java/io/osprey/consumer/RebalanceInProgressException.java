package io.osprey.consumer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * A commit refused because the group is rebalancing: the consumer keeps its partitions until the
 * rebalance completes (in the next {@code poll}), after which the commit may be tried again for
 * the partitions it still owns. As Kafka's {@code RebalanceInProgressException}.
 */
public class RebalanceInProgressException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public RebalanceInProgressException(final String message)
    {
        super(ErrorCode.REBALANCE_IN_PROGRESS, message);
    }
}
