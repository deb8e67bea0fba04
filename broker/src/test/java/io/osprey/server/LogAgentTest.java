package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.log.LogConfig;
import io.osprey.log.PartitionLog;
import io.osprey.metrics.Histogram;

/**
 * The log agent's inline path: a task runs on the caller's thread only when that keeps the
 * agent's guarantees (one cycle at a time, tasks in submission order, a flush policy's fsync
 * shared on the agent), and queued work is never stranded by an inline cycle.
 */
class LogAgentTest
{
    @TempDir
    Path tmp;

    private LogAgent agent;
    private AgentRunner runner;

    @BeforeEach
    void setUp() throws InterruptedException
    {
        // A long idle park: a task the agent had to be woken for and was not would wait it out and fail the test's waits.
        agent = new LogAgent("test-agent", 60_000, new Histogram());
        runner = new AgentRunner(new SleepingIdleStrategy(TimeUnit.SECONDS.toNanos(60)), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        // runInline needs the agent started (its thread known); a queued task that ran shows it is.
        final CountDownLatch started = new CountDownLatch(1);
        agent.submit(nowMs -> started.countDown());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        awaitIdle();
    }

    @AfterEach
    void tearDown()
    {
        agent.stop();
        runner.close();
    }

    @Test
    void shouldRunATaskAndItsCompletionOnTheCallersThreadWhenTheAgentIsIdle()
    {
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final AtomicReference<Thread> completedOn = new AtomicReference<>();
        final boolean inline = agent.runInline(new LogAgent.Task()
        {
            @Override
            public void run(final long nowMs)
            {
                ranOn.set(Thread.currentThread());
            }

            @Override
            public void complete()
            {
                completedOn.set(Thread.currentThread());
            }
        });
        assertThat(inline).isTrue();
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        assertThat(completedOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void shouldQueueBehindAnEarlierTaskAndWakeTheAgentForIt() throws InterruptedException
    {
        final CountDownLatch blocking = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> order = new ArrayList<>();
        agent.submit(nowMs ->
        {
            blocking.countDown();
            await(release);
            order.add("first");
        });
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        // The agent is inside a cycle: nothing may run beside it.
        final CountDownLatch secondDone = new CountDownLatch(1);
        assertThat(agent.runInline(nowMs -> order.add("never"))).isFalse();
        agent.runInlineOrSubmit(nowMs ->
        {
            order.add("second");
            secondDone.countDown();
        });
        release.countDown();
        assertThat(secondDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("first", "second");
    }

    @Test
    void shouldNotRunInlineWhileTasksAreQueued() throws InterruptedException
    {
        final CountDownLatch blocking = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        agent.submit(nowMs ->
        {
            blocking.countDown();
            await(release);
        });
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        final CountDownLatch queuedRan = new CountDownLatch(1);
        agent.submit(nowMs -> queuedRan.countDown());
        release.countDown();
        // Whether or not the agent has drained the queued task yet, an inline task never runs before it.
        final AtomicInteger seenQueued = new AtomicInteger(-1);
        agent.runInlineOrSubmit(nowMs -> seenQueued.set((int)(1 - queuedRan.getCount())));
        assertThat(queuedRan.await(10, TimeUnit.SECONDS)).isTrue();
        awaitValue(seenQueued);
        assertThat(seenQueued.get()).isEqualTo(1);
    }

    @Test
    void shouldLeaveTasksOfALogWithAFlushPolicyToTheAgent() throws IOException
    {
        try (PartitionLog flushed = PartitionLog.open(tmp.resolve("t-0"), LogConfig.defaults().withFlush(1, Long.MAX_VALUE),
            0, 0, System.currentTimeMillis());
            PartitionLog unflushed = PartitionLog.open(tmp.resolve("t-1"), LogConfig.defaults(), 0, 0,
                System.currentTimeMillis()))
        {
            assertThat(agent.runInline(taskOf(flushed))).isFalse();
            assertThat(agent.runInline(taskOf(unflushed))).isTrue();
            try (PartitionLog timed = PartitionLog.open(tmp.resolve("t-2"), LogConfig.defaults().withFlush(Long.MAX_VALUE, 1000),
                0, 0, System.currentTimeMillis()))
            {
                assertThat(agent.runInline(taskOf(timed))).isFalse();
            }
        }
    }

    @Test
    void shouldNotRunInlineFromWithinACycle() throws InterruptedException
    {
        final CountDownLatch nestedRan = new CountDownLatch(1);
        final AtomicReference<Boolean> nestedInline = new AtomicReference<>();
        final AtomicInteger depth = new AtomicInteger();
        final boolean inline = agent.runInline(nowMs ->
        {
            depth.incrementAndGet();
            nestedInline.set(agent.runInline(n -> nestedRan.countDown()));
            agent.runInlineOrSubmit(n ->
            {
                // Queued, it runs after this cycle, never inside it.
                assertThat(depth.get()).isEqualTo(0);
                nestedRan.countDown();
            });
            depth.decrementAndGet();
        });
        assertThat(inline).isTrue();
        assertThat(nestedInline.get()).isFalse();
        assertThat(nestedRan.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Several threads hand the agent tasks that update unsynchronised state; inline and queued
     * cycles must never overlap (no lost update) and each thread's tasks must run in its order.
     */
    @Test
    void shouldRunTasksOneAtATimeInEachSubmittersOrderUnderContention() throws InterruptedException
    {
        final int threads = 4;
        final int perThread = 20_000;
        final long[] counter = new long[1];
        final int[] lastSeen = new int[threads];
        final AtomicInteger outOfOrder = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger inlineRuns = new AtomicInteger();
        final AtomicInteger queuedRuns = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(threads * perThread);
        final List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            final Thread th = new Thread(() ->
            {
                for (int i = 1; i <= perThread; i++)
                {
                    final int seq = i;
                    final LogAgent.Task task = nowMs ->
                    {
                        if (running.getAndSet(true))
                        {
                            overlaps.incrementAndGet();
                        }
                        final long c = counter[0];
                        if (seq % 16 == 0)
                        {
                            // Widen the window in which an overlapping cycle would show.
                            final long until = System.nanoTime() + 20_000;
                            while (System.nanoTime() < until)
                            {
                                Thread.onSpinWait();
                            }
                        }
                        counter[0] = c + 1;
                        running.set(false);
                        if (lastSeen[id] != seq - 1)
                        {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[id] = seq;
                        done.countDown();
                    };
                    if (agent.runInline(task))
                    {
                        inlineRuns.incrementAndGet();
                    }
                    else
                    {
                        agent.submit(task);
                        queuedRuns.incrementAndGet();
                    }
                    if (seq % 8 == 0)
                    {
                        // Let the agent catch up now and then, so that runInline finds it idle as well as busy.
                        LockSupport.parkNanos(20_000);
                    }
                }
            }, "submitter-" + t);
            submitters.add(th);
            th.start();
        }
        for (final Thread th : submitters)
        {
            th.join(60_000);
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        final CountDownLatch fence = new CountDownLatch(1);
        agent.submit(nowMs -> fence.countDown());
        assertThat(fence.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps.get()).isZero();
        assertThat(outOfOrder.get()).isZero();
        assertThat(counter[0]).isEqualTo((long)threads * perThread);
        // Both paths were taken often, or the test did not test their interleaving.
        assertThat(inlineRuns.get()).isGreaterThan(100);
        assertThat(queuedRuns.get()).isGreaterThan(100);
    }

    /**
     * A caller that keeps the cycle lock busy with inline tasks must not keep the agent from its
     * maintenance: when it is due, the agent waits for the lock instead of sleeping another period.
     */
    @Test
    void shouldRunMaintenanceWhileInlineCyclesKeepTheLockBusy() throws InterruptedException
    {
        final LogAgent busy = new LogAgent("busy-agent", 10, new Histogram());
        final AgentRunner busyRunner = new AgentRunner(new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(10)),
            Throwable::printStackTrace, null, busy);
        AgentRunner.startOnThread(busyRunner);
        try
        {
            final AtomicInteger maintenance = new AtomicInteger();
            busy.addPeriodic(() ->
            {
                maintenance.incrementAndGet();
                return true;
            });
            final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int inline = 0;
            while (System.nanoTime() < endNs)
            {
                // Each task holds the lock for about a millisecond; the next follows at once.
                if (busy.runInline(nowMs -> LockSupport.parkNanos(1_000_000)))
                {
                    inline++;
                }
            }
            assertThat(inline).isGreaterThan(10);
            assertThat(maintenance.get()).isGreaterThanOrEqualTo(5);
        }
        finally
        {
            busy.stop();
            busyRunner.close();
        }
    }

    /** Until the agent's thread has left the cycle it is in: a no-op task then runs inline. */
    private void awaitIdle() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!agent.runInline(nowMs -> { }))
        {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static LogAgent.Task taskOf(final PartitionLog log)
    {
        return new LogAgent.Task()
        {
            @Override
            public PartitionLog log()
            {
                return log;
            }

            @Override
            public void run(final long nowMs)
            {
            }
        };
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitValue(final AtomicInteger value) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.get() < 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
    }
}
