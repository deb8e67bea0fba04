package io.osprey.controller.quorum;

import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

/**
 * The consensus module's idle strategy when it shares the quorum thread with the media driver
 * and the archive: before each idle it runs them ({@code others}), and it idles only when they
 * had nothing to do either. The consensus module idles inside its own duty cycle while it waits
 * for them (a recording to start or reach a position, an image, the service's snapshot), and on
 * a shared thread nothing else would run them meanwhile.
 * <p>
 * Thread-safety: the quorum thread only.
 */
final class InvokingIdleStrategy implements IdleStrategy
{
    private final IdleStrategy delegate;
    private final AgentInvoker others;

    InvokingIdleStrategy(final IdleStrategy delegate, final AgentInvoker others)
    {
        this.delegate = delegate;
        this.others = others;
    }

    @Override
    public void idle(final int workCount)
    {
        delegate.idle(workCount + others.invoke());
    }

    @Override
    public void idle()
    {
        if (others.invoke() <= 0)
        {
            delegate.idle();
        }
    }

    @Override
    public void reset()
    {
        delegate.reset();
    }

    @Override
    public String alias()
    {
        return "invoking-" + delegate.alias();
    }
}
