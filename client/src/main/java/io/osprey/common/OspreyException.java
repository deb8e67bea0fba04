package io.osprey.common;

/**
 * An error that carries a protocol {@link ErrorCode} and a message meant for the user on the
 * other end of the wire. Thrown for bad input and refused operations, never on the happy path.
 */
public class OspreyException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public OspreyException(final ErrorCode errorCode, final String message)
    {
        super(message);
        this.errorCode = errorCode;
    }

    public OspreyException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * Whether the same operation may succeed if tried again (after a metadata refresh or a
     * backoff): a disconnect, a leader change, a timeout. Clients retry these within their
     * delivery or request timeouts and surface the others at once.
     */
    public boolean retriable()
    {
        return errorCode.retriable;
    }
}
