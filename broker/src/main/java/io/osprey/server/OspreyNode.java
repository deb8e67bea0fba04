package io.osprey.server;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.osprey.config.BrokerConfig;
import io.osprey.controller.quorum.ControllerNode;

/**
 * One Osprey process: a controller voter when {@code process.roles} includes controller, a
 * broker when it includes broker, both in one JVM for a combined node (the default, which with
 * no {@code controller.quorum.voters} is a quorum of one). The controller starts first so that
 * the broker can register with it; on close the broker goes first (controlled shutdown:
 * it unregisters while the controller still runs), then the controller.
 * <p>
 * The two roles share the JVM and one Aeron media driver: the controller voter's, which the
 * broker's controller client uses too (started before the broker, closed after it). A
 * broker-only node's client launches a driver of its own.
 * <p>
 * The admin HTTP port ({@code osprey.admin.http.listener}, when set) opens before both roles
 * and closes before them.
 */
public final class OspreyNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(OspreyNode.class);

    private final BrokerConfig config;
    private final ControllerNode controller;
    private final Broker broker;
    private final AdminHttpServer admin;
    private boolean closed;

    private OspreyNode(final BrokerConfig config, final ControllerNode controller, final Broker broker,
        final AdminHttpServer admin)
    {
        this.config = config;
        this.controller = controller;
        this.broker = broker;
        this.admin = admin;
    }

    /** Starts the configured roles; returns once the broker (if any) is registered and serving. */
    public static OspreyNode start(final BrokerConfig config) throws IOException, InterruptedException
    {
        final AdminHttpServer admin = config.adminHttpListener().isPresent() ?
            AdminHttpServer.start(config.adminHttpListener().get()) : null;
        ControllerNode controller = null;
        try
        {
            if (config.isController())
            {
                controller = ControllerNode.launch(QuorumSettings.quorumConfig(config));
                LOG.info("Controller voter {} started (voters {})", config.nodeId(), QuorumSettings.votersText(config));
            }
            final Broker broker = config.isBroker() ? new Broker(config) : null;
            final OspreyNode node = new OspreyNode(config, controller, broker, admin);
            if (admin != null)
            {
                admin.attach(node);
            }
            return node;
        }
        catch (final IOException | InterruptedException | RuntimeException e)
        {
            if (controller != null)
            {
                controller.close();
            }
            if (admin != null)
            {
                admin.close();
            }
            throw e;
        }
    }

    public BrokerConfig config()
    {
        return config;
    }

    /** The broker, or null on a controller-only node. */
    public Broker broker()
    {
        return broker;
    }

    /** The admin HTTP server, or null when {@code osprey.admin.http.listener} is empty. */
    public AdminHttpServer admin()
    {
        return admin;
    }

    /** The controller voter, or null on a broker-only node. */
    public ControllerNode controller()
    {
        return controller;
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        if (admin != null)
        {
            admin.close();
        }
        if (broker != null)
        {
            broker.close();
        }
        if (controller != null)
        {
            controller.close();
            LOG.info("Controller voter {} stopped", config.nodeId());
        }
    }
}
