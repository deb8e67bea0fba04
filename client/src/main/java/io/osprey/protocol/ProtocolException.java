package io.osprey.protocol;

/** A message could not be decoded: the bytes do not follow the schema of its API and version. */
public final class ProtocolException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ProtocolException(final String message)
    {
        super(message);
    }
}
