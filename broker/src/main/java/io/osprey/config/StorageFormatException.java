package io.osprey.config;

/**
 * A log directory that this node must not use: not formatted, formatted for another cluster
 * or node, or with an unreadable meta.properties. The message names the directory and says
 * what to do.
 */
public final class StorageFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public StorageFormatException(final String message)
    {
        super(message);
    }
}
