package io.osprey.admin;

/**
 * What every admin call can be given: a timeout of its own instead of
 * {@code default.api.timeout.ms}. Not thread-safe: set it up on one thread, then pass it to
 * one call, which reads it before returning.
 *
 * @param <T> the concrete options, so that setters chain
 */
public abstract class AbstractOptions<T extends AbstractOptions<T>>
{
    private Integer timeoutMs;

    /**
     * How long the call may take, retries included, before its futures fail with a timeout;
     * null for {@code default.api.timeout.ms}.
     */
    public T timeoutMs(final Integer timeoutMs)
    {
        if (timeoutMs != null && timeoutMs < 0)
        {
            throw new IllegalArgumentException("timeoutMs must not be negative, not " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
        return self();
    }

    /** The call's own timeout, or null when it takes {@code default.api.timeout.ms}. */
    public Integer timeoutMs()
    {
        return timeoutMs;
    }

    /** This, typed for chaining (saves an unchecked cast). */
    protected abstract T self();
}
