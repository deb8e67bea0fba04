package io.osprey.group;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.config.TopicConfigs;
import io.osprey.protocol.message.FindCoordinatorResponse;
import io.osprey.server.Partition;
import io.osprey.server.PartitionManager;
import io.osprey.server.TopicInfo;

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
 * The loader (one thread) creates the topic ({@code cleanup.policy=compact},
 * {@code offsets.topic.segment.bytes}, {@code offsets.topic.num.partitions} partitions,
 * {@code offsets.topic.replication.factor}) and reads each partition; meanwhile the groups of a
 * partition that is still loading get COORDINATOR_LOAD_IN_PROGRESS.
 */
public final class GroupCoordinatorService implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinatorService.class);

    public static final String OFFSETS_TOPIC = "__consumer_offsets";
    /** Group requests queued for the coordinator thread; beyond this clients are told to retry. */
    public static final int REQUEST_QUEUE_CAPACITY = 4096;
    /** Requests run per duty cycle, so completions and timers are not starved by a burst. */
    private static final int DRAIN_LIMIT = 1024;
    /** Longest idle park: timers fire at most this late (10 ms against session timeouts of seconds). */
    static final long IDLE_PARK_MAX_NS = 10_000_000;

    private final GroupConfig config;
    private final PartitionManager partitions;
    private final GroupCoordinator coordinator;
    private final LongSupplier clockMs;
    private final int nodeId;
    private final String host;
    private final int port;
    private final ManyToOneConcurrentArrayQueue<LongConsumer> requests = new ManyToOneConcurrentArrayQueue<>(REQUEST_QUEUE_CAPACITY);
    private final ConcurrentLinkedQueue<LongConsumer> completions = new ConcurrentLinkedQueue<>();
    private final ExecutorService loader;
    private AgentRunner runner;
    private volatile Thread thread;
    /** Creation or loading of the topic is under way (coordinator thread only). */
    private boolean preparingTopic;

    public GroupCoordinatorService(final GroupConfig config, final PartitionManager partitions, final int nodeId,
        final String host, final int port, final LongSupplier clockMs)
    {
        this.config = config;
        this.partitions = partitions;
        this.nodeId = nodeId;
        this.host = host;
        this.port = port;
        this.clockMs = clockMs;
        this.coordinator = new GroupCoordinator(config, new OffsetsTopicLog(partitions, this::complete),
            tp -> partitions.partition(tp) != null);
        this.loader = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-group-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads {@code __consumer_offsets} if it exists and starts the coordinator thread. */
    public void start()
    {
        final TopicInfo topic = partitions.metadata().topic(OFFSETS_TOPIC);
        if (topic != null)
        {
            // Before the agent thread starts, so the first requests already see the partitions as loading.
            coordinator.onTopicReady(topic.partitions());
            preparingTopic = true;
            loader.execute(this::prepareTopic);
        }
        runner = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, IDLE_PARK_MAX_NS),
            e -> LOG.error("Group coordinator error", e), null, this);
        AgentRunner.startOnThread(runner);
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
        while (work < 2 * DRAIN_LIMIT && (c = requests.poll()) != null)
        {
            work++;
            run(c, nowMs);
        }
        coordinator.poll(nowMs);
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

    /** Loader thread: creates the topic when missing, then reads every partition. */
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
            if (!coordinator.isTopicReady())
            {
                coordinator.onTopicReady(count);
            }
        });
        for (int p = 0; p < count; p++)
        {
            final int index = p;
            final Partition partition = partitions.partition(OFFSETS_TOPIC, p);
            if (partition == null)
            {
                LOG.warn("{}-{} is not hosted here; its groups are answered NOT_COORDINATOR", OFFSETS_TOPIC, p);
                continue;
            }
            LoadedPartition loaded;
            try
            {
                loaded = OffsetsLoader.load(partition.log());
            }
            catch (final RuntimeException e)
            {
                LOG.error("Could not load {}-{}; serving it empty", OFFSETS_TOPIC, p, e);
                loaded = new LoadedPartition();
            }
            final LoadedPartition result = loaded;
            complete(now -> coordinator.onPartitionLoaded(index, result, now));
        }
        complete(now -> preparingTopic = false);
    }

    private int createTopicIfMissing() throws IOException
    {
        final TopicInfo existing = partitions.metadata().topic(OFFSETS_TOPIC);
        if (existing != null)
        {
            return existing.partitions();
        }
        final Map<String, String> configs = Map.of(
            TopicConfigs.CLEANUP_POLICY, "compact",
            TopicConfigs.SEGMENT_BYTES, Integer.toString(config.offsetsTopicSegmentBytes()));
        try
        {
            final TopicInfo created = partitions.createTopic(OFFSETS_TOPIC, config.offsetsTopicNumPartitions(),
                config.offsetsTopicReplicationFactor(), configs, clockMs.getAsLong());
            LOG.info("Created {} with {} partitions (cleanup.policy=compact, segment.bytes={})", OFFSETS_TOPIC,
                created.partitions(), config.offsetsTopicSegmentBytes());
            return created.partitions();
        }
        catch (final OspreyException e)
        {
            final TopicInfo raced = partitions.metadata().topic(OFFSETS_TOPIC);
            if (e.errorCode() == ErrorCode.TOPIC_ALREADY_EXISTS && raced != null)
            {
                return raced.partitions();
            }
            throw e;
        }
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
        if (partitions.partition(OFFSETS_TOPIC, p) == null)
        {
            return coordinatorError(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, OFFSETS_TOPIC + "-" + p + " is not available");
        }
        return new FindCoordinatorResponse.Coordinator(key, nodeId, host, port, ErrorCode.NONE.code, null);
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
