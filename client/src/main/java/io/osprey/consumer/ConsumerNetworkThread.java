package io.osprey.consumer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.MetadataUpdater;
import io.osprey.client.NetworkClient;

/**
 * The consumer's background I/O loop. It owns the {@link NetworkClient} and
 * {@link MetadataUpdater} and, each pass, reads the clock once, applies the application's
 * changes ({@link FetchControl}), moves parked fetches into the queue, lets the metadata updater,
 * the {@link PositionResetter}, the {@link Fetcher}, the group's {@link ConsumerCoordinator} (when
 * the consumer has a {@code group.id}) and the pending {@link NetworkCall}s send what
 * is due, then polls the network until the soonest deadline among them (capped by
 * {@link ConsumerLimits#NETWORK_POLL_MAX_MS}) or until woken. Response handlers run inside that
 * poll; afterwards the application is signalled, since data, a position or a lookup result may
 * have arrived.
 * <p>
 * An unexpected exception ends the loop: it is kept as {@link #failure()} and the application's
 * next call throws it, rather than the consumer hanging with no one fetching.
 * <p>
 * Thread-safety: {@link #run} is the thread's body; {@link #submit}, {@link #shutdown} and
 * {@link #failure} may be called from any thread.
 */
final class ConsumerNetworkThread implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerNetworkThread.class);

    private final NetworkClient client;
    private final MetadataUpdater metadataUpdater;
    private final FetchControl control;
    private final FetchStates states;
    private final FetchQueue queue;
    private final Fetcher fetcher;
    private final PositionResetter resetter;
    private final AppSignal signal;
    private final ConsumerCoordinator coordinator;
    private final List<NetworkCall<?>> calls = new ArrayList<>();

    private volatile boolean running = true;
    private volatile Throwable failure;

    ConsumerNetworkThread(final NetworkClient client, final MetadataUpdater metadataUpdater, final FetchControl control,
        final FetchStates states, final FetchQueue queue, final Fetcher fetcher, final PositionResetter resetter, final AppSignal signal,
        final ConsumerCoordinator coordinator)
    {
        this.coordinator = coordinator;
        this.client = client;
        this.metadataUpdater = metadataUpdater;
        this.control = control;
        this.states = states;
        this.queue = queue;
        this.fetcher = fetcher;
        this.resetter = resetter;
        this.signal = signal;
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                runOnce();
            }
        }
        catch (final Throwable t)
        {
            failure = t;
            LOG.error("The consumer's network thread failed; the consumer can no longer fetch", t);
        }
        finally
        {
            try
            {
                client.close();
            }
            catch (final RuntimeException e)
            {
                LOG.warn("Closing the consumer's network client failed", e);
            }
            signal.signal();
        }
    }

    /** One pass of the loop; package-private so tests can drive it by hand. */
    void runOnce()
    {
        final long nowMs = client.clock().nowMs();
        if (control.hasChanges())
        {
            states.apply(control.drain());
        }
        queue.flushOverflow();
        long waitMs = Math.min(ConsumerLimits.NETWORK_POLL_MAX_MS, metadataUpdater.poll(nowMs));
        waitMs = Math.min(waitMs, resetter.sendResets(nowMs));
        waitMs = Math.min(waitMs, fetcher.sendFetches(nowMs));
        if (coordinator != null)
        {
            waitMs = Math.min(waitMs, coordinator.poll(nowMs));
        }
        waitMs = Math.min(waitMs, pollCalls(nowMs));
        client.poll(waitMs);
        signal.signal();
    }

    private long pollCalls(final long nowMs)
    {
        long waitMs = Long.MAX_VALUE;
        final Iterator<NetworkCall<?>> it = calls.iterator();
        while (it.hasNext())
        {
            final NetworkCall<?> call = it.next();
            if (!call.isFinished(nowMs))
            {
                waitMs = Math.min(waitMs, call.poll(nowMs));
            }
            if (call.isFinished(nowMs))
            {
                it.remove();
            }
        }
        return waitMs;
    }

    /**
     * Any thread: hands a call to the network thread.
     *
     * @throws IllegalStateException when the network client's command queue is full
     */
    void submit(final NetworkCall<?> call)
    {
        final boolean queued = client.execute(() ->
        {
            calls.add(call);
            // The command runs inside poll, before it selects: make that select return so the call is polled now.
            client.wakeup();
        });
        if (!queued)
        {
            throw new IllegalStateException("The consumer's network thread has too many commands queued to take another");
        }
    }

    /** Any thread: asks the loop to stop after the current pass; it then closes the network client. */
    void shutdown()
    {
        running = false;
        client.wakeup();
    }

    /** Why the loop died, or null while it runs (or after a clean shutdown). */
    Throwable failure()
    {
        return failure;
    }
}
