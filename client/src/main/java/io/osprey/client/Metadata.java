package io.osprey.client;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.message.MetadataResponse;

/**
 * The client's cache of cluster metadata, the topics it wants metadata for, and when to
 * refresh it: on request ({@link #requestUpdate}, after a NOT_LEADER_OR_FOLLOWER, say) or when
 * older than {@code metadata.max.age.ms}.
 *
 * <h2>Threading</h2>
 * Single writer, many readers. Only the I/O thread that owns the {@link NetworkClient} calls
 * {@link #update} (through {@link MetadataUpdater}). Any thread may read: each update publishes
 * an immutable {@link MetadataSnapshot} through a volatile reference, so a reader sees one
 * whole response or the next, never a mix. Any thread may also add topics of interest, request
 * an update (which wakes the I/O thread's poll) and {@link #awaitUpdate wait} for one: a
 * producer's {@code send} does this for a topic it has not seen yet.
 * <p>
 * An update request is satisfied only by a response to a request sent after it: each request
 * bumps a counter, and {@link #update(int, MetadataResponse, long)} records the counter value
 * the responded request was sent at. A request made while a response was already on its way
 * therefore triggers another update rather than being lost.
 */
public final class Metadata
{
    private final long metadataMaxAgeMs;
    private final ClientClock clock;
    private final Object updateMonitor = new Object();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final AtomicInteger updateRequests = new AtomicInteger();

    private volatile MetadataSnapshot snapshot = MetadataSnapshot.EMPTY;
    private volatile int version;
    private volatile int satisfiedUpdateRequests;
    private volatile boolean allTopics;
    private volatile boolean updated;
    private volatile long lastUpdateMs;
    private volatile Runnable onUpdateRequested = () ->
    {
    };

    public Metadata(final long metadataMaxAgeMs, final ClientClock clock)
    {
        this.metadataMaxAgeMs = metadataMaxAgeMs;
        this.clock = clock;
    }

    /** {@code metadata.max.age.ms} from the config, with the system clock. */
    public Metadata(final ClientConfig config)
    {
        this(config.getLong(CommonClientConfigs.METADATA_MAX_AGE_MS_CONFIG), ClientClock.SYSTEM);
    }

    // ---- Topics of interest (any thread) ----------------------------------------------------------

    /** Adds a topic to fetch metadata for; requests an update when it is new and not yet known. */
    public void addTopic(final String topic)
    {
        // contains() first: a producer calls this for every record, and add() on a concurrent set locks a bin even when
        // the topic is there.
        if (!topics.contains(topic) && topics.add(topic) && !allTopics && snapshot.topic(topic) == null)
        {
            requestUpdate();
        }
    }

    /** Adds several topics; see {@link #addTopic}. */
    public void addTopics(final Collection<String> newTopics)
    {
        for (final String topic : newTopics)
        {
            addTopic(topic);
        }
    }

    /** Replaces the topics of interest (a consumer's new subscription); requests an update if any is new. */
    public void setTopics(final Collection<String> newTopics)
    {
        topics.retainAll(newTopics);
        addTopics(newTopics);
    }

    /** The topics of interest, copied. */
    public Set<String> topics()
    {
        return Set.copyOf(topics);
    }

    /** Fetch metadata for every topic (a consumer's pattern subscription, an admin's listTopics) instead of a set. */
    public void setAllTopics(final boolean all)
    {
        if (all && !allTopics)
        {
            allTopics = true;
            requestUpdate();
        }
        allTopics = all;
    }

    public boolean allTopics()
    {
        return allTopics;
    }

    // ---- When to update ---------------------------------------------------------------------------

    /**
     * Asks for an update as soon as the backoff allows, and wakes the I/O thread. Any thread.
     *
     * @return the current {@link #version()}, to pass to {@link #awaitUpdate}
     */
    public int requestUpdate()
    {
        final int current = version;
        updateRequests.incrementAndGet();
        onUpdateRequested.run();
        return current;
    }

    /** Whether an update was requested and no response to a request sent since has arrived. */
    public boolean updateRequested()
    {
        return updateRequests.get() > satisfiedUpdateRequests;
    }

    /** The update-request counter, to capture when sending a metadata request and pass to {@link #update(int, MetadataResponse, long)}. */
    public int updateRequestCount()
    {
        return updateRequests.get();
    }

    /** Whether an update is due: requested, never done, or the last one is older than {@code metadata.max.age.ms}. */
    public boolean needsUpdate(final long nowMs)
    {
        return timeToNextUpdateMs(nowMs) == 0;
    }

