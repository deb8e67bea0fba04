package io.osprey.controller.quorum;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.RethrowingErrorHandler;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ConsensusModuleVersion;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusterCounters;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.osprey.controller.MetadataImage;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One controller voter: media driver, archive, consensus module and the
 * {@link ControllerService} container in this JVM, on two threads that park when idle (2-core
 * machines: never spin): a quorum of one with {@link QuietIdleStrategy} (up to
 * {@code controller.quorum.idle.quiet.park.max.ms}, woken by the commands of this process),
 * a bigger one up to {@code controller.quorum.idle.park.max.ms}.
 * <p>
 * Threads: the driver, the archive and the consensus module run as Aeron agent invokers on one
 * thread ({@link QuorumAgent}); the service container, which has no invoker mode, on its own.
 * Each of them woke about 100 times a second on their own, at 30-80 µs a wake-up on this kind of
 * machine, part of it the context switch; on one thread they share each wake-up (docs/controller.md
 * has the measurements). Where the consensus module waits for
 * the archive or the driver inside its own duty cycle (a recording starting, a snapshot), its idle
 * strategy runs them ({@link InvokingIdleStrategy}), and its archive and Aeron clients run them
 * while they wait for an answer, as Aeron's invoker modes intend.
 * <p>
 * Directories: the Aeron directory is deleted on start and on close (it holds only buffers and
 * counters); {@code metadata.log.dir}/archive (the Raft log and snapshots) and
 * {@code metadata.log.dir}/cluster (recording log, mark files) survive restarts. A lock file
 * keeps a second process off the same {@code metadata.log.dir} (see {@link DataDirLock}).
 * <p>
 * Snapshots: Aeron Cluster takes none by itself. A background check, once a second, toggles a
 * cluster snapshot on the leader when {@code metadata.log.max.records.between.snapshots} records
 * or {@code metadata.log.max.snapshot.interval.ms} have passed since the last one (every voter
 * then snapshots at the same log position); {@link #close()} on the leader snapshots first.
 * <p>
 * Thread-safety: {@link #role()}, {@link #image()} and {@link #takeSnapshot} may be called from
 * any thread; {@link #close()} once.
 */
public final class ControllerNode implements AutoCloseable
{
    static
    {
        // Before any Aeron class: pauses longer than Aeron's 10 s liveness default must not kill the node.
        AeronDefaults.apply();
    }

    /** Publication and IPC terms of this node's driver (egress, snapshots, control streams): metadata is small. */
    private static final int PUBLICATION_TERM_BYTES = 1024 * 1024;
    private static final int ARCHIVE_SEGMENT_BYTES_MIN = 16 * 1024 * 1024;
    private static final long SNAPSHOT_CHECK_INTERVAL_MS = 1_000;
    private static final long CLOSE_SNAPSHOT_TIMEOUT_MS = 5_000;
    /** How long quiet agents poll every millisecond after a start and at a close (see {@link QuietIdleStrategy#busyFor}). */
    private static final long BUSY_AT_START_MS = 2_000;
    private static final long BUSY_AT_CLOSE_MS = 5_000;
    private static final long BUSY_AT_SNAPSHOT_MS = 2_000;
    private static final long CLOSE_CONSENSUS_MODULE_TIMEOUT_MS = 10_000;
    /** Starting the consensus module includes loading its snapshot and waiting for the service to load its own. */
    private static final long LAUNCH_TIMEOUT_MS = 120_000;

    private final QuorumConfig config;
    private final ControllerService service;
    private final MediaDriver driver;
    private final Archive archive;
    private final ConsensusModule consensusModule;
    private final QuorumAgent quorumAgent;
    private final AgentRunner quorumRunner;
    private final ClusteredServiceContainer container;
    private final ScheduledExecutorService snapshotTimer;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final DataDirLock dataDirLock;
    private long lastSnapshotCount;
    private long lastSnapshotNs = System.nanoTime();
    private volatile boolean closed;

    private ControllerNode(final QuorumConfig config)
    {
        this.config = config;
        this.dataDirLock = DataDirLock.acquire(config.dataDir());
        this.service = new ControllerService(config.controller());
        final Voter self = config.self();
        final String host = self.host();
        final String aeronDir = config.aeronDir();
        final Supplier<IdleStrategy> idle = config::newIdleStrategy;

        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.INVOKER)
            // Name resolution runs on the thread that runs the driver instead of an executor agent that woke 100 times a second
            // for nothing (0.4% of a core here); endpoints are mostly addresses, and a name is resolved rarely.
            .asyncExecutorEnabled(false)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(PUBLICATION_TERM_BYTES)
            .ipcTermBufferLength(PUBLICATION_TERM_BYTES)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errors("media driver"));

        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(new File(config.dataDir(), "archive"))
            .archiveId(config.nodeId())
            .controlChannel("aeron:udp?endpoint=" + self.endpoint(Voter.ARCHIVE_PORT_OFFSET))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.INVOKER)
            .segmentFileLength(Math.max(ARCHIVE_SEGMENT_BYTES_MIN, config.logTermBytes()))
            .errorHandler(errors("archive"));

        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archiveCtx.localControlChannel())
            .controlRequestStreamId(archiveCtx.localControlStreamId())
            .controlResponseChannel(archiveCtx.localControlChannel())
            .aeronDirectoryName(aeronDir);

        final File clusterDir = new File(config.dataDir(), "cluster");
        // Made here: the consensus module (on the quorum thread) and the container (on this one) would otherwise race to
        // create it, and the loser fails.
        IoUtil.ensureDirectoryExists(clusterDir, "cluster");
        final ConsensusModule.Context consensusCtx = new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(config.nodeId())
            .clusterMembers(Voter.clusterMembers(config.voters()))
            .clusterDir(clusterDir)
            .archiveContext(localArchive.clone())
            .ingressChannel("aeron:udp")
            .logChannel("aeron:udp?term-length=" + config.logTermBytes())
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .leaderHeartbeatTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatTimeoutMs()))
            .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatIntervalMs()))
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.electionTimeoutMs()))
            // A voter that starts while another is down waits this long before electing without it.
            .startupCanvassTimeoutNs(TimeUnit.MILLISECONDS.toNanos(10 * config.leaderHeartbeatTimeoutMs()))
            .useAgentInvoker(true)
            .terminationHook(terminated::countDown)
            .errorHandler(errors("consensus module"));

        final ClusteredServiceContainer.Context containerCtx = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDir)
            .clusteredService(service)
            .idleStrategySupplier(idle)
            .terminationHook(terminated::countDown)
            .errorHandler(errors("service"));

        // An election and the first recordings: the components answer each other at once, not after a long park.
        QuietIdleStrategy.busyFor(BUSY_AT_START_MS);
        MediaDriver launchedDriver = null;
        Archive launchedArchive = null;
        QuorumAgent agent = null;
        AgentRunner runner = null;
        Aeron serviceAeron = null;
        ClusteredServiceContainer launchedContainer = null;
        try
        {
            // The driver and the archive start on this thread (the archive's client runs the driver while it waits for
            // an answer); from then on only the quorum thread runs them.
            launchedDriver = MediaDriver.launch(driverCtx);
            final AgentInvoker driverInvoker = launchedDriver.sharedAgentInvoker();
            launchedArchive = Archive.launch(archiveCtx
                .mediaDriverAgentInvoker(driverInvoker)
                .errorCounter(new AtomicCounter(driverCtx.countersValuesBuffer(), SystemCounterDescriptor.ERRORS.id())));
            final AgentInvoker driverAndArchive = new AgentInvoker(errors("quorum"), null,
                new QuorumAgent("driver-and-archive", null, driverInvoker, launchedArchive.invoker()));
            driverAndArchive.start();
            agent = new QuorumAgent("osprey-quorum-" + config.nodeId(),
                () -> launchConsensusModule(consensusCtx, driverInvoker, driverAndArchive, idle),
                driverInvoker, launchedArchive.invoker());
            runner = new AgentRunner(idle.get(), errors("quorum"), null, agent);
            AgentRunner.startOnThread(runner);

            // The container's Aeron client is run by the service agent's own duty cycle (an invoker), as the consensus
            // module's and the archive's are, instead of on a conductor thread of its own that woke every 16 ms whatever
            // the idle strategy (a quarter of the quorum's idle wake-ups on a single node).
            serviceAeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDir)
                .errorHandler(errors("service"))
                .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
                .awaitingIdleStrategy(YieldingIdleStrategy.INSTANCE)
                .useConductorAgentInvoker(true)
                .clientName("osprey-controller-service-" + config.nodeId()));
            launchedContainer = ClusteredServiceContainer.launch(containerCtx.aeron(serviceAeron).ownsAeronClient(true));
            serviceAeron = null; // the container's now
            this.consensusModule = awaitLaunch(agent);
        }
        catch (final RuntimeException e)
        {
            // The quorum thread stops first: afterwards nothing else runs the components' invokers.
            CloseHelper.quietCloseAll(runner, launchedContainer, serviceAeron);
            CloseHelper.quietClose(agent == null ? null : agent.launchedOrNull());
            CloseHelper.quietCloseAll(launchedArchive, launchedDriver, dataDirLock);
            throw e;
        }
        this.driver = launchedDriver;
        this.archive = launchedArchive;
        this.quorumAgent = agent;
        this.quorumRunner = runner;
        this.container = launchedContainer;
        this.lastSnapshotCount = snapshotCountIfOpen();
        this.snapshotTimer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-controller-" + config.nodeId() + "-snapshots");
            t.setDaemon(true);
            return t;
        });
        snapshotTimer.scheduleWithFixedDelay(this::maybeTakeSnapshot, SNAPSHOT_CHECK_INTERVAL_MS, SNAPSHOT_CHECK_INTERVAL_MS,
            TimeUnit.MILLISECONDS);
    }

    /**
     * On the quorum thread: the consensus module with an Aeron client as the module would make its
     * own, except that it runs the driver while it waits for an answer; its archive client and its
     * idle strategy run the driver and the archive while it waits for them.
     */
    private ConsensusModule launchConsensusModule(final ConsensusModule.Context ctx, final AgentInvoker driverInvoker,
        final AgentInvoker driverAndArchive, final Supplier<IdleStrategy> idle)
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(config.aeronDir())
            .errorHandler(errors("consensus module"))
            .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
            .useConductorAgentInvoker(true)
            .driverAgentInvoker(driverInvoker)
            .awaitingIdleStrategy(YieldingIdleStrategy.INSTANCE)
            .clientLock(NoOpLock.INSTANCE)
            .clientName("consensus-module-" + ctx.clusterId() + "-" + config.nodeId()));
        try
        {
            final AtomicCounter errorCounter = ClusterCounters.allocateVersioned(aeron, new ExpandableArrayBuffer(),
                "Cluster Errors", ConsensusModule.Configuration.CONSENSUS_MODULE_ERROR_COUNT_TYPE_ID, ctx.clusterId(),
                ConsensusModuleVersion.VERSION, ConsensusModuleVersion.GIT_SHA);
            ctx.archiveContext().agentInvoker(driverAndArchive);
            return ConsensusModule.launch(ctx
                .aeron(aeron)
                .ownsAeronClient(true)
                .errorCounter(errorCounter)
                .idleStrategySupplier(() -> new InvokingIdleStrategy(idle.get(), driverAndArchive)));
        }
        catch (final RuntimeException e)
        {
            CloseHelper.quietClose(aeron);
            throw e;
        }
    }

    /** Waits for the quorum thread to start the consensus module (after a restart it waits for the service's snapshot). */
    private static ConsensusModule awaitLaunch(final QuorumAgent agent)
    {
        try
        {
            return agent.launched().get(LAUNCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the consensus module started", e);
        }
        catch (final java.util.concurrent.ExecutionException e)
        {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException)e.getCause() :
                new IllegalStateException("the consensus module did not start", e.getCause());
        }
        catch (final java.util.concurrent.TimeoutException e)
        {
            throw new IllegalStateException("the consensus module did not start within " + LAUNCH_TIMEOUT_MS + " ms", e);
        }
    }

    /** Starts the node; it joins (or forms) the quorum in the background. */
    public static ControllerNode launch(final QuorumConfig config)
    {
        return new ControllerNode(config);
    }

    public QuorumConfig config()
    {
        return config;
    }

    public Cluster.Role role()
    {
        return service.role();
    }

    /** The image after the last committed event this node applied. */
    public MetadataImage image()
    {
        return service.image();
    }

    /** Whether the service loaded a snapshot when it started (rather than replaying the whole log). */
    public boolean startedFromSnapshot()
    {
        return service.startedFromSnapshot();
    }

    /** Snapshots taken (or loaded at start) by this node's consensus module. */
    public long snapshotCount()
    {
        return Math.max(0, snapshotCountIfOpen());
    }

    /** True once the cluster terminated this node (for instance a cluster-wide shutdown). */
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return terminated.await(timeout, unit);
    }

    /**
     * Asks the cluster for a snapshot and waits up to {@code timeoutMs} for this node's to
     * complete. Only the leader can start one: returns false on a follower, when another
     * control action is in progress, or on timeout.
     */
    public synchronized boolean takeSnapshot(final long timeoutMs)
    {
        if (closed || service.role() != Cluster.Role.LEADER)
        {
            return false;
        }
        final long before = snapshotCountIfOpen();
        final Counter toggle = consensusModule.context().controlToggleCounter();
        if (before < 0 || toggle.isClosed() || !ClusterControl.ToggleState.SNAPSHOT.toggle(toggle))
        {
            return false;
        }
        QuietIdleStrategy.busyFor(BUSY_AT_SNAPSHOT_MS);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (snapshotCountIfOpen() == before)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Snapshots first when leader (bounded), then stops every component and deletes the Aeron directory. */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            // Quiet agents may be in a long park, and the snapshot and the close wait on their answers many times.
            QuietIdleStrategy.busyFor(BUSY_AT_CLOSE_MS);
            snapshotTimer.shutdownNow();
            if (service.role() == Cluster.Role.LEADER && service.recordsSinceSnapshot() > 0)
            {
                takeSnapshot(CLOSE_SNAPSHOT_TIMEOUT_MS);
            }
            closed = true;
        }
        // Aeron's order: the consensus module, the service, then the archive and the driver. The consensus module's
        // invoker is closed on the quorum thread, which goes on running the driver and archive for the service's close.
        final Thread quorumThread = quorumRunner.thread();
        final boolean quorumThreadRuns = quorumThread != null && quorumThread.isAlive();
        if (!quorumThreadRuns || !quorumAgent.closeConsensusModule(consensusModule, CLOSE_CONSENSUS_MODULE_TIMEOUT_MS))
        {
            quorumRunner.close();
            CloseHelper.close(consensusModule);
        }
        CloseHelper.closeAll(container, quorumRunner, archive, driver, dataDirLock);
    }

    private void maybeTakeSnapshot()
    {
        try
        {
            final long nowNs = System.nanoTime();
            final long count = snapshotCountIfOpen();
            if (count < 0 || closed)
            {
                return;
            }
            if (count != lastSnapshotCount)
            {
                lastSnapshotCount = count;
                lastSnapshotNs = nowNs;
            }
            final long records = service.recordsSinceSnapshot();
            final boolean due = records >= config.snapshotRecords() ||
                (records > 0 && nowNs - lastSnapshotNs >= TimeUnit.MILLISECONDS.toNanos(config.snapshotIntervalMs()));
            if (due && service.role() == Cluster.Role.LEADER)
            {
                final Counter toggle = consensusModule.context().controlToggleCounter();
                if (!toggle.isClosed() && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle))
                {
                    QuietIdleStrategy.busyFor(BUSY_AT_SNAPSHOT_MS);
                }
            }
        }
        catch (final RuntimeException e)
        {
            errors("snapshot timer").onError(e);
        }
    }

    /** Elections this voter has taken part in since it started (Aeron's election count); 0 once closed. */
    public long electionCount()
    {
        final Counter c = consensusModule.context().electionCounter();
        return c.isClosed() ? 0 : c.get();
    }

    /** Whether the quorum has a leader as this voter sees it: no election is running and it leads or follows. */
    public boolean hasLeader()
    {
        final ConsensusModule.Context ctx = consensusModule.context();
        final Counter election = ctx.electionStateCounter();
        final Counter role = ctx.clusterNodeRoleCounter();
        return !election.isClosed() && !role.isClosed() && ElectionState.get(election) == ElectionState.CLOSED &&
            Cluster.Role.get(role) != Cluster.Role.CANDIDATE;
    }

    private Counter snapshotCounter()
    {
        return consensusModule.context().snapshotCounter();
    }

    /**
     * The snapshot count, or -1 once the consensus module has closed its counters. A closed
     * counter's memory may be unmapped (the module's Aeron client closes with it): reading it
     * then crashes the JVM (SIGSEGV), which a chaos run hit on a voter cut off from the others.
     */
    private long snapshotCountIfOpen()
    {
        final Counter c = snapshotCounter();
        return c.isClosed() ? -1 : c.get();
    }

    private ErrorHandler errors(final String component)
    {
        return e ->
        {
            System.err.println("[controller " + config.nodeId() + " " + component + "] " + e);
            e.printStackTrace(System.err);
        };
    }
}
