package io.osprey.consumer;

/**
 * Leaves the group from the network thread (LeaveGroup unless the member is static, see
 * {@link ConsumerCoordinator#leaveGroup}) and completes once the LeaveGroup was answered or
 * failed, so that {@code close} can wait for it.
 * <p>
 * Thread-safety: see {@link NetworkCall}.
 */
final class LeaveCall extends NetworkCall<Void>
{
    private final ConsumerCoordinator coordinator;
    private final String reason;
    private boolean started;

    LeaveCall(final ConsumerCoordinator coordinator, final String reason, final long deadlineMs)
    {
        super(deadlineMs);
        this.coordinator = coordinator;
        this.reason = reason;
    }

    @Override
    long poll(final long nowMs)
    {
        if (!started)
        {
            started = true;
            coordinator.leaveGroup(reason, () -> complete(null));
        }
        return Long.MAX_VALUE;
    }

    @Override
    String lastProblem()
    {
        return "the LeaveGroup request is not answered yet";
    }
}