    /** 0 when an update is due, else how long until the metadata reaches its max age. */
    public long timeToNextUpdateMs(final long nowMs)
    {
        if (!updated || updateRequested())
        {
            return 0;
        }
        return Math.max(0, lastUpdateMs + metadataMaxAgeMs - nowMs);
    }

    // ---- Updating (I/O thread only) ---------------------------------------------------------------

    /** Applies a response, satisfying every update requested so far. */
    public void update(final MetadataResponse response)
    {
        update(updateRequests.get(), response, clock.nowMs());
    }

    /** Applies a response, satisfying every update requested so far. */
    public void update(final MetadataResponse response, final long nowMs)
    {
        update(updateRequests.get(), response, nowMs);
    }

    /**
     * Applies a response to a request sent when {@link #updateRequestCount()} was
     * {@code requestCountAtSend}: requests made after that stay pending.
     */
    public void update(final int requestCountAtSend, final MetadataResponse response, final long nowMs)
    {
        snapshot = MetadataSnapshot.from(response, snapshot);
        satisfiedUpdateRequests = Math.max(satisfiedUpdateRequests, requestCountAtSend);
        lastUpdateMs = nowMs;
        updated = true;
        synchronized (updateMonitor)
        {
            version++;
            updateMonitor.notifyAll();
        }
    }

    /**
     * Waits until the version exceeds {@code lastVersion} (an update arrived) or the timeout
     * passes. Any thread but the I/O thread, which would wait for itself.
     *
     * @return whether an update arrived in time
     */
    public boolean awaitUpdate(final int lastVersion, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (updateMonitor)
        {
            while (version <= lastVersion)
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(updateMonitor, remainingNs);
            }
            return true;
        }
    }

    /** Called (on the requesting thread) after each {@link #requestUpdate}; the NetworkClient wakes its poll with it. */
    void onUpdateRequested(final Runnable callback)
    {
        onUpdateRequested = callback;
    }

    // ---- Reading (any thread) ---------------------------------------------------------------------

    /** Incremented by every update; 0 before the first. */
    public int version()
    {
        return version;
    }

    /** When the last update was applied, on the client's clock. */
    public long lastUpdateMs()
    {
        return lastUpdateMs;
    }

    /** The current snapshot: read once and use it for a consistent view of several fields. */
    public MetadataSnapshot snapshot()
    {
        return snapshot;
    }

    public String clusterId()
    {
        return snapshot.clusterId();
    }

    /** The controller's node id, -1 when unknown. */
    public int controllerId()
    {
        return snapshot.controllerId();
    }

    public Collection<Node> nodes()
    {
        return snapshot.nodes();
    }

    /** The broker with this id, or null. */
    public Node node(final int id)
    {
        return snapshot.node(id);
    }

    /** The topic, or null when unknown or in error. */
    public TopicMetadata topic(final String topic)
    {
        return snapshot.topic(topic);
    }

    /** The partition, or null when unknown. */
    public PartitionMetadata partition(final TopicPartition tp)
    {
        return snapshot.partition(tp);
    }

    /** The partition's leader, or null when unknown or leaderless. */
    public Node leaderFor(final TopicPartition tp)
    {
        return snapshot.leaderFor(tp);
    }

    /** The number of partitions, or -1 when the topic is unknown or in error. */
    public int partitionCount(final String topic)
    {
        return snapshot.partitionCount(topic);
    }

    /** The topic id, or null when unknown. */
    public UUID topicId(final String topic)
    {
        return snapshot.topicId(topic);
    }

    /** The topic-level error of the last response for {@code topic}, or null when none. */
    public ErrorCode topicError(final String topic)
    {
        return snapshot.topicError(topic);
    }

    /**
     * The topic-level error of the last response for {@code topic} as the exception a client
     * surfaces, or null when none. Metadata responses carry only codes, so the message explains
     * the code in terms of the topic.
     */
    public OspreyException topicException(final String topic)
    {
        final ErrorCode error = topicError(topic);
        if (error == null)
        {
            return null;
        }
        final String why;
        switch (error)
        {
            case UNKNOWN_TOPIC_OR_PARTITION:
                why = "the topic does not exist (and was not created automatically)";
                break;
            case INVALID_TOPIC_EXCEPTION:
                why = "the name is not a valid topic name";
                break;
            case LEADER_NOT_AVAILABLE:
                why = "the topic has no leader yet; it may be being created";
                break;
            case TOPIC_AUTHORIZATION_FAILED:
                why = "the client is not authorized to describe it";
                break;
            default:
                why = "the broker returned " + error;
                break;
        }
        return Errors.forCode(error, "Metadata for topic '" + topic + "' failed with " + error + ": " + why);
    }

    /** Every topic-level error of the last response. */
    public Map<String, ErrorCode> topicErrors()
    {
        return snapshot.topicErrors();
    }
}
