package io.osprey.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.netty.util.Timer;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.Response;
import io.osprey.replication.IsrProposal;
import io.osprey.replication.LeaderReplicaState;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.TopicInfo;
import io.osprey.log.LogConfig;
import io.osprey.log.LogManager;
import io.osprey.log.PartitionLog;
import io.osprey.metrics.BrokerMetrics;

/**
 * The partitions this node hosts, kept in step with the controller's metadata image: every
 * partition whose replicas include this node gets a log, the logs of deleted topics are
 * deleted, topic configs reach the logs, and each partition's leadership and leader epoch
 * follow the image ({@link #applyImage}). Topic changes themselves are decided by the
 * controller quorum; this class only carries them out locally.
 * <p>
 * Replication: each hosted partition's state in the image (leader, epochs, replicas, ISR) goes
 * to its {@link Partition}, which becomes leader or follower on its log agent; followed
 * partitions are fetched by the {@link ReplicaFetcherManager}; ISR changes the leaders propose
 * go to the controller as AlterPartition and take effect when the committed state comes back.
 * <p>
 * Thread-safety: lookups from any thread; {@link #applyImage} is serialized by this object's
 * lock (it runs on the metadata callback thread). Each log is touched only by its agent once
 * published; creation happens before publication.
 */
public final class PartitionManager implements Partition.ReplicaControl
{
    /** What replication needs from the broker; null parts only in tests that host no partitions. */
    public record Replication(Timer timer, ReplicaFetcher.Settings fetcher, long replicaLagTimeMaxMs,
        ToIntFunction<Map<String, String>> minInsyncReplicas, Function<Command, java.util.concurrent.CompletableFuture<Response>> controller)
    {
    }

    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);
    /** Kafka's limit: a topic name becomes a directory name with a partition suffix. */
    public static final int TOPIC_NAME_LENGTH_MAX = 249;
    /** Kafka's cap on partitions created by one request: each costs files, mappings and an index. */
    public static final int PARTITIONS_PER_REQUEST_MAX = 10_000;
    /** How long a topic deletion waits for the log agents to delete the files. */
    private static final long DELETE_WAIT_MS = 30_000;
    /** Kafka's default of {@code log.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000;

    private final LogManager logManager;
    private final MetadataCache metadata;
    private final LogAgent[] agents;
    private final Function<Map<String, String>, LogConfig> logConfigs;
    private final long retentionCheckIntervalMs;
    private final int nodeId;
    private final BrokerMetrics metrics;
    private final Replication replication;
    private final ReplicaFetcherManager fetchers;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** The topic configs last applied to the logs, by topic (lock held). */
    private final Map<String, SortedMap<String, String>> appliedConfigs = new HashMap<>();

    /**
     * @param logConfigs turns topic overrides into the effective log config; throws
     *                   {@link OspreyException} INVALID_CONFIG for a bad override
     */
    public PartitionManager(final LogManager logManager, final MetadataCache metadata, final LogAgent[] agents,
        final Function<Map<String, String>, LogConfig> logConfigs, final int nodeId, final BrokerMetrics metrics,
        final Replication replication)
    {
        this(logManager, metadata, agents, logConfigs, nodeId, metrics, replication, DEFAULT_RETENTION_CHECK_INTERVAL_MS);
    }

    /**
     * @param retentionCheckIntervalMs {@code log.retention.check.interval.ms}: how often each partition's retention
     *                                 (and producer-id expiry) runs, the first time one interval after it opens
     */
    public PartitionManager(final LogManager logManager, final MetadataCache metadata, final LogAgent[] agents,
        final Function<Map<String, String>, LogConfig> logConfigs, final int nodeId, final BrokerMetrics metrics,
        final Replication replication, final long retentionCheckIntervalMs)
    {
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.metrics = metrics;
        this.replication = replication;
        this.fetchers = replication == null ? null : new ReplicaFetcherManager(replication.fetcher(), this::endpointOf);
        this.logManager = logManager;
        this.metadata = metadata;
        this.agents = agents;
        this.logConfigs = logConfigs;
        this.nodeId = nodeId;
    }

    /** The metadata this node last received from the controller quorum. */
    public MetadataCache metadata()
    {
        return metadata;
    }

    /** This node's log directory. */
    public java.nio.file.Path logDir()
    {
        return logManager.logDir();
    }

    public Partition partition(final TopicPartition tp)
    {
        return partitions.get(tp);
    }

    public Partition partition(final String topic, final int index)
    {
        return partitions.get(new TopicPartition(topic, index));
    }

    public Collection<Partition> partitions()
    {
        return partitions.values();
    }

    public LogAgent agentFor(final TopicPartition tp)
    {
        return agents[Math.floorMod(tp.hashCode(), agents.length)];
    }

    /** Writes the log start offsets of every log now (after DeleteRecords). */
    public void checkpointLogStartOffsets() throws IOException
    {
        logManager.checkpointLogStartOffsets();
    }

    /**
     * The partition if this node leads it, else null; {@link #notServedError} says why.
     * Produce, Fetch and ListOffsets serve only what this returns.
     */
    public Partition leaderPartition(final TopicPartition tp)
    {
        final Partition p = partitions.get(tp);
        return p != null && p.isLeader() ? p : null;
    }

    /** NOT_LEADER_OR_FOLLOWER when the partition exists in the cluster, else UNKNOWN_TOPIC_OR_PARTITION. */
    public ErrorCode notServedError(final TopicPartition tp)
    {
        return metadata.image().partition(tp.topic(), tp.partition()) != null
            ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }

    public static void validateTopicName(final String name)
    {
        if (name == null || name.isEmpty())
        {
            throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic name is empty");
        }
        if (name.equals(".") || name.equals(".."))
        {
            throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic name cannot be '.' or '..'");
        }
        if (name.length() > TOPIC_NAME_LENGTH_MAX)
        {
            throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                "Topic name is " + name.length() + " characters; the maximum is " + TOPIC_NAME_LENGTH_MAX);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            {
                throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                    "Topic name '" + name + "' contains '" + c + "'; allowed are ASCII letters, digits, '.', '_' and '-'");
            }
        }
    }

    /**
     * Checks a topic creation against the image this node holds (CreateTopics validateOnly, and
     * the broker-side checks before a creation is forwarded to the controller, which checks
     * again against the committed image).
     */
    public void validateCreate(final String name, final int partitionCount, final int replicationFactor,
        final Map<String, String> configs)
    {
        validateTopicName(name);
        if (metadata.image().topic(name) != null)
        {
            throw new OspreyException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        metadata.image().checkNoCollision(name);
        if (partitionCount < 1)
        {
            throw new OspreyException(ErrorCode.INVALID_PARTITIONS, "Number of partitions must be at least 1: " + partitionCount);
        }
        if (partitionCount > PARTITIONS_PER_REQUEST_MAX)
        {
            throw new OspreyException(ErrorCode.POLICY_VIOLATION, "Excessively large number of partitions per request: " +
                partitionCount + " (at most " + PARTITIONS_PER_REQUEST_MAX + ")");
        }
        validateReplicationFactor(replicationFactor);
        logConfigs.apply(configs);
    }

    /** Between 1 and the live brokers: a replica on each of several brokers. */
    public void validateReplicationFactor(final int replicationFactor)
    {
        final int live = metadata.image().liveBrokerIds().size();
        if (replicationFactor < 1 || replicationFactor > Math.max(1, live))
        {
            throw new OspreyException(ErrorCode.INVALID_REPLICATION_FACTOR,
                "Replication factor " + replicationFactor + " is invalid: it must be between 1 and the " + live +
                " available broker(s)");
        }
    }

    /** Validates topic overrides, throwing INVALID_CONFIG for a bad one. */
    public void validateConfigs(final Map<String, String> configs)
    {
        logConfigs.apply(configs);
    }

    public LogConfig logConfigFor(final String topic)
    {
        final TopicInfo t = metadata.image().topic(topic);
        return logConfigs.apply(t == null ? Map.of() : t.configs());
    }

    /**
     * Brings the hosted partitions in line with {@code image}: opens (creating when missing) the
     * log of every partition assigned to this node, deletes the logs of topics that are gone (or
     * were deleted and created again under a new id), pushes changed topic configs to the logs
     * and sets each partition's leadership and leader epoch.
     */
    public synchronized void applyImage(final MetadataImage image, final long nowMs)
    {
        deleteRemovedTopics(image);
        for (final TopicInfo topic : image.topics().values())
        {
            final LogConfig config = configOf(topic);
            final SortedMap<String, String> applied = appliedConfigs.get(topic.name());
            final boolean configChanged = applied != null && !applied.equals(topic.configs());
            appliedConfigs.put(topic.name(), topic.configs());
            for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
            {
                final PartitionInfo state = e.getValue();
                if (!state.replicas().contains(nodeId))
                {
                    continue;
                }
                final TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
                Partition p = partitions.get(tp);
                final boolean created = p == null;
                if (p == null)
                {
                    p = open(tp, topic, config, state, nowMs);
                    if (p == null)
                    {
                        continue;
                    }
                }
                else if (configChanged)
                {
                    final Partition target = p;
                    p.agent().submit(now -> target.log().updateConfig(config));
                }
                if (created || configChanged)
                {
                    p.setMinInsyncReplicas(minInsyncReplicasOf(topic));
                }
                if (p.applyState(state))
                {
                    if (fetchers != null)
                    {
                        if (state.leader() != nodeId && state.hasLeader())
                        {
                            fetchers.follow(p, state.leader(), state.leaderEpoch());
                        }
                        else
                        {
                            fetchers.unfollow(tp);
                        }
                    }
                }
            }
        }
        dropUnassigned(image);
    }

    /**
     * Partitions this node hosts that the image no longer assigns to it: a reassignment moved
     * them away, which the controller finishes only once the new replicas are in sync. Each one
     * takes the image's state first (a former leader steps down, failing its waiting produces
     * with NOT_LEADER_OR_FOLLOWER, so it no longer takes writes or serves reads), stops
     * fetching, leaves this node and has its log deleted, as Kafka's StopReplica with deletion.
     * A later move back here starts from an empty log and copies it again.
     */
    private void dropUnassigned(final MetadataImage image)
    {
        final List<Partition> removed = new ArrayList<>();
        for (final Partition p : partitions.values())
        {
            final PartitionInfo state = image.partition(p.topicPartition().topic(), p.topicPartition().partition());
            if (state != null && !state.replicas().contains(nodeId))
            {
                p.applyState(state);
                removed.add(p);
            }
        }
        if (!removed.isEmpty())
        {
            deleteLocal(removed, false);
            LOG.info("Deleted the logs of {} partition(s) moved off broker {}: {}", removed.size(), nodeId,
                removed.stream().map(p -> p.topicPartition().toString()).toList());
        }
    }

    private int minInsyncReplicasOf(final TopicInfo topic)
    {
        try
        {
            return replication == null ? 1 : replication.minInsyncReplicas().applyAsInt(topic.configs());
        }
        catch (final RuntimeException e)
        {
            // As configOf: the broker's default, never a weaker guarantee than the operator configured.
            LOG.error("Topic {} has a min.insync.replicas this node refuses ({}); using the broker's default", topic.name(),
                e.getMessage());
            return replication.minInsyncReplicas().applyAsInt(Map.of());
        }
    }

    /** The first endpoint of {@code brokerId} in the current image, or null. */
    private String endpointOf(final int brokerId)
    {
        final BrokerInfo b = metadata.image().broker(brokerId);
        return b == null || b.endpoints().isEmpty() ? null : b.endpoints().get(0);
    }

    @Override
    public void onIsrChanged(final int oldSize, final int newSize)
    {
        if (metrics != null)
        {
            metrics.onIsrChange(oldSize, newSize);
        }
    }

    @Override
    public boolean isEligibleForIsr(final int brokerId)
    {
        return metadata.image().isLive(brokerId);
    }

    @Override
    public void alterPartition(final Partition partition, final LeaderReplicaState state, final IsrProposal proposal)
    {
        final TopicPartition tp = partition.topicPartition();
        replication.controller().apply(new Command.AlterPartition("", 0, nodeId, tp.topic(), tp.partition(), proposal.leaderEpoch(),
            proposal.partitionEpoch(), proposal.newIsr(), proposal.newIsrBrokerEpochs()))
            .whenComplete((r, e) -> partition.onAlterPartitionResult(state, proposal,
                e != null ? ErrorCode.REQUEST_TIMED_OUT : r.error()));
    }

    /**
     * Preferred-leader election, broker-driven: asks the controller to move leadership of every
     * partition whose preferred (first) replica is this broker back here, where this broker is
     * live and in the ISR but another leads (after a failover). The controller checks again
     * against the committed image. Returns the number of partitions asked for.
     */
    public int electPreferredLeaders()
    {
        final MetadataImage image = metadata.image();
        if (replication == null || !image.isLive(nodeId))
        {
            return 0;
        }
        final List<TopicPartition> wanted = new ArrayList<>();
        for (final TopicInfo topic : image.topics().values())
        {
            for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
            {
                final PartitionInfo p = e.getValue();
                if (!p.replicas().isEmpty() && p.replicas().get(0) == nodeId && p.leader() != nodeId && p.isr().contains(nodeId))
                {
                    wanted.add(new TopicPartition(topic.name(), e.getKey()));
                }
            }
        }
        if (!wanted.isEmpty())
        {
            LOG.info("Asking the controller to make broker {} leader again of {} partition(s) it prefers", nodeId, wanted.size());
            replication.controller().apply(new Command.ElectLeaders("", 0, wanted));
        }
        return wanted.size();
    }

    /** Stops the replica fetchers (broker shutdown, before the log agents stop). */
    public void closeFetchers()
    {
        if (fetchers != null)
        {
            fetchers.close();
        }
    }

    private LogConfig configOf(final TopicInfo topic)
    {
        try
        {
            return logConfigs.apply(topic.configs());
        }
        catch (final OspreyException e)
        {
            LOG.error("Topic {} has configs this node refuses ({}); using the defaults", topic.name(), e.getMessage());
            return logConfigs.apply(Map.of());
        }
    }

    private Partition open(final TopicPartition tp, final TopicInfo topic, final LogConfig config, final PartitionInfo state,
        final long nowMs)
    {
        try
        {
            final PartitionLog log = logManager.getOrCreate(tp.topic(), tp.partition(), config, nowMs);
            log.updateConfig(config);
            final Partition p = new Partition(tp, topic.id(), log, agentFor(tp), state.leaderEpoch(),
                metrics.topic(tp.topic()), nodeId, this, replication == null ? null : replication.timer());
            // Agent thread only: the next retention check of this partition.
            final long[] retentionDueMs = {nowMs + retentionCheckIntervalMs};
            p.agent().addPeriodic(() -> maintain(p, retentionDueMs));
            partitions.put(tp, p);
            return p;
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.error("Could not open the log of {}; it stays unavailable on this node", tp, e);
            return null;
        }
    }

    private void deleteRemovedTopics(final MetadataImage image)
    {
        final List<Partition> removed = new ArrayList<>();
        for (final Partition p : partitions.values())
        {
            final TopicInfo t = image.topic(p.topicPartition().topic());
            if (t == null || !t.id().equals(p.topicId()))
            {
                removed.add(p);
            }
        }
        if (removed.isEmpty())
        {
            return;
        }
        deleteLocal(removed, true);
        LOG.info("Deleted the logs of {} partition(s) of deleted topics", removed.size());
    }

    /**
     * Drops {@code removed} from this node: stops fetching them, fails what waits on them, and
     * deletes their logs on their agents, waiting up to {@value #DELETE_WAIT_MS} ms, then writes
     * the checkpoints once. {@code topicGone}: their topics were deleted, so the topics' configs
     * and metrics go too.
     */
    private void deleteLocal(final List<Partition> removed, final boolean topicGone)
    {
        final CountDownLatch done = new CountDownLatch(removed.size());
        for (final Partition p : removed)
        {
            partitions.remove(p.topicPartition());
            if (fetchers != null)
            {
                fetchers.unfollow(p.topicPartition());
            }
            if (topicGone)
            {
                appliedConfigs.remove(p.topicPartition().topic());
                metrics.removeTopic(p.topicPartition().topic());
            }
            p.markDeleted();
            // Here, not on the agent: stopping a cleaner pass may take a while, the agent serves other partitions.
            logManager.abortCleaning(p.log());
            p.agent().submit(nowMs ->
            {
                try
                {
                    logManager.delete(p.log());
                }
                catch (final IOException e)
                {
                    LOG.error("Could not delete the log of {}", p.topicPartition(), e);
                }
                finally
                {
                    done.countDown();
                }
            });
        }
        try
        {
            // Waiting keeps a topic deleted and created again from reopening the old directory.
            if (!done.await(DELETE_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                LOG.warn("Deleting {} partition logs took longer than {} ms", removed.size(), DELETE_WAIT_MS);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        try
        {
            // Once per batch; before a topic of the same name is created again, so no checkpoint line
            // of a deleted log outlives into a directory of the new one.
            logManager.checkpoint();
            logManager.checkpointCleaner();
        }
        catch (final IOException e)
        {
            LOG.error("Could not write the checkpoints after deleting partition logs", e);
        }
    }

    /**
     * Periodic work on the partition's agent: time-based flush, delayed file deletion, every
     * {@code log.retention.check.interval.ms} retention and producer-state expiry, and (leaders)
     * proposing lagging followers out of the ISR. Returns false once the partition is deleted,
     * which removes the task.
     */
    private boolean maintain(final Partition p, final long[] retentionDueMs)
    {
        if (p.isDeleted())
        {
            return false;
        }
        final long nowMs = System.currentTimeMillis();
        p.log().maybeFlush(nowMs);
        if (nowMs >= retentionDueMs[0])
        {
            retentionDueMs[0] = nowMs + retentionCheckIntervalMs;
            p.log().deleteRetainedSegments(nowMs);
        }
        else
        {
            p.log().releaseDeletedSegments(nowMs);
        }
        if (replication != null)
        {
            p.maybeShrinkIsr(nowMs, replication.replicaLagTimeMaxMs());
        }
        return true;
    }
}
