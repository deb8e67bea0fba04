package io.osprey.consumer;

import java.util.Set;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;

/**
 * A partition's position cannot be used and {@code auto.offset.reset=none} forbids choosing one:
 * the application must {@link Consumer#seek} (or seek to the beginning or end) first. Poll keeps
 * throwing it until then.
 */
public abstract class InvalidOffsetException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    protected InvalidOffsetException(final String message)
    {
        super(ErrorCode.OFFSET_OUT_OF_RANGE, message);
    }

    /** The partitions concerned. */
    public abstract Set<TopicPartition> partitions();
}
