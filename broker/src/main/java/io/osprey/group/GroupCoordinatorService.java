package io.osprey.group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.config.HostPort;
import io.osprey.config.TopicConfigs;
import io.osprey.protocol.message.FindCoordinatorResponse;
import io.osprey.server.Partition;
import io.osprey.server.PartitionManager;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;
import io.osprey.controller.TopicInfo;
import io.osprey.server.ControllerLink;

/**
 * The thread shell around {@link GroupCoordinator}: an Agrona agent that owns the coordinator,
 * plus the {@code __consumer_offsets} topic's life cycle (created on first use, loaded at
 * start-up).
 * <p>
 * Threads: network threads {@link #submit} request work into a bounded MPSC queue and never
 * wait (a full queue is answered with COORDINATOR_NOT_AVAILABLE, which clients retry); log
 * agents and the loader post completions into an unbounded queue (bounded in practice by the
 * appends and partitions in flight), which is drained first each cycle. Every coordinator call
 * runs on the agent thread with the cycle's {@code nowMs}, followed by the coordinator's timers.
 * Idle, the agent parks up to {@link #IDLE_PARK_MAX_NS}; a submit unparks it at once.
 * <p>
 * The loader (one thread) has the controller create the topic ({@code cleanup.policy=compact},
 * {@code offsets.topic.segment.bytes}, {@code offsets.topic.num.partitions} partitions,
 * {@code offsets.topic.replication.factor}) and waits for the commit. Each partition this broker
 * leads is read on becoming its leader, as seen in the metadata image ({@link #onMetadata}),
 * and dropped on losing it; meanwhile the groups of a partition that is still
 * loading get COORDINATOR_LOAD_IN_PROGRESS, those of partitions led elsewhere NOT_COORDINATOR.
 * FindCoordinator names the broker that leads the group's partition in the metadata image, so in
 * a cluster each broker coordinates the groups of the partitions it leads.
 * <p>
 * Timers run after the cycle's requests, once the request queue has been drained (or after at
 * most {@link #TIMERS_DEFER_MAX_MS}), so a heartbeat waiting in the queue is not expired by the
 * coordinator's own backlog.
 */
