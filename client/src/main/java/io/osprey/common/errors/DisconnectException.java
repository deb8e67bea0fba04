package io.osprey.common.errors;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * The connection a request was on (or was waiting for) closed or could not be set up before a
 * response came. Retriable: the request may or may not have reached the broker, so callers retry
 * (idempotent producers safely) after refreshing metadata and backing off.
 */
public class DisconnectException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public DisconnectException(final String message)
    {
        super(ErrorCode.NETWORK_EXCEPTION, message);
    }

    public DisconnectException(final String message, final Throwable cause)
    {
        super(ErrorCode.NETWORK_EXCEPTION, message, cause);
    }
}
