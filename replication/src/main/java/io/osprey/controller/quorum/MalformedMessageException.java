package io.osprey.controller.quorum;

/** A controller message that does not decode: truncated, corrupt, or of an unknown type. */
public final class MalformedMessageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(final String message)
    {
        super(message);
    }
}
