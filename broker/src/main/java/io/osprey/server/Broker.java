package io.osprey.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.HashedWheelTimer;
import io.osprey.config.BrokerConfig;
import io.osprey.config.Listener;
import io.osprey.config.StorageFormat;
import io.osprey.config.TopicConfigs;
import io.osprey.group.GroupConfig;
import io.osprey.group.GroupCoordinatorService;
import io.osprey.group.GroupHandler;
import io.osprey.log.LogManager;
import io.osprey.network.OspreyServer;

/**
 * A single-node broker: storage, log agents, the request handlers and the TCP server, started
 * in that order and stopped in reverse. The log directory must be formatted
 * ({@link StorageFormat}); a directory of another cluster or node is refused.
 */
public final class Broker implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final LogManager logManager;
    private final AgentRunner[] runners;
    private final HashedWheelTimer timer;
    private final ExecutorService adminExecutor;
    private final ScheduledExecutorService checkpointer;
    private final PartitionManager partitions;
    private final GroupCoordinatorService groups;
    private final OspreyServer server;
    private final String clusterId;

    public Broker(final BrokerConfig config) throws IOException, InterruptedException
    {
        this.config = config;
        final Path logDir = config.logDirs().get(0);
        if (config.logDirs().size() > 1)
        {
            LOG.warn("Several log.dirs are configured; this version uses only the first, {}", logDir);
        }
        clusterId = StorageFormat.checkAll(config.logDirs().subList(0, 1), config.clusterId().orElse(null), config.nodeId());
        final long nowMs = System.currentTimeMillis();
        final TopicConfigs topicConfigs = config.topicConfigs();
        final MetadataStore metadata = new MetadataStore(logDir);
        logManager = new LogManager(logDir, dirName -> topicConfigs.logConfig(overridesFor(metadata, dirName)),
            dirName -> isKnownPartition(metadata, dirName), nowMs);
        logManager.startCleaner(config.cleanerConfig());

        final LogAgent[] agents = new LogAgent[config.numIoThreads()];
        runners = new AgentRunner[agents.length];
        final long periodMs = Math.max(10, Math.min(1000, config.logFlushSchedulerIntervalMs()));
        for (int i = 0; i < agents.length; i++)
        {
            agents[i] = new LogAgent("log-agent-" + i, periodMs);
            // Parks up to 1 ms when idle; submit() unparks at once, so idle costs little CPU and work starts without delay.
            runners[i] = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, 1_000_000), e -> LOG.error("Log agent error", e),
                null, agents[i]);
            AgentRunner.startOnThread(runners[i]);
        }
        partitions = new PartitionManager(logManager, metadata, agents, topicConfigs::logConfig, nowMs);

        final Listener listener = config.listeners().get(0);
        final Listener advertised = config.advertisedListeners().get(0);
        timer = new HashedWheelTimer(r ->
        {
            final Thread t = new Thread(r, "osprey-purgatory");
            t.setDaemon(true);
            return t;
        }, 5, TimeUnit.MILLISECONDS);
        adminExecutor = Executors.newSingleThreadExecutor(r -> new Thread(r, "osprey-admin"));
        checkpointer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-checkpoint");
            t.setDaemon(true);
            return t;
        });
        final BrokerSettings settings = new BrokerSettings(config.nodeId(), clusterId, advertised.address().host(),
            advertised.address().port(), config.rack().orElse(null), config.autoCreateTopicsEnable(), config.numPartitions(),
            (short)config.defaultReplicationFactor(), config.fetchMaxBytes(), config.deleteTopicEnable());
        groups = new GroupCoordinatorService(GroupConfig.from(config), partitions, config.nodeId(), advertised.address().host(),
            advertised.address().port(), System::currentTimeMillis);
        groups.start();
        final RequestRouter router = new RequestRouter(
            new ProduceHandler(partitions),
            new FetchHandler(partitions, timer, config.fetchMaxBytes()),
            new MetadataHandler(partitions, settings),
            new ListOffsetsHandler(partitions),
            new AdminHandler(partitions, settings, config, topicConfigs, adminExecutor),
            new GroupHandler(groups));
        server = new OspreyServer(listener.address().host(), listener.address().port(), config.numNetworkThreads(),
            config.socketRequestMaxBytes(), config.queuedMaxRequests(), config.socketSendBufferBytes(),
            config.socketReceiveBufferBytes(), router);
        final long checkpointMs = Math.max(1000, config.logFlushOffsetCheckpointIntervalMs());
        checkpointer.scheduleWithFixedDelay(this::checkpoint, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
        LOG.info("Osprey node {} of cluster {} serving on {} (advertised as {}), log dir {}", config.nodeId(), clusterId,
            listener.address(), advertised.address(), logDir);
    }

    private static boolean isKnownPartition(final MetadataStore metadata, final String dirName)
    {
        final int dash = dirName.lastIndexOf('-');
        final TopicInfo t = metadata.topic(dirName.substring(0, dash));
        try
        {
            return t != null && Integer.parseInt(dirName.substring(dash + 1)) < t.partitions();
        }
        catch (final NumberFormatException e)
        {
            return false;
        }
    }

    private static java.util.Map<String, String> overridesFor(final MetadataStore metadata, final String dirName)
    {
        final String topic = dirName.substring(0, dirName.lastIndexOf('-'));
        final TopicInfo t = metadata.topic(topic);
        return t == null ? java.util.Map.of() : t.configs();
    }

    private void checkpoint()
    {
        try
        {
            logManager.checkpoint();
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.error("Could not write offset checkpoints", e);
        }
    }

    public int port()
    {
        return server.port();
    }

    public String clusterId()
    {
        return clusterId;
    }

    public PartitionManager partitions()
    {
        return partitions;
    }

    /** The logs of this node and their cleaner (tests force a compaction pass through it). */
    public LogManager logManager()
    {
        return logManager;
    }

    public BrokerConfig config()
    {
        return config;
    }

    /** Clean shutdown: stop taking requests, let the log agents finish, flush and trim every log, checkpoint. */
    @Override
    public void close()
    {
        LOG.info("Shutting down node {}", config.nodeId());
        server.close();
        adminExecutor.shutdown();
        try
        {
            adminExecutor.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        timer.stop();
        // Before the log agents: the coordinator's appends go to them.
        groups.close();
        checkpointer.shutdownNow();
        for (final AgentRunner r : runners)
        {
            r.close();
        }
        try
        {
            logManager.close();
        }
        catch (final IOException e)
        {
            LOG.error("Could not close the logs cleanly", e);
        }
        LOG.info("Node {} stopped", config.nodeId());
    }
}
