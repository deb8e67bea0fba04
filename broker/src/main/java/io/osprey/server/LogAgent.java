package io.osprey.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.log.PartitionLog;
import io.osprey.metrics.Histogram;

/**
 * The single writer of a set of partition logs. Network threads hand it work through a
 * bounded MPSC queue; each duty cycle drains what arrived, runs it, applies the flush policy
 * once per touched log (group commit: appends that arrived together share one fsync), and only
 * then completes the callers, so an acknowledgement never precedes the flush the policy requires.
 * <p>
 * Threading: {@link #submit} from any thread. Tasks run one cycle at a time under the agent's
 * cycle lock: on the agent's thread, or, through {@link #runInline}, on the submitting thread
 * itself when the agent is idle with nothing queued (the same single-writer order, without the
 * two thread handoffs a queued task costs). Idle, the agent parks (no busy spin on 2-core
 * machines) and {@link #submit} unparks it.
 */
public final class LogAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(LogAgent.class);

    /** Queue capacity: bounded so a flood of produce requests back-pressures the network threads. */
    public static final int QUEUE_CAPACITY = 8192;
    /** Tasks run per duty cycle before completions go out, bounding the latency a burst adds. */
    private static final int DRAIN_LIMIT = 1024;

    /** Work run on the agent thread; {@link #complete()} runs after the cycle's flushes. */
    public interface Task
    {
        /** The log this task appends to, so its flush joins the cycle's group commit; null for none. */
        default PartitionLog log()
        {
            return null;
        }

        void run(long nowMs);

        default void complete()
        {
        }

        /** The cycle's flush of this task's log failed; called before {@link #complete()}. */
        default void onFlushFailed(final RuntimeException e)
        {
        }
    }

    /** {@code -Dosprey.agent.inline=false} queues every task to the agent's thread (for comparing the two). */
    static final boolean INLINE = !"false".equals(System.getProperty("osprey.agent.inline"));

    private final String name;
    /** Held for a whole cycle, by the agent's thread or an inline caller: the partitions' single writer at any time. */
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final ManyToOneConcurrentArrayQueue<Task> queue = new ManyToOneConcurrentArrayQueue<>(QUEUE_CAPACITY);
    private final List<Task> ran = new ArrayList<>();
    private final List<PartitionLog> grouped = new ArrayList<>();
    private final List<java.util.function.BooleanSupplier> periodic = new ArrayList<>();
    private final long periodicIntervalMs;
    private final Histogram flushTime;
    private long nextPeriodicMs;
    private volatile Thread thread;
    private volatile boolean stopping;

    /** @param flushTime takes the duration of every group-commit flush */
    public LogAgent(final String name, final long periodicIntervalMs, final Histogram flushTime)
    {
        this.name = name;
        this.periodicIntervalMs = periodicIntervalMs;
        this.flushTime = flushTime;
    }

    /** Hands work to the agent; spins briefly (then parks) while the queue is full: back-pressure. */
    public void submit(final Task task)
    {
        while (!queue.offer(task))
        {
            LockSupport.parkNanos(50_000);
        }
        wake();
    }

    /**
     * Hands work to the agent without waiting, for callers that must never block (the group
     * coordinator thread).
     *
     * @return false when the queue is full: the task was not taken and the caller fails it
     */
    public boolean offer(final Task task)
    {
        if (!queue.offer(task))
        {
            return false;
        }
        wake();
        return true;
    }

    /**
     * Runs {@code task} on the calling thread when the agent is idle and its queue empty, as a
     * cycle of its own: the task's log flushed by its policy, then {@link Task#complete()}. That
     * saves waking the agent and, for a network thread, being woken again for the response.
     * Order is kept: an empty queue under the cycle lock means every task submitted before has
     * run and completed. Nothing is run inline when the log's flush policy may fsync (a flush
     * belongs on the agent, where appends that arrive together share it) or when
     * {@code osprey.agent.inline} is false, nor from within a cycle (a task or completion that hands
     * on work queues it).
     *
     * @return false when the task was not run: the caller submits it
     */
    public boolean runInline(final Task task)
    {
        final PartitionLog log = task.log();
        if (!INLINE || thread == null || stopping || (log != null && log.mayFlushOnAppend()) || !queue.isEmpty() ||
            cycleLock.isHeldByCurrentThread() || !cycleLock.tryLock())
        {
            return false;
        }
        try
        {
            if (!queue.isEmpty())
            {
                return false;
            }
            final long nowMs = System.currentTimeMillis();
            runTask(task, nowMs);
            finishCycle(nowMs);
            return true;
        }
        finally
        {
            cycleLock.unlock();
            wakeIfQueued();
        }
    }

    /** Runs {@code task} inline when {@link #runInline} can, otherwise queues it as {@link #submit} does. */
    public void runInlineOrSubmit(final Task task)
    {
        if (!runInline(task))
        {
            submit(task);
        }
    }

    /**
     * A task queued while another thread held the cycle lock may have found the agent unable to
     * take the lock: the holder wakes the agent once it lets go, so the task waits no longer than
     * that.
     */
    private void wakeIfQueued()
    {
        if (!queue.isEmpty())
        {
            wake();
        }
    }

    /** Unparks the agent's thread, once it has started. */
    private void wake()
    {
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    /**
     * Adds maintenance run on the agent thread every {@code periodicIntervalMs}; the task is
     * dropped once it returns false (its partition went away).
     */
    public void addPeriodic(final java.util.function.BooleanSupplier task)
    {
        submit(nowMs -> periodic.add(task));
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
    }

    /**
     * Ends the agent once it has run everything queued so far: its runner's {@code close()} then
     * returns at once instead of waiting out an idle park (up to the maintenance period). Any
     * thread; call it when nothing will be submitted any more.
     */
    public void stop()
    {
        stopping = true;
        wake();
    }

    @Override
    public int doWork()
    {
        if (!cycleLock.tryLock())
        {
            if (System.currentTimeMillis() < nextPeriodicMs)
            {
                // An inline cycle runs on another thread; it wakes this one when it lets go and work is queued.
                return 0;
            }
            // Maintenance is due: wait out the inline cycle (microseconds) rather than sleep a whole period again,
            // which a partition busy with inline appends could make happen period after period.
            cycleLock.lock();
        }
        final int work;
        try
        {
            work = cycle();
        }
        finally
        {
            cycleLock.unlock();
        }
        if (stopping && work == 0 && queue.isEmpty())
        {
            // Expected: the runner ends the agent without reporting an error.
            throw new AgentTerminationException(name + " stopped", true);
        }
        return work;
    }

    /** One cycle on the agent's thread: the queue drained, flushes, completions, due maintenance. Under the cycle lock. */
    private int cycle()
    {
        final long nowMs = System.currentTimeMillis();
        int work = 0;
        Task task;
        while (work < DRAIN_LIMIT && (task = queue.poll()) != null)
        {
            work++;
            runTask(task, nowMs);
        }
        finishCycle(nowMs);
        if (nowMs >= nextPeriodicMs)
        {
            nextPeriodicMs = nowMs + periodicIntervalMs;
            periodic.removeIf(maintenance ->
            {
                try
                {
                    return !maintenance.getAsBoolean();
                }
                catch (final RuntimeException e)
                {
                    LOG.error("{}: maintenance failed", name, e);
                    return false;
                }
            });
        }
        return work;
    }

    /** Runs one task of the cycle, opening its log's group commit first. Under the cycle lock. */
    private void runTask(final Task task, final long nowMs)
    {
        try
        {
            final PartitionLog log = task.log();
            if (log != null && !grouped.contains(log))
            {
                log.beginGroup();
                grouped.add(log);
            }
            task.run(nowMs);
        }
        catch (final RuntimeException e)
        {
            LOG.error("{}: task failed", name, e);
        }
        ran.add(task);
    }

    /** Closes the cycle's group commits (one flush per log, as its policy asks), then completes its tasks. Under the cycle lock. */
    private void finishCycle(final long nowMs)
    {
        for (int i = 0; i < grouped.size(); i++)
        {
            final PartitionLog log = grouped.get(i);
            try
            {
                final long startNs = System.nanoTime();
                if (log.endGroup(nowMs))
                {
                    flushTime.recordNs(System.nanoTime() - startNs);
                }
            }
            catch (final RuntimeException e)
            {
                LOG.error("{}: flush of {} failed", name, log, e);
                for (int j = 0; j < ran.size(); j++)
                {
                    if (ran.get(j).log() == log)
                    {
                        ran.get(j).onFlushFailed(e);
                    }
                }
            }
        }
        grouped.clear();
        for (int i = 0; i < ran.size(); i++)
        {
            try
            {
                ran.get(i).complete();
            }
            catch (final RuntimeException e)
            {
                LOG.error("{}: completion failed", name, e);
            }
        }
        ran.clear();
    }

    @Override
    public String roleName()
    {
        return name;
    }
}
