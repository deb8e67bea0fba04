package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.controller.Command.BrokerHeartbeat;
import io.osprey.controller.Command.RegisterBroker;
import io.osprey.controller.Command.UnregisterBroker;
import io.osprey.controller.MetadataRecord.BrokerFenced;
import io.osprey.controller.MetadataRecord.BrokerLeaseRenewed;
import io.osprey.controller.MetadataRecord.BrokerRegistered;
import io.osprey.controller.MetadataRecord.BrokerUnfenced;
import io.osprey.controller.MetadataRecord.BrokerUnregistered;

/**
 * Broker registration, leases and fencing. A broker is live while its lease (last heartbeat
 * plus {@code broker.session.timeout.ms}) has not run out; {@link #onTimer} fences the ones
 * whose lease has, after moving their leadership away. A broker that returns with the same
 * incarnation is unfenced by its next heartbeat; one that restarted (new incarnation) is
 * fenced as its old self first, so nothing it led keeps an epoch from before the restart.
 * A new controller leader renews every live lease ({@link #renewLiveLeases}), so a failover
 * never fences a broker that kept heartbeating.
 */
final class BrokerLifecycle
{
    private final ControllerConfig config;

    BrokerLifecycle(final ControllerConfig config)
    {
        this.config = config;
    }

    Response register(final RecordDraft draft, final RegisterBroker cmd, final long nowMs)
    {
        if (cmd.brokerId() < 0 || cmd.incarnationId() == null || cmd.endpoints().isEmpty())
        {
            throw new OspreyException(ErrorCode.INVALID_REQUEST, "broker id, incarnation id and an endpoint are required");
        }
        final long leaseExpiryMs = nowMs + config.brokerSessionTimeoutMs();
        final BrokerInfo existing = draft.image().broker(cmd.brokerId());
        if (existing != null && existing.incarnationId().equals(cmd.incarnationId()))
        {
            renew(draft, existing, leaseExpiryMs);
            return new Response.Lease(ErrorCode.NONE, null, leaseExpiryMs, false);
        }
        if (existing != null && !existing.fenced())
        {
            fence(draft, cmd.brokerId());
        }
        draft.append(new BrokerRegistered(cmd.brokerId(), cmd.incarnationId(), cmd.endpoints(), cmd.rack(), leaseExpiryMs));
        LeaderElection.electOffline(draft, null, config);
        return new Response.Lease(ErrorCode.NONE, null, leaseExpiryMs, false);
    }

    Response heartbeat(final RecordDraft draft, final BrokerHeartbeat cmd, final long nowMs)
    {
        final BrokerInfo existing = draft.image().broker(cmd.brokerId());
        if (existing == null || !existing.incarnationId().equals(cmd.incarnationId()))
        {
            // Kafka answers STALE_BROKER_EPOCH here; either way the broker must register again.
            return new Response.Lease(ErrorCode.BROKER_NOT_AVAILABLE, "not registered with this incarnation", -1L, true);
        }
        final long leaseExpiryMs = nowMs + config.brokerSessionTimeoutMs();
        renew(draft, existing, leaseExpiryMs);
        return new Response.Lease(ErrorCode.NONE, null, leaseExpiryMs, false);
    }

    Response unregister(final RecordDraft draft, final UnregisterBroker cmd)
    {
        final BrokerInfo existing = draft.image().broker(cmd.brokerId());
        if (existing == null)
        {
            throw new OspreyException(ErrorCode.BROKER_NOT_AVAILABLE, "broker " + cmd.brokerId() + " is not registered");
        }
        Reassignments.cancelMovesTo(draft, cmd.brokerId());
        if (!existing.fenced())
        {
            fence(draft, cmd.brokerId());
        }
        draft.append(new BrokerUnregistered(cmd.brokerId()));
        return Response.Simple.OK;
    }

    /** Fences every live broker whose lease ran out by {@code nowMs}. */
    void onTimer(final RecordDraft draft, final long nowMs)
    {
        for (final BrokerInfo b : draft.image().brokers().values())
        {
            if (!b.fenced() && nowMs >= b.leaseExpiryMs())
            {
                fence(draft, b.id());
            }
        }
    }

    /**
     * A new controller leader took over at {@code nowMs}: every live broker's lease runs at
     * least a whole session from then (Kafka's controller resets its heartbeat tracking on
     * failover), since no broker could heartbeat while there was no leader. Brokers whose lease
     * ran out during the failover are renewed too; fenced brokers stay fenced.
     */
    void renewLiveLeases(final RecordDraft draft, final long nowMs)
    {
        final long leaseExpiryMs = nowMs + config.brokerSessionTimeoutMs();
        for (final BrokerInfo b : draft.image().brokers().values())
        {
            if (!b.fenced() && b.leaseExpiryMs() < leaseExpiryMs)
            {
                draft.append(new BrokerLeaseRenewed(b.id(), leaseExpiryMs));
            }
        }
    }

    private void renew(final RecordDraft draft, final BrokerInfo existing, final long leaseExpiryMs)
    {
        if (existing.fenced())
        {
            draft.append(new BrokerUnfenced(existing.id(), leaseExpiryMs));
            LeaderElection.electOffline(draft, null, config);
        }
        else
        {
            draft.append(new BrokerLeaseRenewed(existing.id(), leaseExpiryMs));
        }
    }

    private void fence(final RecordDraft draft, final int brokerId)
    {
        LeaderElection.removeBroker(draft, brokerId, config);
        draft.append(new BrokerFenced(brokerId));
    }
}
