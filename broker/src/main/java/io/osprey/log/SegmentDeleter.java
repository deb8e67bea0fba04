package io.osprey.log;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes, unmaps and unlinks deleted segments on a background thread: unmapping and unlinking
 * a large file takes tens to hundreds of milliseconds, which must not stall the log agent that
 * owns the partition (and every other partition it serves). Segments reach it only after their
 * {@code file.delete.delay.ms}, when no read can still be using them.
 */
final class SegmentDeleter
{
    private static final Logger LOG = LoggerFactory.getLogger(SegmentDeleter.class);
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r ->
    {
        final Thread t = new Thread(r, "osprey-segment-deleter");
        t.setDaemon(true);
        return t;
    });

    private SegmentDeleter()
    {
    }

    static void submit(final Segment segment)
    {
        EXECUTOR.execute(() ->
        {
            try
            {
                segment.closeAndDelete();
            }
            catch (final IOException e)
            {
                LOG.error("Could not delete {}", segment, e);
            }
        });
    }
}
