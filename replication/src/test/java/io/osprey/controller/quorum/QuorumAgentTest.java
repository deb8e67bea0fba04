package io.osprey.controller.quorum;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pieces that let Aeron's driver, archive and consensus module share one thread. */
class QuorumAgentTest
{
    /** An agent that reports the work it is told to and counts its duty cycles. */
    private static final class Component implements Agent
    {
        int work;
        int cycles;

        @Override
        public int doWork()
        {
            cycles++;
            return work;
        }

        @Override
        public String roleName()
        {
            return "component";
        }
    }

    /** Records how it was asked to idle. */
    private static final class RecordingIdle implements IdleStrategy
    {
        final List<String> calls = new ArrayList<>();

        @Override
        public void idle(final int workCount)
        {
            calls.add("idle(" + workCount + ")");
        }

        @Override
        public void idle()
        {
            calls.add("idle()");
        }

        @Override
        public void reset()
        {
            calls.add("reset()");
        }
    }

    private static AgentInvoker started(final Agent agent)
    {
        final AgentInvoker invoker = new AgentInvoker(Throwable::printStackTrace, null, agent);
        invoker.start();
        return invoker;
    }

    @Test
    void shouldRunEveryComponentEachCycleAndReportTheirWorkTogether()
    {
        final Component driver = new Component();
        final Component archive = new Component();
        final QuorumAgent agent = new QuorumAgent("quorum", null, started(driver), started(archive));
        agent.onStart(); // no consensus module to launch

        assertThat(agent.doWork()).isZero();
        driver.work = 2;
        archive.work = 3;
        assertThat(agent.doWork()).isEqualTo(5);
        assertThat(driver.cycles).isEqualTo(2);
        assertThat(archive.cycles).isEqualTo(2);
        assertThat(agent.launchedOrNull()).isNull();
    }

    @Test
    void shouldRunTheOthersWhileTheConsensusModuleWaitsAndIdleOnlyWhenNoneWorked()
    {
        final Component others = new Component();
        final RecordingIdle delegate = new RecordingIdle();
        final InvokingIdleStrategy idle = new InvokingIdleStrategy(delegate, started(others));

        idle.idle(0); // a waiting loop that found nothing: the others run, then the delegate idles with no work
        others.work = 4;
        idle.idle(0); // the others worked: the delegate is told so (no park), the loop polls again at once
        idle.idle(1);
        others.work = 0;
        idle.idle();
        others.work = 1;
        idle.idle(); // an unconditional idle is skipped when the others had work
        idle.reset();

        assertThat(others.cycles).isEqualTo(5);
        assertThat(delegate.calls).containsExactly("idle(0)", "idle(4)", "idle(5)", "idle()", "reset()");
        assertThat(idle.alias()).startsWith("invoking-");
    }

    @Test
    void shouldReportAFailedLaunchToTheWaitingThreadAndRethrowItToStopTheRunner()
    {
        final IllegalStateException failure = new IllegalStateException("no archive");
        final QuorumAgent agent = new QuorumAgent("quorum", () ->
        {
            throw failure;
        });

        assertThatThrownBy(agent::onStart).isSameAs(failure);
        assertThat(agent.launched()).isCompletedExceptionally();
        assertThat(agent.launchedOrNull()).isNull();
    }
}
