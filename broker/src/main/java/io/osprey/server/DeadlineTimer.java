package io.osprey.server;

import java.util.Collections;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;

/**
 * The purgatory's timer (delayed fetches, acks=all writes waiting for the high watermark): one
 * thread that sleeps until the earliest deadline instead of ticking. Netty's
 * {@code HashedWheelTimer} woke every tick (5 ms) for as long as the broker ran once the first
 * timeout had been set: 200 wakeups a second, about 0.9% of a core on these machines, with
 * nothing due.
 * <p>
 * {@link #newTimeout} queues the timeout and wakes the thread only when it is due before the
 * thread's planned wake-up. Cancelled timeouts drop their task at once and leave the thread's
 * heap when they reach its head (the thread does not wake for them unless one was the earliest
 * live deadline when it last went to sleep). The thread also wakes once a second to take in what
 * was queued meanwhile. Tasks run on the timer thread and must be short.
 * <p>
 * Threading: {@link #newTimeout} and {@link Timeout#cancel()} from any thread; the heap only on
 * the timer thread.
 */
public final class DeadlineTimer implements Timer
{
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimer.class);

    /** Longest sleep: queued timeouts are taken into the heap at least this often. */
    private static final long MAX_PARK_NS = TimeUnit.SECONDS.toNanos(1);

    /** Above this many entries the heap is swept of cancelled ones at each wake-up. */
    private static final int SWEEP_SIZE = 16_384;
    /** {@link #wakeAtNs} while the thread is awake: callers need not wake it. */
    private static final long AWAKE = Long.MIN_VALUE;

    private final ConcurrentLinkedQueue<Entry> added = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNs - b.deadlineNs, 0));
    private final Thread thread;
    private final long maxParkNs;
    private volatile long wakeAtNs = AWAKE;
    private volatile boolean stopped;

    public DeadlineTimer(final String threadName)
    {
        this(threadName, MAX_PARK_NS);
    }

    /** @param maxParkNs the longest sleep (tests lengthen it to show that an earlier deadline wakes the thread) */
    DeadlineTimer(final String threadName, final long maxParkNs)
    {
        this.maxParkNs = maxParkNs;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Timeout newTimeout(final TimerTask task, final long delay, final TimeUnit unit)
    {
        if (stopped)
        {
            throw new IllegalStateException("timer stopped");
        }
        final Entry e = new Entry(task, System.nanoTime() + unit.toNanos(Math.max(0, delay)));
        added.offer(e);
        // Dekker with run(): it publishes wakeAtNs, then looks at the queue; this queues, then reads wakeAtNs.
        final long wakeAt = wakeAtNs;
        if (wakeAt != AWAKE && e.deadlineNs - wakeAt < 0)
        {
            LockSupport.unpark(thread);
        }
        return e;
    }

    @Override
    public Set<Timeout> stop()
    {
        stopped = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        final Set<Timeout> pending = new HashSet<>();
        Entry e;
        while ((e = added.poll()) != null)
        {
            heap.add(e);
        }
        for (final Entry h : heap)
        {
            if (h.state == Entry.PENDING)
            {
                pending.add(h);
            }
        }
        heap.clear();
        return Collections.unmodifiableSet(pending);
    }

    private void run()
    {
        while (!stopped)
        {
            wakeAtNs = AWAKE;
            Entry e;
            while ((e = added.poll()) != null)
            {
                if (e.state == Entry.PENDING)
                {
                    heap.add(e);
                }
            }
            final long nowNs = System.nanoTime();
            while ((e = heap.peek()) != null && (e.state != Entry.PENDING || e.deadlineNs - nowNs <= 0))
            {
                heap.poll();
                e.expire();
            }
            if (heap.size() > SWEEP_SIZE)
            {
                heap.removeIf(h -> h.state != Entry.PENDING);
            }
            final Entry head = heap.peek();
            final long nextNs = head == null ? nowNs + maxParkNs : nowNs + Math.min(head.deadlineNs - nowNs, maxParkNs);
            wakeAtNs = nextNs;
            if (!added.isEmpty() || stopped)
            {
                continue;
            }
            LockSupport.parkNanos(this, nextNs - nowNs);
        }
    }

    /** One timeout; its state moves once, from pending to cancelled or expired. */
    private final class Entry implements Timeout
    {
        static final int PENDING = 0;
        static final int CANCELLED = 1;
        static final int EXPIRED = 2;
        private static final AtomicIntegerFieldUpdater<Entry> STATE = AtomicIntegerFieldUpdater.newUpdater(Entry.class, "state");

        final long deadlineNs;
        /** Dropped on cancel: a cancelled timeout may sit in the heap until its deadline and must not hold its request. */
        private volatile TimerTask task;
        volatile int state;

        Entry(final TimerTask task, final long deadlineNs)
        {
            this.task = task;
            this.deadlineNs = deadlineNs;
        }

        /** On the timer thread: runs the task if nothing cancelled it first. */
        void expire()
        {
            final TimerTask t = task;
            if (!STATE.compareAndSet(this, PENDING, EXPIRED))
            {
                return;
            }
            task = null;
            try
            {
                t.run(this);
            }
            catch (final Throwable ex)
            {
                LOG.warn("A timer task failed", ex);
            }
        }

        @Override
        public Timer timer()
        {
            return DeadlineTimer.this;
        }

        @Override
        public TimerTask task()
        {
            return task;
        }

        @Override
        public boolean isExpired()
        {
            return state == EXPIRED;
        }

        @Override
        public boolean isCancelled()
        {
            return state == CANCELLED;
        }

        @Override
        public boolean cancel()
        {
            if (!STATE.compareAndSet(this, PENDING, CANCELLED))
            {
                return false;
            }
            task = null;
            return true;
        }
    }
}
