package io.osprey.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The holders of one request frame that lives in the network layer's pooled memory: the router
 * while it dispatches the request, and each log agent task that still reads a slice of it (a
 * produce's batches). The last holder to let go hands the memory back, so it is neither freed
 * while a batch is being appended from it nor kept after the last append.
 */
final class FrameShares extends AtomicInteger
{
    private static final long serialVersionUID = 1L;

    private final transient Runnable release;

    /** One share, the caller's. */
    FrameShares(final Runnable release)
    {
        super(1);
        this.release = release;
    }

    /** Another holder: call before handing a slice of the frame to another thread. */
    void retain()
    {
        incrementAndGet();
    }

    /** This holder is done with the frame; the last one returns it to the network layer. */
    void release()
    {
        final int left = decrementAndGet();
        if (left == 0)
        {
            release.run();
        }
        else if (left < 0)
        {
            throw new IllegalStateException("Request frame released more often than it was held");
        }
    }
}
