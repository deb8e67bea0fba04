package io.osprey.controller.quorum;

import io.aeron.cluster.ConsensusModule;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs Aeron components in invoker mode, one after the other in each duty cycle: on the quorum
 * thread the media driver, the archive and the consensus module; as the consensus module's
 * waiting aid (see {@link InvokingIdleStrategy}) the driver and the archive.
 * <p>
 * The consensus module is launched on the quorum thread ({@link #onStart}): in invoker mode its
 * start runs on the launching thread, and after a restart it waits there for the service
 * container to load its snapshot, while the driver and archive must keep running for the
 * container (they do: the module's idle strategy runs them).
 * <p>
 * An invoker must only ever be run by one thread at a time, and a closed one does nothing; so
 * the consensus module, which must close before the service container and before the archive and
 * driver it uses, is closed by the quorum thread itself ({@link #closeConsensusModule}).
 * <p>
 * Thread-safety: {@link #doWork} on one thread; {@link #closeConsensusModule} from any other.
 */
final class QuorumAgent implements Agent
{
    private final String roleName;
    private final AgentInvoker[] invokers;
    private final Supplier<ConsensusModule> launcher;
    private final CompletableFuture<ConsensusModule> launched = new CompletableFuture<>();
    private AgentInvoker consensusModuleInvoker;
    private volatile ConsensusModule toClose;
    private final CountDownLatch closed = new CountDownLatch(1);

    /**
     * @param launcher launches the consensus module on this agent's thread, or null when this
     *                 agent only runs {@code invokers}.
     */
    QuorumAgent(final String roleName, final Supplier<ConsensusModule> launcher, final AgentInvoker... invokers)
    {
        this.roleName = roleName;
        this.launcher = launcher;
        this.invokers = invokers.clone();
    }

    /** Completes once the consensus module has started on this agent's thread (or failed to). */
    CompletableFuture<ConsensusModule> launched()
    {
        return launched;
    }

    /** The consensus module if it started, otherwise null (not started yet, or failed). */
    ConsensusModule launchedOrNull()
    {
        return launched.isDone() && !launched.isCompletedExceptionally() ? launched.join() : null;
    }

    @Override
    public void onStart()
    {
        if (launcher == null)
        {
            return;
        }
        try
        {
            final ConsensusModule cm = launcher.get();
            consensusModuleInvoker = cm.conductorAgentInvoker();
            launched.complete(cm);
        }
        catch (final RuntimeException | Error e)
        {
            launched.completeExceptionally(e);
            throw e;
        }
    }

    @Override
    public int doWork()
    {
        int work = 0;
        for (final AgentInvoker invoker : invokers)
        {
            work += invoker.invoke();
        }
        if (consensusModuleInvoker != null)
        {
            work += consensusModuleInvoker.invoke();
        }
        final ConsensusModule cm = toClose;
        if (cm != null)
        {
            toClose = null;
            try
            {
                CloseHelper.close(cm);
            }
            finally
            {
                closed.countDown();
            }
            work++;
        }
        return work;
    }

    /**
     * Has the quorum thread close {@code cm} (its invoker is one of this agent's) and waits for it.
     * False if that did not happen within {@code timeoutMs}: the thread is gone or stuck, and the
     * caller must stop it before closing {@code cm} itself.
     */
    boolean closeConsensusModule(final ConsensusModule cm, final long timeoutMs)
    {
        toClose = cm;
        try
        {
            return closed.await(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