public final class GroupCoordinatorService implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinatorService.class);

    public static final String OFFSETS_TOPIC = "__consumer_offsets";
    /** Group requests queued for the coordinator thread; beyond this clients are told to retry. */
    public static final int REQUEST_QUEUE_CAPACITY = 4096;
    /** Requests run per duty cycle, so completions and timers are not starved by a burst. */
    private static final int DRAIN_LIMIT = 1024;
    /**
     * Longest idle park: timers fire at most this late (50 ms against session timeouts of seconds);
     * requests and completions unpark it at once. Each idle wakeup costs tens of microseconds of CPU
     * on a virtual machine, so 10 ms parks were 0.3% of a core on an idle broker.
     */
    static final long IDLE_PARK_MAX_NS = 50_000_000;
    /** How long the loader waits for the controller to commit the offsets topic before trying again later. */
    private static final long CREATE_TIMEOUT_MS = 30_000;
    /** Longest a backlog of requests may hold back the timers (which wait for the queue to drain: see {@link #doWork}). */
    static final long TIMERS_DEFER_MAX_MS = 1_000;

    private final GroupConfig config;
    private final PartitionManager partitions;
    private final GroupCoordinator coordinator;
    private final LongSupplier clockMs;
    private final ControllerLink controller;
    private final int nodeId;
    /** Set once the metadata image has shown the offsets topic (any thread). */
    private volatile boolean topicSeen;
    private final ManyToOneConcurrentArrayQueue<LongConsumer> requests = new ManyToOneConcurrentArrayQueue<>(REQUEST_QUEUE_CAPACITY);
    private final ConcurrentLinkedQueue<LongConsumer> completions = new ConcurrentLinkedQueue<>();
    private final ExecutorService loader;
    private AgentRunner runner;
    private volatile Thread thread;
    /** Creation or loading of the topic is under way (coordinator thread only). */
    private boolean preparingTopic;
    /** Offsets partitions this broker leads and has loaded or is loading (coordinator thread only). */
    private final Map<Integer, Owned> owned = new HashMap<>();
    private long loads;
    /** Since when a request backlog has held the timers back, or -1 (coordinator thread only). */
    private long timersDeferredSinceMs = -1;

    /** A led offsets partition: which load is current, and the leader epoch it was loaded for. */
    private record Owned(long loadId, int leaderEpoch)
    {
    }

    public GroupCoordinatorService(final GroupConfig config, final PartitionManager partitions, final ControllerLink controller,
        final int nodeId, final LongSupplier clockMs)
    {
        this.config = config;
        this.partitions = partitions;
        this.controller = controller;
        this.nodeId = nodeId;
        this.clockMs = clockMs;
        this.coordinator = new GroupCoordinator(config, new OffsetsTopicLog(partitions, this::complete, config.offsetsCommitTimeoutMs()),
            this::partitionExists);
        this.loader = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-group-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Whether {@code tp} exists in the cluster's metadata, wherever it is hosted: a group commits
     * offsets for partitions other brokers lead.
     */
    boolean partitionExists(final TopicPartition tp)
    {
        return partitions.metadata().image().partition(tp.topic(), tp.partition()) != null;
    }

    /** Loads {@code __consumer_offsets} if it exists and starts the coordinator thread. */
    public void start()
    {
        final TopicInfo topic = partitions.metadata().image().topic(OFFSETS_TOPIC);
        if (topic != null)
        {
            topicSeen = true;
            // Before the agent thread starts, so the first requests already see the partitions as loading.
            coordinator.onTopicReady(topic.partitions().size());
            reconcileLeadership(clockMs.getAsLong());
            preparingTopic = true;
            loader.execute(this::prepareTopic);
        }
        // Parks for up to 50 ms (its timers' granularity), and a submit unparks it at once: no spinning between requests.
        runner = new AgentRunner(new SleepingIdleStrategy(IDLE_PARK_MAX_NS),
            e -> LOG.error("Group coordinator error", e), null, this);
        AgentRunner.startOnThread(runner);
    }

    /**
     * A new metadata image (metadata callback thread): when the offsets topic first appears,
     * created through another broker, prepare it; then load the offsets partitions this broker
     * has become the leader of and drop those it no longer leads.
     */
    public void onMetadata(final MetadataImage image)
    {
        if (!topicSeen && image.topic(OFFSETS_TOPIC) != null)
        {
            topicSeen = true;
            submit(now -> ensureTopic());
        }
        if (topicSeen)
        {
            // Leadership of the offsets partitions follows the image (PartitionManager applied it before this applier).
            complete(this::reconcileLeadership);
        }
    }

    /** The coordinator; touch it only from work run by {@link #submit}. */
    GroupCoordinator coordinator()
    {
        return coordinator;
    }

    /**
     * Queues work for the coordinator thread, which runs it with its {@code nowMs}. Never blocks.
     *
     * @return false when the queue is full: the caller answers with COORDINATOR_NOT_AVAILABLE
     */
    public boolean submit(final LongConsumer work)
    {
        if (!requests.offer(work))
        {
            return false;
        }
        wake();
        return true;
    }

    /** The committed offsets of the groups this broker coordinates, copied on the coordinator thread (metrics). */
    public java.util.concurrent.CompletableFuture<Map<String, Map<io.osprey.common.TopicPartition, Long>>> committedOffsets()
    {
        final java.util.concurrent.CompletableFuture<Map<String, Map<io.osprey.common.TopicPartition, Long>>> f =
            new java.util.concurrent.CompletableFuture<>();
        if (!submit(now -> f.complete(coordinator.committedOffsets())))
        {
            f.complete(Map.of());
        }
        return f;
    }

    private void complete(final LongConsumer completion)
    {
        completions.add(completion);
        wake();
    }

    private void wake()
    {
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
    }

    @Override
    public int doWork()
    {
        final long nowMs = clockMs.getAsLong();
        int work = 0;
        LongConsumer c;
        while (work < DRAIN_LIMIT && (c = completions.poll()) != null)
        {
            work++;
            run(c, nowMs);
        }
        boolean drained = false;
        while (work < 2 * DRAIN_LIMIT)
        {
            if ((c = requests.poll()) == null)
            {
                drained = true;
                break;
            }
            work++;
            run(c, nowMs);
        }
        // Timers run once the queued requests have: a member whose heartbeat waits in the queue is not expired for
        // the coordinator's own backlog. Bounded, so that a flood of requests cannot hold timers back for long.
        if (!drained && timersDeferredSinceMs < 0)
        {
            timersDeferredSinceMs = nowMs;
        }
        if (drained || nowMs - timersDeferredSinceMs >= TIMERS_DEFER_MAX_MS)
        {
            timersDeferredSinceMs = drained ? -1 : nowMs;
            coordinator.poll(nowMs);
        }
        return work;
    }

    private static void run(final LongConsumer c, final long nowMs)
    {
        try
        {
            c.accept(nowMs);
        }
        catch (final RuntimeException e)
        {
            LOG.error("Group coordinator task failed", e);
        }
    }

    @Override
    public String roleName()
    {
        return "osprey-group-coordinator";
    }

    // ---- the offsets topic (coordinator thread unless noted)

    /** Starts creating (or loading) {@code __consumer_offsets} if that is not done or under way. */
    void ensureTopic()
    {
        if (coordinator.isTopicReady() || preparingTopic)
        {
            return;
        }
        preparingTopic = true;
        loader.execute(this::prepareTopic);
    }

    /** Loader thread: creates the topic when missing, then has the partitions this broker leads loaded. */
    private void prepareTopic()
    {
        final int count;
        try
        {
            count = createTopicIfMissing();
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.warn("Could not create {}: {}", OFFSETS_TOPIC, e.getMessage());
            complete(now -> preparingTopic = false);
            return;
        }
        complete(now ->
        {
            if (!coordinator.isTopicReady() && count >= config.offsetsTopicNumPartitions())
            {
                coordinator.onTopicReady(count);
            }
            // Load the partitions this broker leads; the others are answered NOT_COORDINATOR.
            // (A topic seen mid-creation becomes ready in reconcileLeadership once all its partitions exist.)
            reconcileLeadership(now);
        });
        complete(now -> preparingTopic = false);
    }

    // ---- leadership of the offsets partitions

    /** Loads the offsets partitions this broker leads now and unloads the ones it no longer leads (or leads in a new epoch). */
    private void reconcileLeadership(final long nowMs)
    {
        final TopicInfo topic = partitions.metadata().image().topic(OFFSETS_TOPIC);
        if (topic != null)
        {
            final int count = topic.partitions().size();
            if (!coordinator.isTopicReady())
            {
                // The controller commits a topic as one record per partition; a broker that sees the
                // topic mid-creation must not map groups onto the partitions that exist so far.
                if (count >= config.offsetsTopicNumPartitions())
                {
                    coordinator.onTopicReady(count);
                }
            }
            else if (count != coordinator.numPartitions())
            {
                // Only when this node started while the topic was being created (the topic cannot be
                // repartitioned): start over with the real count.
                LOG.warn("{} has {} partitions, not {}: re-mapping groups", OFFSETS_TOPIC, count, coordinator.numPartitions());
                for (final Integer p : new ArrayList<>(owned.keySet()))
                {
                    resign(p, nowMs);
                }
                coordinator.onTopicReady(count);
            }
        }
        for (int p = 0; p < coordinator.numPartitions(); p++)
        {
            final Partition led = partitions.leaderPartition(new TopicPartition(OFFSETS_TOPIC, p));
            final Owned current = owned.get(p);
            if (led == null || led.isDeleted())
            {
                if (current != null)
                {
                    resign(p, nowMs);
                }
            }
            else if (current == null)
            {
                becomeLeader(p);
            }
            else if (current.leaderEpoch() != led.leaderEpoch())
            {
                // Led again in a new epoch: another broker may have written to the partition in between.
                resign(p, nowMs);
                becomeLeader(p);
            }
        }
    }

    private void becomeLeader(final int p)
    {
        if (!coordinator.isTopicReady() || p < 0 || p >= coordinator.numPartitions() || owned.containsKey(p))
        {
            return;
        }
        final Partition partition = partitions.partition(OFFSETS_TOPIC, p);
        if (partition == null)
        {
            LOG.warn("{}-{} is not hosted here; its groups are answered NOT_COORDINATOR", OFFSETS_TOPIC, p);
            return;
        }
        final long loadId = ++loads;
        owned.put(p, new Owned(loadId, partition.leaderEpoch()));
        coordinator.onPartitionLoading(p);
        loader.execute(() -> load(p, partition, loadId));
    }

    /** Loader thread: reads the partition, then installs it unless a resignation (or a newer load) came first. */
    private void load(final int p, final Partition partition, final long loadId)
    {
        LoadedPartition loaded = null;
        try
        {
            loaded = OffsetsLoader.load(partition.log());
        }
        catch (final RuntimeException e)
        {
            LOG.error("Could not load {}-{}; its groups are answered COORDINATOR_NOT_AVAILABLE until it is loaded again",
                OFFSETS_TOPIC, p, e);
        }
        final LoadedPartition result = loaded;
        complete(now ->
        {
            final Owned current = owned.get(p);
            if (current == null || current.loadId() != loadId)
            {
                return;
            }
            if (result == null)
            {
                coordinator.onPartitionLoadFailed(p);
            }
            else
            {
                coordinator.onPartitionLoaded(p, result, now);
            }
        });
    }

    private void resign(final int p, final long nowMs)
    {
        if (owned.remove(p) != null)
        {
            coordinator.onPartitionUnloaded(p, nowMs);
        }
    }

    private int createTopicIfMissing() throws IOException
    {
        final TopicInfo existing = partitions.metadata().image().topic(OFFSETS_TOPIC);
        if (existing != null)
        {
            return existing.partitions().size();
        }
        partitions.validateReplicationFactor(config.offsetsTopicReplicationFactor());
        final Map<String, String> configs = Map.of(
            TopicConfigs.CLEANUP_POLICY, "compact",
            TopicConfigs.SEGMENT_BYTES, Integer.toString(config.offsetsTopicSegmentBytes()));
        final Response response;
        try
        {
            response = controller.submit(new Command.CreateTopics("", 0, List.of(new Command.NewTopic(OFFSETS_TOPIC,
                config.offsetsTopicNumPartitions(), config.offsetsTopicReplicationFactor(), new TreeMap<>(configs)))))
                .get(CREATE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + OFFSETS_TOPIC, e);
        }
        catch (final ExecutionException | TimeoutException e)
        {
            throw new IOException("the controller did not create " + OFFSETS_TOPIC + ": " + e, e);
        }
        final Response.Simple result = response instanceof Response.PerItem items ? items.results().get(OFFSETS_TOPIC) : null;
        if (result == null || (result.error() != ErrorCode.NONE && result.error() != ErrorCode.TOPIC_ALREADY_EXISTS))
        {
            throw new OspreyException(result == null ? response.error() : result.error(),
                "the controller refused to create " + OFFSETS_TOPIC + ": " + (result == null ? response : result.message()));
        }
        // The records come before the response on the same stream, so the image has the topic now.
        final TopicInfo created = partitions.metadata().image().topic(OFFSETS_TOPIC);
        if (created == null)
        {
            throw new IOException(OFFSETS_TOPIC + " is committed but not in this broker's image yet");
        }
        LOG.info("Created {} with {} partitions (cleanup.policy=compact, segment.bytes={})", OFFSETS_TOPIC,
            created.partitions().size(), config.offsetsTopicSegmentBytes());
        return created.partitions().size();
    }

    /** FindCoordinator for one key; coordinator thread. */
    FindCoordinatorResponse.Coordinator findCoordinator(final String key, final byte keyType)
    {
        if (keyType == 1)
        {
            return coordinatorError(key, ErrorCode.INVALID_REQUEST, "Osprey does not support transactions");
        }
        if (keyType != 0)
        {
            return coordinatorError(key, ErrorCode.INVALID_REQUEST, "Unknown coordinator key type " + keyType);
        }
        if (!coordinator.isTopicReady())
        {
            ensureTopic();
            return coordinatorError(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, OFFSETS_TOPIC + " is being created");
        }
        final int p = coordinator.partitionFor(key == null ? "" : key);
        final MetadataImage image = partitions.metadata().image();
        final PartitionInfo state = image.partition(OFFSETS_TOPIC, p);
        final BrokerInfo leader = state == null || !state.hasLeader() ? null : image.broker(state.leader());
        if (leader == null || leader.endpoints().isEmpty() || (leader.id() == nodeId && partitions.partition(OFFSETS_TOPIC, p) == null))
        {
            return coordinatorError(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, OFFSETS_TOPIC + "-" + p + " has no leader");
        }
        final HostPort endpoint = HostPort.parseEndpoint(leader.endpoints().get(0));
        return new FindCoordinatorResponse.Coordinator(key, leader.id(), endpoint.host(), endpoint.port(), ErrorCode.NONE.code, null);
    }

    private static FindCoordinatorResponse.Coordinator coordinatorError(final String key, final ErrorCode error,
        final String message)
    {
        return new FindCoordinatorResponse.Coordinator(key, -1, "", -1, error.code, message);
    }

    /** Stops the coordinator thread; requests still queued are dropped (their connections are closing). */
    @Override
    public void close()
    {
        if (runner != null)
        {
            runner.close();
        }
        loader.shutdownNow();
        try
        {
            loader.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
