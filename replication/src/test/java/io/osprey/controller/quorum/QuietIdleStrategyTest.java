package io.osprey.controller.quorum;

import io.osprey.controller.ControllerConfig;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuietIdleStrategyTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @BeforeEach
    void forgetOtherTests()
    {
        // A node closed by an earlier test class in this JVM leaves a busy window that would hold the ladder at 1 ms.
        QuietIdleStrategy.resetForTests();
    }

    @Test
    void shouldDoubleItsParkUpToTheMaximumAndStartAgainAfterAWakeOrAReset()
    {
        final QuietIdleStrategy idle = new QuietIdleStrategy(8 * MS, 8 * MS);
        idle.idle(); // registers this thread, parks 1 ms
        assertThat(idle.nextParkNs()).isEqualTo(2 * MS);
        idle.idle();
        idle.idle();
        idle.idle();
        assertThat(idle.nextParkNs()).isEqualTo(8 * MS);
        idle.idle(5); // work: no park, and the ladder stays where it is
        assertThat(idle.nextParkNs()).isEqualTo(8 * MS);

        QuietIdleStrategy.wakeAll();
        assertThat(idle.nextParkNs()).isEqualTo(MS);
        idle.idle(); // the wake left an unpark: this returns at once, then the ladder climbs from 1 ms again
        assertThat(idle.nextParkNs()).isEqualTo(2 * MS);

        idle.idle();
        idle.reset();
        assertThat(idle.nextParkNs()).isEqualTo(MS);
    }

    @Test
    void shouldEndALongParkOnWakeAll() throws InterruptedException
    {
        // A park of a minute: only wakeAll can end it within the bound below.
        final long minute = TimeUnit.SECONDS.toNanos(60);
        final QuietIdleStrategy idle = new QuietIdleStrategy(minute, minute, minute);
        final CountDownLatch woke = new CountDownLatch(1);
        final Thread agent = new Thread(() ->
        {
            idle.idle();
            woke.countDown();
        }, "quiet-idle-test-agent");
        agent.setDaemon(true);
        agent.start();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (agent.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(5); // registered and parked once it waits
        }
        while (!woke.await(100, TimeUnit.MILLISECONDS) && System.nanoTime() < deadlineNs)
        {
            QuietIdleStrategy.wakeAll();
        }
        assertThat(woke.getCount()).as("the park ended by wakeAll").isZero();
    }

    @Test
    void shouldRefuseAMaximumBelowTheMinimum()
    {
        assertThatThrownBy(() -> new QuietIdleStrategy(MS / 2, 10 * MS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuietIdleStrategy(10 * MS, MS / 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParkLongOnlyWhileAQuietClientRunsInTheProcess()
    {
        // A controller-only process has no local client to announce commands: its ladder stops at the fallback.
        final QuietIdleStrategy idle = new QuietIdleStrategy(8 * MS, 2 * MS);
        idle.idle();
        idle.idle();
        idle.idle();
        assertThat(idle.nextParkNs()).isEqualTo(2 * MS);

        QuietIdleStrategy.clientStarted();
        try
        {
            idle.idle();
            idle.idle();
            assertThat(idle.nextParkNs()).isEqualTo(8 * MS);
        }
        finally
        {
            QuietIdleStrategy.clientClosed();
        }
        assertThat(idle.nextParkNs()).isEqualTo(MS); // the close woke everyone
        idle.idle();
        idle.idle();
        idle.idle();
        assertThat(idle.nextParkNs()).isEqualTo(2 * MS);
    }

    @Test
    void shouldBeQuietOnlyWithASingleVoterAndTheQuietStrategy()
    {
        final List<Voter> one = Voter.parseList("1@127.0.0.1:30000");
        final List<Voter> three = Voter.parseList("1@127.0.0.1:30000,2@127.0.0.1:30010,3@127.0.0.1:30020");
        assertThat(config(one, "quiet").newIdleStrategy()).isInstanceOf(QuietIdleStrategy.class);
        assertThat(config(one, "quiet").quiet()).isTrue();
        // More voters: commands arrive from other nodes, which cannot wake this one's agents.
        assertThat(config(three, "quiet").newIdleStrategy()).isInstanceOf(SleepingIdleStrategy.class);
        assertThat(config(three, "quiet").quiet()).isFalse();
        assertThat(config(one, "sleep").newIdleStrategy()).isInstanceOf(SleepingIdleStrategy.class);
        assertThat(QuorumConfig.DEFAULT_IDLE_STRATEGY).isEqualTo("quiet");
    }

    private static QuorumConfig config(final List<Voter> voters, final String strategy)
    {
        return new QuorumConfig(1, voters, new File("unused"), "unused", 1_000, 100, 500, strategy, 10, 100,
            QuorumConfig.DEFAULT_LOG_TERM_BYTES, 10_000, 3_600_000, ControllerConfig.DEFAULT);
    }
}
