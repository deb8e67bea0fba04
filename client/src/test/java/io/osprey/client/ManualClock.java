package io.osprey.client;

/** A clock tests move by hand, so backoffs and timeouts happen exactly when a test says. */
final class ManualClock implements ClientClock
{
    private volatile long nowMs;

    ManualClock(final long startMs)
    {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs()
    {
        return nowMs;
    }

    void advance(final long ms)
    {
        nowMs += ms;
    }
}
