package io.osprey.common.errors;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * No response came within the request's timeout ({@code request.timeout.ms} unless the caller
 * gave another), or the broker itself answered REQUEST_TIMED_OUT. Retriable.
 */
public class RequestTimeoutException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(final String message)
    {
        super(ErrorCode.REQUEST_TIMED_OUT, message);
    }
}
