package io.osprey.consumer;

/**
 * The application thread was interrupted while a consumer call blocked. The thread's interrupt
 * flag is set again before this is thrown, so code further up still sees it (as with Kafka's
 * {@code InterruptException}).
 */
public class InterruptException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public InterruptException(final InterruptedException cause)
    {
        super("The thread was interrupted while the consumer blocked", cause);
        Thread.currentThread().interrupt();
    }
}
