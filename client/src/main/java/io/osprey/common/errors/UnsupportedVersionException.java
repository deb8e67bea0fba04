package io.osprey.common.errors;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * The broker and this client share no version of an API (or the broker answered
 * UNSUPPORTED_VERSION). Not retriable against the same broker: it says which ranges each side has.
 */
public class UnsupportedVersionException extends OspreyException
{
    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(final String message)
    {
        super(ErrorCode.UNSUPPORTED_VERSION, message);
    }
}
