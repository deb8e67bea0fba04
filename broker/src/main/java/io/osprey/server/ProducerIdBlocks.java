package io.osprey.server;

import java.util.concurrent.CompletableFuture;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.controller.Command;
import io.osprey.controller.Response;

/**
 * Producer ids for InitProducerId, handed out from blocks the controller allocates to this
 * broker (AllocateProducerIds): ids are unique across the cluster and across restarts, since a
 * block is committed before any of its ids is used and a restarted broker asks for a new one.
 * <p>
 * Thread-safety: {@link #next} from any thread. At most one allocation is in flight; callers
 * that find the block used up wait on it without holding a thread.
 */
final class ProducerIdBlocks
{
    private final ControllerLink controller;
    private final int brokerId;
    private long nextId;
    private long blockEnd;
    private CompletableFuture<Void> allocating;

    ProducerIdBlocks(final ControllerLink controller, final int brokerId)
    {
        this.controller = controller;
        this.brokerId = brokerId;
    }

    /** The next unused producer id; completes exceptionally when the controller refuses or does not answer. */
    CompletableFuture<Long> next()
    {
        final CompletableFuture<Void> wait;
        synchronized (this)
        {
            if (nextId < blockEnd)
            {
                return CompletableFuture.completedFuture(nextId++);
            }
            if (allocating == null || allocating.isDone())
            {
                allocating = controller.submit(new Command.AllocateProducerIds("", 0, brokerId)).handle((r, e) ->
                {
                    onAllocated(r, e);
                    return null;
                });
            }
            wait = allocating;
        }
        return wait.thenCompose(v -> next());
    }

    private synchronized void onAllocated(final Response r, final Throwable e)
    {
        allocating = null;
        if (e != null)
        {
            throw new OspreyException(AdminHandler.errorOf(e), "no producer-id block from the controller: " + e);
        }
        if (!(r instanceof Response.ProducerIds ids) || ids.error() != ErrorCode.NONE)
        {
            throw new OspreyException(r.error() == ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : r.error(),
                "the controller refused a producer-id block: " + r);
        }
        nextId = ids.firstProducerId();
        blockEnd = ids.firstProducerId() + ids.count();
    }
}
