package io.osprey.cli;

/** A failure to report to the user as one line on stderr, with exit code 1. */
final class CliException extends Exception
{
    private static final long serialVersionUID = 1L;

    CliException(final String message)
    {
        super(message);
    }
}
