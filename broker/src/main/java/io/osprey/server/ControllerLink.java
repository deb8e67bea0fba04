package io.osprey.server;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.osprey.common.ErrorCode;
import io.osprey.controller.Command;
import io.osprey.controller.Response;
import io.osprey.controller.quorum.ControllerClient;

/**
 * This broker's membership in the cluster, over a {@link ControllerClient}: it registers
 * (node id, a fresh incarnation id per process start, endpoints, rack), heartbeats every
 * {@code broker.heartbeat.interval.ms} to renew its lease, registers again when the controller
 * no longer knows this incarnation, and unregisters on a clean stop (controlled shutdown: the
 * controller moves leadership away before this broker goes). Admin commands go through
 * {@link #submit}.
 * <p>
 * Protocol: the client sends one command at a time, so a heartbeat waits behind admin commands
 * submitted before it; at most one heartbeat is outstanding in the client (a heartbeat whose
 * answer has arrived counts as done even while its callback waits its turn). The lease is
 * {@code broker.session.timeout.ms} from the controller's cluster time of the last heartbeat,
 * and a new controller leader renews it from the start of its term.
 * <p>
 * Thread-safety: {@link #submit} from any thread; the heartbeat timer runs on its own thread.
 */
public final class ControllerLink implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ControllerLink.class);
    /** How long a clean stop waits for the controller to commit the unregistration. */
    private static final long UNREGISTER_TIMEOUT_MS = 5_000;
    /** Log a waiting registration this often, so an operator sees why the node is not serving. */
    private static final long REGISTER_LOG_INTERVAL_MS = 10_000;

    private final ControllerClient client;
    private final int brokerId;
    private final UUID incarnationId = UUID.randomUUID();
    private final List<String> endpoints;
    private final String rack;
    private final ScheduledExecutorService heartbeats;
    private volatile ControllerClient.Submission heartbeatInFlight;
    private volatile boolean closed;

    public ControllerLink(final ControllerClient client, final int brokerId, final List<String> endpoints, final String rack)
    {
        this.client = client;
        this.brokerId = brokerId;
        this.endpoints = List.copyOf(endpoints);
        this.rack = rack;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-broker-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    public UUID incarnationId()
    {
        return incarnationId;
    }

    /** Whether this broker's client holds a session with the controller quorum. */
    public boolean isConnected()
    {
        return client.isConnected();
    }

    /** The voter that leads the quorum, as this broker last heard, or -1. */
    public int activeControllerId()
    {
        return client.leaderMemberId();
    }

    /** Sends a command to the quorum; the future completes with the committed response, on the client's callback thread. */
    public CompletableFuture<Response> submit(final Command command)
    {
        return client.submit(command);
    }

    /**
     * Registers and waits until the controller has committed it (so the metadata image this
     * node holds is at least as new as its registration). Waits as long as it takes for a quorum
     * to form, logging every {@value #REGISTER_LOG_INTERVAL_MS} ms.
     *
     * @throws IllegalStateException when the controller refuses the registration
     */
    public void register() throws InterruptedException
    {
        final long startNs = System.nanoTime();
        while (!closed)
        {
            final CompletableFuture<Response> f = client.submit(registration());
            while (!closed)
            {
                try
                {
                    final Response r = f.get(REGISTER_LOG_INTERVAL_MS, TimeUnit.MILLISECONDS);
                    if (r.error() != ErrorCode.NONE)
                    {
                        throw new IllegalStateException("The controller refused to register broker " + brokerId + ": " + r);
                    }
                    LOG.info("Registered broker {} (incarnation {}) with the controller quorum in {} ms", brokerId, incarnationId,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                    return;
                }
                catch (final TimeoutException e)
                {
                    // The client keeps resending the same command; keep waiting on it.
                    LOG.info("Broker {} still waiting for the controller quorum ({} s so far)", brokerId,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs));
                }
                catch (final ExecutionException e)
                {
                    // The client gave up on it (its request timeout): ask again.
                    LOG.info("Registration of broker {} failed ({}); retrying", brokerId, e.getCause().toString());
                    break;
                }
            }
        }
        throw new IllegalStateException("Broker " + brokerId + " closed before it registered");
    }

    /** Starts heartbeating every {@code intervalMs}. */
    public void startHeartbeats(final long intervalMs)
    {
        heartbeats.scheduleWithFixedDelay(this::maybeHeartbeat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs on the heartbeat thread. The previous heartbeat only has to be settled in the client
     * (answered, so it reached the quorum and renewed the lease, or failed), not completed: its
     * future completes on the client's callback thread, which may be busy applying metadata
     * (creating logs, loading a coordinator partition), and heartbeats must not wait for that.
     */
    private void maybeHeartbeat()
    {
        final ControllerClient.Submission previous = heartbeatInFlight;
        if (closed || (previous != null && !previous.settled()))
        {
            return;
        }
        final ControllerClient.Submission heartbeat = client.submit(new Command.BrokerHeartbeat("", 0, brokerId, incarnationId));
        heartbeatInFlight = heartbeat;
        heartbeat.whenComplete((r, e) ->
        {
            if (r != null && r.error() == ErrorCode.BROKER_NOT_AVAILABLE && !closed)
            {
                // The controller lost this incarnation (unregistered, or a restarted quorum): join again.
                LOG.warn("The controller no longer knows broker {} incarnation {}; registering again", brokerId, incarnationId);
                heartbeatInFlight = client.submit(registration());
            }
        });
    }

    private Command registration()
    {
        return new Command.RegisterBroker("", 0, brokerId, incarnationId, endpoints, rack);
    }

    /**
     * Controlled shutdown: stops heartbeating and asks the controller to unregister this broker,
     * waiting up to {@value #UNREGISTER_TIMEOUT_MS} ms for the commit. Does not close the client.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        heartbeats.shutdownNow();
        try
        {
            final Response r = client.submit(new Command.UnregisterBroker("", 0, brokerId)).get(UNREGISTER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.info("Broker {} unregistered from the controller quorum ({})", brokerId, r.error());
        }
        catch (final TimeoutException | ExecutionException e)
        {
            LOG.warn("Broker {} could not unregister within {} ms ({}); its lease will lapse instead", brokerId,
                UNREGISTER_TIMEOUT_MS, e.toString());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
