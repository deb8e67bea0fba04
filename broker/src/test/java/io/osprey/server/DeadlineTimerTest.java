package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.util.Timeout;

class DeadlineTimerTest
{
    private DeadlineTimer timer;

    @AfterEach
    void tearDown()
    {
        if (timer != null)
        {
            timer.stop();
        }
    }

    @Test
    void shouldRunATaskNoEarlierThanItsDelayOnTheTimerThread() throws InterruptedException
    {
        timer = new DeadlineTimer("test-timer");
        final CountDownLatch fired = new CountDownLatch(1);
        final AtomicReference<String> thread = new AtomicReference<>();
        final long startNs = System.nanoTime();
        final long[] firedNs = new long[1];
        final Timeout t = timer.newTimeout(timeout ->
        {
            firedNs[0] = System.nanoTime();
            thread.set(Thread.currentThread().getName());
            fired.countDown();
        }, 50, TimeUnit.MILLISECONDS);
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(firedNs[0] - startNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(thread.get()).isEqualTo("test-timer");
        assertThat(t.isExpired()).isTrue();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void shouldNeverRunACancelledTaskAndShouldLetGoOfIt() throws InterruptedException
    {
        timer = new DeadlineTimer("test-timer");
        final CountDownLatch cancelledRan = new CountDownLatch(1);
        final Timeout t = timer.newTimeout(timeout -> cancelledRan.countDown(), 30, TimeUnit.MILLISECONDS);
        assertThat(t.cancel()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.task()).isNull();
        assertThat(t.cancel()).isFalse();
        // A later timeout firing shows the timer went past the cancelled one's deadline.
        final CountDownLatch later = new CountDownLatch(1);
        timer.newTimeout(timeout -> later.countDown(), 60, TimeUnit.MILLISECONDS);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRan.getCount()).isEqualTo(1);
    }

    @Test
    void shouldWakeForATimeoutEarlierThanTheOneItSleepsUntil() throws InterruptedException
    {
        // No periodic wake-up: only newTimeout's wake can make the short timeout fire before the long one.
        timer = new DeadlineTimer("test-timer", TimeUnit.HOURS.toNanos(1));
        timer.newTimeout(timeout -> { }, 1, TimeUnit.HOURS);
        awaitSleeping();
        final CountDownLatch fired = new CountDownLatch(1);
        timer.newTimeout(timeout -> fired.countDown(), 20, TimeUnit.MILLISECONDS);
        assertThat(fired.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldRunEveryLiveTimeoutOnceUnderConcurrentAddsAndCancels() throws InterruptedException
    {
        timer = new DeadlineTimer("test-timer");
        final int threads = 4;
        final int perThread = 5_000;
        final AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        final boolean[] cancelled = new boolean[threads * perThread];
        final List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++)
        {
            final int base = w * perThread;
            final Thread th = new Thread(() ->
            {
                final ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++)
                {
                    final int id = base + i;
                    final Timeout t = timer.newTimeout(timeout -> runs.incrementAndGet(id), random.nextInt(0, 200),
                        TimeUnit.MILLISECONDS);
                    if (random.nextInt(3) == 0 && t.cancel())
                    {
                        cancelled[id] = true;
                    }
                }
            });
            workers.add(th);
            th.start();
        }
        for (final Thread th : workers)
        {
            th.join(30_000);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int expected = 0;
        for (final boolean c : cancelled)
        {
            expected += c ? 0 : 1;
        }
        while (sum(runs) < expected && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        Thread.sleep(300); // past every deadline: nothing more may run
        for (int i = 0; i < cancelled.length; i++)
        {
            assertThat(runs.get(i)).as("timeout %d (cancelled: %s)", i, cancelled[i]).isEqualTo(cancelled[i] ? 0 : 1);
        }
    }

    @Test
    void shouldHandBackPendingTimeoutsOnStopAndRefuseNewOnes()
    {
        timer = new DeadlineTimer("test-timer");
        final Timeout pending = timer.newTimeout(timeout -> { }, 1, TimeUnit.HOURS);
        final Timeout cancelled = timer.newTimeout(timeout -> { }, 1, TimeUnit.HOURS);
        cancelled.cancel();
        final Set<Timeout> left = timer.stop();
        assertThat(left).containsExactly(pending);
        assertThatThrownBy(() -> timer.newTimeout(timeout -> { }, 1, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        timer = null;
    }

    private static int sum(final AtomicIntegerArray a)
    {
        int s = 0;
        for (int i = 0; i < a.length(); i++)
        {
            s += a.get(i);
        }
        return s;
    }

    private void awaitSleeping() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread t;
        while ((t = timerThread()) == null || t.getState() != Thread.State.TIMED_WAITING)
        {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static Thread timerThread()
    {
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().equals("test-timer"))
            {
                return t;
            }
        }
        return null;
    }
}
