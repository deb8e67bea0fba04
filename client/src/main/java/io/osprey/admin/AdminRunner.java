package io.osprey.admin;

import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.MetadataUpdater;
import io.osprey.client.NetworkClient;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.RequestTimeoutException;

/**
 * The admin client's I/O thread: takes calls from other threads, keeps the metadata fresh, runs
 * the {@link CallScheduler} and polls the {@link NetworkClient}, until closed.
 *
 * <h2>Threading</h2>
 * {@link #run} is the only thread that touches the client, the updater and the scheduler. Any
 * thread may {@link #submit} and {@link #close}. Calls reach the I/O thread through a lock-free
 * inbox rather than {@link NetworkClient#execute} because every accepted call must end with its
 * futures complete: commands still in the client's queue when it closes are dropped, while the
 * inbox is drained and failed by whichever side sees the runner stopped last. A submitter adds,
 * then reads {@code stopped}; the I/O thread sets {@code stopped}, then drains: whichever order
 * they interleave in, one of the two finds the call.
 * <p>
 * The number of calls accepted and not finished is bounded by {@link AdminLimits#PENDING_CALLS_MAX}.
 */
final class AdminRunner implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminRunner.class);

    private final NetworkClient client;
    private final MetadataUpdater updater;
    private final CallScheduler scheduler;
    private final ConcurrentLinkedQueue<AdminCall> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicLong closeDeadlineMs = new AtomicLong(Long.MAX_VALUE);

    private volatile boolean closing;
    private volatile boolean stopped;

    AdminRunner(final NetworkClient client, final MetadataUpdater updater, final int retries, final long retryBackoffMs,
        final long retryBackoffMaxMs, final Random random)
    {
        this.client = client;
        this.updater = updater;
        this.scheduler = new CallScheduler(client, retries, retryBackoffMs, retryBackoffMaxMs, random, unfinished::decrementAndGet);
    }

    /** Hands a call to the I/O thread, or fails it at once when closing or full. Any thread. */
    void submit(final AdminCall call)
    {
        if (closing)
        {
            call.fail(new RequestTimeoutException("The admin client is closed and accepts no new calls (" + call.name() + ")"));
            return;
        }
        if (unfinished.incrementAndGet() > AdminLimits.PENDING_CALLS_MAX)
        {
            unfinished.decrementAndGet();
            // Retriable, as NetworkClient's full queue is: the caller may try again once calls finish.
            call.fail(new OspreyException(ErrorCode.NETWORK_EXCEPTION, "The admin client already has " + AdminLimits.PENDING_CALLS_MAX
                + " calls in progress; " + call.name() + " was not started"));
            return;
        }
        inbox.add(call);
        if (stopped)
        {
            failInbox();
        }
        else
        {
            client.wakeup();
        }
    }

    /**
     * Stops taking calls and has the I/O thread exit once those in progress are done or
     * {@code deadlineMs} passes, whichever is first. Any thread; a later, earlier deadline wins.
     */
    void close(final long deadlineMs)
    {
        closeDeadlineMs.accumulateAndGet(deadlineMs, Math::min);
        closing = true;
        client.wakeup();
    }

    @Override
    public void run()
    {
        try
        {
            while (true)
            {
                final long nowMs = client.clock().nowMs();
                drainInbox();
                if (closing && (scheduler.size() == 0 || nowMs >= closeDeadlineMs.get()))
                {
                    break;
                }
                long waitMs = Math.min(updater.poll(nowMs), scheduler.poll(nowMs));
                if (closing)
                {
                    waitMs = Math.min(waitMs, Math.max(0, closeDeadlineMs.get() - nowMs));
                }
                client.poll(waitMs);
            }
        }
        catch (final RuntimeException e)
        {
            LOG.error("The admin client's I/O thread failed; failing every call in progress", e);
        }
        finally
        {
            stopped = true;
            scheduler.failAll(new RequestTimeoutException("The admin client was closed before the call completed"));
            failInbox();
            client.close();
        }
    }

    private void drainInbox()
    {
        AdminCall call;
        while ((call = inbox.poll()) != null)
        {
            scheduler.submit(call);
        }
    }

    private void failInbox()
    {
        AdminCall call;
        while ((call = inbox.poll()) != null)
        {
            call.fail(new RequestTimeoutException("The admin client was closed before " + call.name() + " started"));
            unfinished.decrementAndGet();
        }
    }
}
