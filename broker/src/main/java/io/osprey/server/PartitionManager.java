package io.osprey.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.log.LogConfig;
import io.osprey.log.LogManager;
import io.osprey.log.PartitionLog;

/**
 * The topics and partitions this node hosts: creates, grows, reconfigures and deletes them,
 * keeping the {@link MetadataStore}, the {@link LogManager} and the log agents in step.
 * <p>
 * Thread-safety: lookups from any thread; topic changes are serialized by this object's lock.
 * Each log is touched only by its agent once published; creation happens before publication.
 */
public final class PartitionManager
{
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);
    /** Kafka's limit: a topic name becomes a directory name with a partition suffix. */
    public static final int TOPIC_NAME_LENGTH_MAX = 249;
    /** Kafka's cap on partitions created by one request: each costs files, mappings and an index. */
    public static final int PARTITIONS_PER_REQUEST_MAX = 10_000;

    private final LogManager logManager;
    private final MetadataStore metadata;
    private final LogAgent[] agents;
    private final Function<Map<String, String>, LogConfig> logConfigs;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

    /**
     * @param logConfigs turns topic overrides into the effective log config; throws
     *                   {@link OspreyException} INVALID_CONFIG for a bad override
     */
    public PartitionManager(final LogManager logManager, final MetadataStore metadata, final LogAgent[] agents,
        final Function<Map<String, String>, LogConfig> logConfigs, final long nowMs) throws IOException
    {
        this.logManager = logManager;
        this.metadata = metadata;
        this.agents = agents;
        this.logConfigs = logConfigs;
        for (final TopicInfo t : metadata.topics())
        {
            openPartitions(t, 0, t.partitions(), nowMs);
        }
    }

    public MetadataStore metadata()
    {
        return metadata;
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

    /** Validates a topic creation without doing it (CreateTopics validateOnly, and the first step of create). */
    public void validateCreate(final String name, final int partitionCount, final int replicationFactor,
        final Map<String, String> configs, final int liveBrokers)
    {
        validateTopicName(name);
        if (metadata.topic(name) != null)
        {
            throw new OspreyException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (partitionCount < 1)
        {
            throw new OspreyException(ErrorCode.INVALID_PARTITIONS, "Number of partitions must be at least 1: " + partitionCount);
        }
        if (partitionCount > PARTITIONS_PER_REQUEST_MAX)
        {
            throw new OspreyException(ErrorCode.POLICY_VIOLATION, "Excessively large number of partitions per request: " +
                partitionCount + " (at most " + PARTITIONS_PER_REQUEST_MAX + ")");
        }
        if (replicationFactor < 1 || replicationFactor > liveBrokers)
        {
            throw new OspreyException(ErrorCode.INVALID_REPLICATION_FACTOR,
                "Replication factor " + replicationFactor + " is invalid: it must be between 1 and the " + liveBrokers +
                " available broker(s)");
        }
        logConfigs.apply(configs);
    }

    public synchronized TopicInfo createTopic(final String name, final int partitionCount, final int replicationFactor,
        final Map<String, String> configs, final long nowMs) throws IOException
    {
        validateCreate(name, partitionCount, replicationFactor, configs, 1);
        final TopicInfo topic = new TopicInfo(name, UUID.randomUUID(), partitionCount, (short)replicationFactor, configs);
        // Logs first, metadata last: a failure part way leaves no topic that names missing partitions.
        final Map<TopicPartition, Partition> opened = createLogs(topic, 0, partitionCount, nowMs);
        metadata.put(topic);
        publish(opened);
        LOG.info("Created topic {} ({} partitions, id {})", name, partitionCount, topic.id());
        return topic;
    }

    public synchronized void createPartitions(final String name, final int newCount, final boolean validateOnly, final long nowMs)
        throws IOException
    {
        final TopicInfo topic = metadata.topic(name);
        if (topic == null)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
        }
        if (newCount <= topic.partitions())
        {
            throw new OspreyException(ErrorCode.INVALID_PARTITIONS,
                "Topic '" + name + "' has " + topic.partitions() + " partitions; the new count " + newCount + " must be larger");
        }
        if (newCount - topic.partitions() > PARTITIONS_PER_REQUEST_MAX)
        {
            throw new OspreyException(ErrorCode.POLICY_VIOLATION, "Excessively large number of partitions per request: " +
                (newCount - topic.partitions()) + " new (at most " + PARTITIONS_PER_REQUEST_MAX + ")");
        }
        if (validateOnly)
        {
            return;
        }
        final Map<TopicPartition, Partition> opened = createLogs(topic, topic.partitions(), newCount, nowMs);
        metadata.put(topic.withPartitions(newCount));
        publish(opened);
    }

    /** Replaces a topic's overrides; the logs pick the new settings up on their agents. */
    public synchronized void alterConfigs(final String name, final Map<String, String> newConfigs, final boolean validateOnly)
        throws IOException
    {
        final TopicInfo topic = metadata.topic(name);
        if (topic == null)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
        }
        final LogConfig config = logConfigs.apply(newConfigs);
        if (validateOnly)
        {
            return;
        }
        metadata.put(topic.withConfigs(newConfigs));
        for (int i = 0; i < topic.partitions(); i++)
        {
            final Partition p = partition(name, i);
            if (p != null)
            {
                p.agent().submit(nowMs -> p.log().updateConfig(config));
            }
        }
    }

    public synchronized void deleteTopic(final String name) throws IOException
    {
        final TopicInfo topic = metadata.topic(name);
        if (topic == null)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
        }
        metadata.remove(name);
        final List<Partition> removed = new ArrayList<>();
        for (int i = 0; i < topic.partitions(); i++)
        {
            final Partition p = partitions.remove(new TopicPartition(name, i));
            if (p != null)
            {
                p.markDeleted();
                removed.add(p);
            }
        }
        final CountDownLatch done = new CountDownLatch(removed.size());
        for (final Partition p : removed)
        {
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
            done.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        LOG.info("Deleted topic {}", name);
    }

    public LogConfig logConfigFor(final String topic)
    {
        final TopicInfo t = metadata.topic(topic);
        return logConfigs.apply(t == null ? Map.of() : t.configs());
    }

    private void openPartitions(final TopicInfo topic, final int from, final int to, final long nowMs) throws IOException
    {
        publish(createLogs(topic, from, to, nowMs));
    }

    /** Opens (creating when missing) the logs of partitions [from, to); on failure removes the ones it created. */
    private Map<TopicPartition, Partition> createLogs(final TopicInfo topic, final int from, final int to, final long nowMs)
        throws IOException
    {
        final LogConfig config = logConfigs.apply(topic.configs());
        final Map<TopicPartition, Partition> opened = new HashMap<>();
        try
        {
            for (int i = from; i < to; i++)
            {
                final TopicPartition tp = new TopicPartition(topic.name(), i);
                final PartitionLog log = logManager.getOrCreate(topic.name(), i, config, nowMs);
                log.updateConfig(config);
                opened.put(tp, new Partition(tp, topic.id(), log, agentFor(tp), 0));
            }
        }
        catch (final IOException | RuntimeException e)
        {
            for (final TopicPartition tp : opened.keySet())
            {
                logManager.delete(tp.topic(), tp.partition());
            }
            throw e;
        }
        return opened;
    }

    private void publish(final Map<TopicPartition, Partition> opened)
    {
        for (final Partition p : opened.values())
        {
            p.agent().addPeriodic(() -> maintain(p));
        }
        partitions.putAll(opened);
    }

    /**
     * Periodic work on the partition's agent: time-based flush, retention, delayed file
     * deletion, producer-state expiry. Returns false once the partition is deleted, which
     * removes the task.
     */
    private static boolean maintain(final Partition p)
    {
        if (p.isDeleted())
        {
            return false;
        }
        final long nowMs = System.currentTimeMillis();
        p.log().maybeFlush(nowMs);
        p.log().deleteRetainedSegments(nowMs);
        return true;
    }
}
