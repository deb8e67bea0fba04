package io.osprey.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.config.BrokerConfig;
import io.osprey.config.Listener;
import io.osprey.config.StorageFormat;
import io.osprey.config.StorageFormatException;
import io.osprey.config.TopicConfigs;
import io.osprey.group.GroupConfig;
import io.osprey.group.GroupCoordinatorService;
import io.osprey.group.GroupHandler;
import io.osprey.log.LogManager;
import io.osprey.metrics.BrokerMetrics;
import io.osprey.network.OspreyServer;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.TopicInfo;
import io.osprey.controller.quorum.ControllerClient;
import io.osprey.controller.quorum.QuorumConfig;

/**
 * A broker: storage, log agents, the request handlers and the TCP server, started in that order
 * and stopped in reverse, as a client of the controller quorum. At start it connects to the
 * quorum ({@code controller.quorum.voters}), subscribes to the committed metadata records and
 * registers, waiting for as long as it takes a quorum to form; only then does it open its logs
 * (so that directories of topics deleted meanwhile are dropped) and start serving. The
 * metadata image then drives the partition manager and answers Metadata; admin commands are
 * forwarded to the controller. The log directory must be formatted ({@link StorageFormat}); a
 * directory of another cluster or node is refused.
 */
public final class Broker implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** The metadata file of Osprey versions before the controller quorum. */
    static final String LEGACY_METADATA_FILE = "osprey-metadata";
    /** Controller client resends an unanswered command this often. */
    private static final long CONTROLLER_RESEND_MS = 1_000;
    /** Controller client fails a command unanswered for this long (a quorum without a majority). */
    private static final long CONTROLLER_REQUEST_TIMEOUT_MS = 30_000;
    private static final long CONTROLLER_KEEPALIVE_MS = 1_000;

    private final BrokerConfig config;
    private final ControllerClient controllerClient;
    private final ControllerLink controller;
    private final MetadataCache metadata = new MetadataCache();
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final LogManager logManager;
    private final LogAgent[] agents;
    private final AgentRunner[] runners;
    private final DeadlineTimer timer;
    private final ExecutorService adminExecutor;
    private final ScheduledExecutorService checkpointer;
    private final PartitionManager partitions;
    private final GroupCoordinatorService groups;
    private final OspreyServer server;
    private final String clusterId;
    private volatile boolean closed;

    public Broker(final BrokerConfig config) throws IOException, InterruptedException
    {
        this.config = config;
        final Path logDir = config.logDirs().get(0);
        if (config.logDirs().size() > 1)
        {
            LOG.warn("Several log.dirs are configured; this version uses only the first, {}", logDir);
        }
        clusterId = StorageFormat.checkAll(config.logDirs().subList(0, 1), config.clusterId().orElse(null), config.nodeId());
        if (Files.exists(logDir.resolve(LEGACY_METADATA_FILE)))
        {
            throw new StorageFormatException(logDir + " holds " + LEGACY_METADATA_FILE + ", the topic store of Osprey before the " +
                "controller quorum; this version keeps metadata in the quorum and cannot import it: move the directory away " +
                "and format a new one (io.osprey.Node format)");
        }
        // The one client listener (BrokerConfigChecks refuses a second): the inter-broker listener, never a controller's.
        final Listener listener = config.listener(config.interBrokerListenerName()).orElseThrow();
        final Listener advertised = config.advertisedListeners().stream().filter(l -> l.name().equals(listener.name()))
            .findFirst().orElseThrow();
        final String advertisedHost = advertised.address().host();
        final String shm = new java.io.File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        // A combined node's broker uses its controller voter's media driver (started before the broker, closed after it).
        final boolean combined = config.isController();
        // With a quorum of one in this process the client idles as quietly as the quorum's agents (QuietIdleStrategy).
        final QuorumConfig quorum = combined ? QuorumSettings.quorumConfig(config) : null;
        controllerClient = ControllerClient.start(new ControllerClient.Config(
            "broker-" + config.nodeId() + "-" + java.util.UUID.randomUUID(), QuorumSettings.voters(config),
            combined ? quorum.aeronDir() : shm + "/osprey-broker-" + config.nodeId() + "-" +
                listener.address().port(), advertisedHost,
            CONTROLLER_RESEND_MS, CONTROLLER_REQUEST_TIMEOUT_MS, CONTROLLER_KEEPALIVE_MS, combined,
            combined && quorum.quiet() ? quorum.quietParkMaxMs() : 0));
        controllerClient.subscribe(MetadataImage.EMPTY, metadata);
        controller = new ControllerLink(controllerClient, config.nodeId(), List.of(advertisedHost + ":" + advertised.address().port()),
            config.rack().orElse(null));
        try
        {
            controller.register();
            // At once, not once serving: opening the logs and creating the partitions assigned to
            // this broker can take longer than a session, and the lease runs from the registration.
            controller.startHeartbeats(config.brokerHeartbeatIntervalMs());
        }
        catch (final InterruptedException | RuntimeException e)
        {
            controllerClient.close();
            throw e;
        }
        final MetadataImage image = metadata.image();
        final long nowMs = System.currentTimeMillis();
        final TopicConfigs topicConfigs = config.topicConfigs();
        logManager = new LogManager(logDir, dirName -> topicConfigs.logConfig(overridesFor(image, dirName)),
            dirName -> isAssignedPartition(image, dirName, config.nodeId()), nowMs);
        logManager.startCleaner(config.cleanerConfig());

        agents = new LogAgent[config.numIoThreads()];
        runners = new AgentRunner[agents.length];
        final long periodMs = Math.max(10, Math.min(1000, config.logFlushSchedulerIntervalMs()));
        for (int i = 0; i < agents.length; i++)
        {
            agents[i] = new LogAgent("log-agent-" + i, periodMs, metrics.logFlushTime());
            // Idle, it parks for its maintenance period, and submit() unparks it at once: no spin and no ladder of short
            // parks, which at a fixed produce rate cost more CPU than the appends (8 agents polling every 1 ms took 9% of a
            // core idle). close() stops it first, so it need not wait out the park.
            runners[i] = new AgentRunner(new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(periodMs)),
                e -> LOG.error("Log agent error", e), null, agents[i]);
            AgentRunner.startOnThread(runners[i]);
        }
        timer = new DeadlineTimer("osprey-purgatory");
        final ReplicaFetcher.Settings fetcherSettings = new ReplicaFetcher.Settings(config.nodeId(),
            BrokerInfo.brokerEpochOf(controller.incarnationId()), clusterId, config.replicaFetchWaitMaxMs(),
            config.replicaFetchMinBytes(), config.replicaFetchResponseMaxBytes(), config.replicaFetchMaxBytes(),
            Math.max(config.replicaSocketTimeoutMs(), config.replicaFetchWaitMaxMs() + 1_000), config.replicaFetchBackoffMs());
        partitions = new PartitionManager(logManager, metadata, agents, topicConfigs::logConfig, config.nodeId(), metrics,
            new PartitionManager.Replication(timer, fetcherSettings, config.replicaLagTimeMaxMs(),
                overrides -> topicConfigs.resolve(overrides).minInsyncReplicas(), controller::submit),
            config.logRetentionCheckIntervalMs());
        metadata.addApplier(img -> partitions.applyImage(img, System.currentTimeMillis()));
        adminExecutor = Executors.newSingleThreadExecutor(r -> new Thread(r, "osprey-admin"));
        checkpointer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-checkpoint");
            t.setDaemon(true);
            return t;
        });
        final BrokerSettings settings = new BrokerSettings(config.nodeId(), clusterId, config.autoCreateTopicsEnable(),
            config.numPartitions(), (short)config.defaultReplicationFactor(), config.deleteTopicEnable());
        groups = new GroupCoordinatorService(GroupConfig.from(config), partitions, controller, config.nodeId(),
            System::currentTimeMillis);
        groups.start();
        metadata.addApplier(groups::onMetadata);
        final RequestRouter router = new RequestRouter(
            new ProduceHandler(partitions),
            new FetchHandler(partitions, timer, config.fetchMaxBytes()),
            new MetadataHandler(partitions, controller, settings),
            new ListOffsetsHandler(partitions),
            new AdminHandler(partitions, controller, settings, config, topicConfigs, adminExecutor),
            new PartitionAdminHandler(partitions, controller, adminExecutor),
            new GroupHandler(groups),
            metrics.requests());
        server = new OspreyServer(listener.address().host(), listener.address().port(), new OspreyServer.Settings(
            config.numNetworkThreads(), config.socketRequestMaxBytes(), config.queuedMaxRequests(), config.socketSendBufferBytes(),
            config.socketReceiveBufferBytes(), config.socketListenBacklogSize(), config.connectionsMaxIdleMs()), router);
        // The recovery points, log start offsets and high watermarks are written together, as often as the most
        // frequent of their three keys asks (Kafka's defaults: 60 s, 60 s and 5 s), at most once a second.
        final long checkpointMs = Math.max(1000, Math.min(config.replicaHighWatermarkCheckpointIntervalMs(),
            Math.min(config.logFlushOffsetCheckpointIntervalMs(), config.logFlushStartOffsetCheckpointIntervalMs())));
        checkpointer.scheduleWithFixedDelay(this::checkpoint, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
        if (config.autoLeaderRebalanceEnable())
        {
            final long imbalanceMs = TimeUnit.SECONDS.toMillis(config.leaderImbalanceCheckIntervalSeconds());
            checkpointer.scheduleWithFixedDelay(this::electPreferredLeaders, imbalanceMs, imbalanceMs, TimeUnit.MILLISECONDS);
        }
        LOG.info("Osprey broker {} of cluster {} serving on {} (advertised as {}), log dir {}", config.nodeId(), clusterId,
            listener.address(), advertised.address(), logDir);
    }

    /**
     * A partition directory is kept when its topic exists in the image, has that partition, and
     * the partition's replicas include this node. The others are leftovers: of a topic whose
     * deletion was cut short, or of a partition moved off this node while it was down (a
     * reassignment finishes without the replicas it removes).
     */
    private static boolean isAssignedPartition(final MetadataImage image, final String dirName, final int nodeId)
    {
        final int dash = dirName.lastIndexOf('-');
        try
        {
            final PartitionInfo p = image.partition(dirName.substring(0, dash), Integer.parseInt(dirName.substring(dash + 1)));
            if (p != null && !p.replicas().contains(nodeId))
            {
                LOG.info("{} was moved off broker {} (replicas now {}); deleting the local copy", dirName, nodeId, p.replicas());
                return false;
            }
            return p != null;
        }
        catch (final NumberFormatException e)
        {
            return false;
        }
    }

    private static java.util.Map<String, String> overridesFor(final MetadataImage image, final String dirName)
    {
        final TopicInfo t = image.topic(dirName.substring(0, dirName.lastIndexOf('-')));
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

    private void electPreferredLeaders()
    {
        try
        {
            partitions.electPreferredLeaders();
        }
        catch (final RuntimeException e)
        {
            LOG.error("Preferred-leader check failed", e);
        }
    }

    public int port()
    {
        return server.port();
    }

    /** Whether the client listener is bound and the broker is not shutting down. */
    public boolean isListening()
    {
        return !closed && server.isBound();
    }

    /** The counters and histograms this broker updates as it serves. */
    public BrokerMetrics metrics()
    {
        return metrics;
    }

    public String clusterId()
    {
        return clusterId;
    }

    /** The group coordinator of this broker. */
    public GroupCoordinatorService groups()
    {
        return groups;
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

    /** This broker's copy of the cluster metadata. */
    public MetadataCache metadata()
    {
        return metadata;
    }

    /** This broker's registration, heartbeats and command channel to the controller quorum. */
    public ControllerLink controller()
    {
        return controller;
    }

    /**
     * Clean shutdown: unregister from the controller (controlled shutdown: leadership moves away
     * first), stop taking requests, let the log agents finish, flush and trim every log,
     * checkpoint, and disconnect from the quorum.
     */
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
        LOG.info("Shutting down broker {}", config.nodeId());
        controller.close();
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
        // Before the log agents: the fetchers' appends go to them.
        partitions.closeFetchers();
        timer.stop();
        // Before the log agents: the coordinator's appends go to them.
        groups.close();
        checkpointer.shutdownNow();
        // Each agent runs what is queued and ends; the runners' close() then returns without waiting out a park.
        for (final LogAgent a : agents)
        {
            a.stop();
        }
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
        controllerClient.close();
        LOG.info("Broker {} stopped", config.nodeId());
    }
}
