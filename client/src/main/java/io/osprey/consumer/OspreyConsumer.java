package io.osprey.consumer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.ClientClock;
import io.osprey.client.ExponentialBackoff;
import io.osprey.client.Metadata;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.MetadataUpdater;
import io.osprey.client.NetworkClient;
import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.RequestTimeoutException;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.serialization.Deserializer;

/**
 * Osprey's consumer: Kafka's {@code KafkaConsumer}, with manual assignment or consumer groups
 * (see {@link Consumer} for the contract).
 *
 * <h2>Threads</h2>
 * A background network thread ({@link ConsumerNetworkThread}) owns the connections and fetches
 * ahead of {@link #poll}: one fetch in flight per leader for the assigned, non-paused partitions
 * with less than {@code max.partition.fetch.bytes} buffered (and less than {@code fetch.max.bytes}
 * buffered in total). Completed fetches reach the application thread through a bounded
 * single-producer single-consumer queue ({@link FetchQueue}); {@code poll} decodes them lazily, up
 * to {@code max.poll.records}, and applies the deserializers on the caller's thread. Seeks,
 * assignment changes and pauses go the other way through a coalescing mailbox
 * ({@link FetchControl}); every seek or reset takes a new per-partition generation, and fetched
 * data of an older generation is dropped wherever it is (in flight, queued, half read).
 *
 * <h2>Thread-safety</h2>
 * Not thread-safe, like Kafka's: one thread at a time, checked (another thread gets a
 * {@link java.util.ConcurrentModificationException}). The exception is {@link #wakeup()}, which any thread
 * may call.
 *
 * <h2>Groups</h2>
 * With a {@code group.id}, a {@link ConsumerCoordinator} on the network thread finds the
 * coordinator, joins, syncs and heartbeats (so heartbeats do not depend on poll being called);
 * {@link ConsumerGroup} applies rebalances on the application thread inside {@code poll}, where
 * the {@link ConsumerRebalanceListener} runs. Commits and committed-offset lookups are
 * {@link NetworkCall}s sent to the coordinator.
 *
 * <h2>Differences from Kafka's consumer</h2>
 * Only the classic group protocol ({@code group.protocol=classic}); assignors are the built-in
 * range, roundrobin and cooperative-sticky. {@code isolation.level=read_committed} reads the same
 * records as {@code read_uncommitted} since Osprey has no transactions. Snappy batches cannot be
 * decoded (Osprey does not implement snappy). Deserializers are Osprey's
 * {@link Deserializer}s, not Kafka's.
 */
public final class OspreyConsumer<K, V> implements Consumer<K, V>
{
    private static final Logger LOG = LoggerFactory.getLogger(OspreyConsumer.class);
    private static final AtomicInteger CLIENT_ID_SEQUENCE = new AtomicInteger(1);

    private final String clientId;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final long defaultApiTimeoutMs;
    private final ClientClock clock = ClientClock.SYSTEM;
    private final Metadata metadata;
    private final NetworkClient client;
    private final ExponentialBackoff retryBackoff;
    private final byte isolationLevel;
    private final SubscriptionState subscriptions;
    private final FetchQueue fetchQueue;
    private final Deque<CompletedFetch> buffered = new ArrayDeque<>();
    private final FetchCollector<K, V> collector;
    private final AppSignal signal = new AppSignal();
    private final ConsumerNetworkThread network;
    private final Thread networkThread;
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final ThreadGuard threadGuard = new ThreadGuard();
    private final ConsumerGroup group;

    private boolean closed;

    /** A consumer configured by {@code configs}, which must name the key and value deserializer classes. */
    public OspreyConsumer(final Map<String, Object> configs)
    {
        this(configs, null, null);
    }

    /** A consumer configured by {@code properties}, which must name the key and value deserializer classes. */
    public OspreyConsumer(final Properties properties)
    {
        this(ConsumerConfig.definition().parse(properties), null, null);
    }

    /** A consumer with these deserializers (used as given: not configured); the config may leave the deserializer keys out. */
    public OspreyConsumer(final Properties properties, final Deserializer<K> keyDeserializer, final Deserializer<V> valueDeserializer)
    {
        this(ConsumerConfig.definition().parse(properties), keyDeserializer, valueDeserializer);
    }

    /** A consumer with these deserializers (used as given: not configured); the config may leave the deserializer keys out. */
    public OspreyConsumer(final Map<String, Object> configs, final Deserializer<K> keyDeserializer, final Deserializer<V> valueDeserializer)
    {
        this(ConsumerConfig.definition().parse(configs), keyDeserializer, valueDeserializer);
    }

    private OspreyConsumer(final ClientConfig config, final Deserializer<K> keyDeserializer, final Deserializer<V> valueDeserializer)
    {
        this.clientId = clientId(config);
        this.keyDeserializer = Deserializers.resolve(config, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, keyDeserializer, true);
        this.valueDeserializer = Deserializers.resolve(config, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer, false);
        this.defaultApiTimeoutMs = config.getInt(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        this.retryBackoff = ExponentialBackoff.doubling(config.getLong(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG),
            config.getLong(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG));
        final FetchSettings settings = FetchSettings.from(config);
        this.isolationLevel = settings.isolationLevel();
        final Random random = new Random();
        this.metadata = new Metadata(config);
        this.client = new NetworkClient(config, clientId, ConsumerLimits.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, metadata, clock, random);
        final MetadataUpdater updater = new MetadataUpdater(client, config,
            config.getBoolean(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG), random);
        final FetchControl control = new FetchControl(client::wakeup);
        this.subscriptions = new SubscriptionState(settings.defaultReset(), control);
        this.fetchQueue = new FetchQueue(ConsumerLimits.COMPLETED_FETCH_QUEUE_CAPACITY);
        this.collector = new FetchCollector<>(subscriptions, control, this.keyDeserializer, this.valueDeserializer,
            config.getBoolean(ConsumerConfig.CHECK_CRCS_CONFIG), config.getInt(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        final FetchStates states = new FetchStates();
        final Fetcher fetcher = new Fetcher(client, states, fetchQueue, settings, retryBackoff, random);
        final PositionResetter resetter = new PositionResetter(client, states, fetchQueue, settings.isolationLevel(), retryBackoff, random);
        final GroupSettings groupSettings = GroupSettings.from(config);
        final ConsumerCoordinator coordinator = groupSettings == null ? null
            : new ConsumerCoordinator(client, groupSettings, retryBackoff, random);
        this.network = new ConsumerNetworkThread(client, updater, control, states, fetchQueue, fetcher, resetter, signal, coordinator);
        this.group = coordinator == null ? null : new ConsumerGroup(groupSettings, coordinator, subscriptions, client, network,
            this::awaitCall, retryBackoff, defaultApiTimeoutMs, clientId);
        this.networkThread = new Thread(network, "osprey-consumer-network-thread | " + clientId);
        networkThread.setDaemon(true);
        networkThread.start();
        LOG.debug("Consumer {} started", clientId);
    }

    // ---- Assignment ------------------------------------------------------------------------------

    @Override
    public Set<TopicPartition> assignment()
    {
        acquireAndEnsureOpen();
        try
        {
            return subscriptions.assignment();
        }
        finally
        {
            release();
        }
    }

    @Override
    public void subscribe(final Collection<String> topics)
    {
        subscribe(topics, null);
    }

    @Override
    public void subscribe(final Collection<String> topics, final ConsumerRebalanceListener listener)
    {
        acquireAndEnsureOpen();
        try
        {
            if (topics == null)
            {
                throw new IllegalArgumentException("Topic collection to subscribe to cannot be null");
            }
            if (topics.isEmpty())
            {
                unsubscribe();
                return;
            }
            final Set<String> set = new LinkedHashSet<>();
            for (final String topic : topics)
            {
                if (topic == null || topic.isBlank())
                {
                    throw new IllegalArgumentException("Topic collection to subscribe to cannot contain null or empty topic");
                }
                set.add(topic);
            }
            requireGroupForSubscribe().subscribe(set, listener);
        }
        finally
        {
            release();
        }
    }

    @Override
    public void subscribe(final Pattern pattern)
    {
        subscribe(pattern, null);
    }

    @Override
    public void subscribe(final Pattern pattern, final ConsumerRebalanceListener listener)
    {
        acquireAndEnsureOpen();
        try
        {
            if (pattern == null || pattern.pattern().isEmpty())
            {
                throw new IllegalArgumentException("Topic pattern to subscribe to cannot be " + (pattern == null ? "null" : "empty"));
            }
            requireGroupForSubscribe().subscribe(pattern, listener);
        }
        finally
        {
            release();
        }
    }

    private ConsumerGroup requireGroupForSubscribe()
    {
        if (group == null)
        {
            throw new OspreyException(ErrorCode.INVALID_GROUP_ID, "To use the group management or offset commit APIs, you must provide "
                + "a valid group.id in the consumer configuration (or use assign() with the topics' partitions, which needs no group)");
        }
        if (!group.subscribed() && !subscriptions.isEmpty())
        {
            throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive: this consumer has "
                + "partitions assigned with assign(); call unsubscribe() first");
        }
        return group;
    }

    private ConsumerGroup requireGroup()
    {
        if (group == null)
        {
            throw new OspreyException(ErrorCode.INVALID_GROUP_ID, "To use the group management or offset commit APIs, you must provide "
                + "a valid group.id in the consumer configuration");
        }
        return group;
    }

    @Override
    public Set<String> subscription()
    {
        acquireAndEnsureOpen();
        try
        {
            return group == null ? Set.of() : group.subscription();
        }
        finally
        {
            release();
        }
    }

    @Override
    public void assign(final Collection<TopicPartition> partitions)
    {
        acquireAndEnsureOpen();
        try
        {
            if (partitions == null)
            {
                throw new IllegalArgumentException("Topic partition collection to assign to cannot be null");
            }
            if (group != null && group.subscribed())
            {
                throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive: this consumer "
                    + "is subscribed to " + group.subscription() + "; call unsubscribe() first");
            }
            final Set<String> topics = new LinkedHashSet<>();
            for (final TopicPartition tp : partitions)
            {
                if (tp == null || tp.topic() == null || tp.topic().isBlank() || tp.partition() < 0)
                {
                    throw new IllegalArgumentException("Cannot assign partition " + tp + ": it needs a topic name and a partition >= 0");
                }
                topics.add(tp.topic());
            }
            LOG.info("[Consumer clientId={}] Assigned to partition(s): {}", clientId, partitions);
            subscriptions.assign(partitions, group != null);
            metadata.setTopics(topics);
        }
        finally
        {
            release();
        }
    }

    @Override
    public void unsubscribe()
    {
        acquireAndEnsureOpen();
        try
        {
            if (group != null && group.subscribed())
            {
                LOG.info("[Consumer clientId={}] Unsubscribed all topics or patterns and assigned partitions", clientId);
                group.unsubscribe();
            }
            else
            {
                assign(List.of());
            }
        }
        finally
        {
            release();
        }
    }

    // ---- Committed offsets -----------------------------------------------------------------------

    @Override
    public void commitSync()
    {
        commitSync(Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public void commitSync(final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            requireGroup().commitSync(subscriptions.allConsumed(), toMillis(timeout));
        }
        finally
        {
            release();
        }
    }

    @Override
    public void commitSync(final Map<TopicPartition, OffsetAndMetadata> offsets)
    {
        commitSync(offsets, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public void commitSync(final Map<TopicPartition, OffsetAndMetadata> offsets, final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            requireGroup().commitSync(Map.copyOf(Objects.requireNonNull(offsets, "offsets")), toMillis(timeout));
        }
        finally
        {
            release();
        }
    }

    @Override
    public void commitAsync()
    {
        commitAsync(null);
    }

    @Override
    public void commitAsync(final OffsetCommitCallback callback)
    {
        acquireAndEnsureOpen();
        try
        {
            requireGroup().commitAsync(subscriptions.allConsumed(), callback);
        }
        finally
        {
            release();
        }
    }

    @Override
    public void commitAsync(final Map<TopicPartition, OffsetAndMetadata> offsets, final OffsetCommitCallback callback)
    {
        acquireAndEnsureOpen();
        try
        {
            requireGroup().commitAsync(Map.copyOf(Objects.requireNonNull(offsets, "offsets")), callback);
        }
        finally
        {
            release();
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(final Set<TopicPartition> partitions)
    {
        return committed(partitions, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(final Set<TopicPartition> partitions, final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            final long timeoutMs = toMillis(timeout);
            if (partitions.isEmpty())
            {
                return Map.of();
            }
            return requireGroup().committed(partitions, timeoutMs);
        }
        finally
        {
            release();
        }
    }

    // ---- Positions -------------------------------------------------------------------------------

    @Override
    public void seek(final TopicPartition partition, final long offset)
    {
        acquireAndEnsureOpen();
        try
        {
            if (offset < 0)
            {
                throw new IllegalArgumentException("seek offset must not be a negative number, not " + offset);
            }
            LOG.info("[Consumer clientId={}] Seeking to offset {} for partition {}", clientId, offset, partition);
            subscriptions.seek(partition, offset);
        }
        finally
        {
            release();
        }
    }

    @Override
    public void seekToBeginning(final Collection<TopicPartition> partitions)
    {
        requestReset(partitions, OffsetResetStrategy.EARLIEST);
    }

    @Override
    public void seekToEnd(final Collection<TopicPartition> partitions)
    {
        requestReset(partitions, OffsetResetStrategy.LATEST);
    }

    private void requestReset(final Collection<TopicPartition> partitions, final OffsetResetStrategy strategy)
    {
        acquireAndEnsureOpen();
        try
        {
            if (partitions == null)
            {
                throw new IllegalArgumentException("Partitions collection cannot be null");
            }
            final Collection<TopicPartition> targets = partitions.isEmpty() ? subscriptions.assignment() : partitions;
            for (final TopicPartition tp : targets)
            {
                subscriptions.assignedState(tp);
            }
            for (final TopicPartition tp : targets)
            {
                LOG.info("[Consumer clientId={}] Seeking to {} offset of partition {}", clientId, strategy.configName(), tp);
                subscriptions.requestReset(tp, strategy);
            }
        }
        finally
        {
            release();
        }
    }

    @Override
    public long position(final TopicPartition partition)
    {
        return position(partition, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public long position(final TopicPartition partition, final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            final long timeoutMs = toMillis(timeout);
            final long deadlineMs = deadline(timeoutMs);
            final SubscriptionState.PartitionState state = subscriptions.assignedState(partition);
            while (true)
            {
                final long seen = signal.version();
                maybeThrowWakeup();
                checkNetworkThread();
                if (state.hasPosition())
                {
                    return state.position;
                }
                if (state.awaitingCommitted && group != null)
                {
                    group.updateCommittedPositions(clock.nowMs());
                }
                else if (state.reset == OffsetResetStrategy.NONE)
                {
                    throw new NoOffsetForPartitionException(List.of(partition));
                }
                fetchQueue.drainTo(buffered);
                final RuntimeException error = collector.resolvePositions(buffered, partition);
                if (state.hasPosition())
                {
                    return state.position;
                }
                if (error != null)
                {
                    throw error;
                }
                final long remainingMs = deadlineMs - clock.nowMs();
                if (remainingMs <= 0)
                {
                    throw new RequestTimeoutException("Timeout of " + timeoutMs + " ms expired before the position for partition "
                        + partition + " could be determined (looking up its " + state.reset.configName() + " offset)");
                }
                await(seen, remainingMs);
            }
        }
        finally
        {
            release();
        }
    }

    // ---- Pausing ---------------------------------------------------------------------------------

    @Override
    public void pause(final Collection<TopicPartition> partitions)
    {
        setPaused(partitions, true);
    }

    @Override
    public void resume(final Collection<TopicPartition> partitions)
    {
        setPaused(partitions, false);
    }

    private void setPaused(final Collection<TopicPartition> partitions, final boolean pause)
    {
        acquireAndEnsureOpen();
        try
        {
            for (final TopicPartition tp : partitions)
            {
                subscriptions.assignedState(tp);
            }
            for (final TopicPartition tp : partitions)
            {
                subscriptions.pause(tp, pause);
            }
        }
        finally
        {
            release();
        }
    }

    @Override
    public Set<TopicPartition> paused()
    {
        acquireAndEnsureOpen();
        try
        {
            return subscriptions.paused();
        }
        finally
        {
            release();
        }
    }

    // ---- Polling ---------------------------------------------------------------------------------

    @Override
    public ConsumerRecords<K, V> poll(final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            final long deadlineMs = deadline(toMillis(timeout));
            final boolean subscribed = group != null && group.subscribed();
            if (!subscribed && subscriptions.isEmpty())
            {
                throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
            }
            while (true)
            {
                final long seen = signal.version();
                maybeThrowWakeup();
                checkNetworkThread();
                if (group != null)
                {
                    group.poll(clock.nowMs());
                }
                final List<TopicPartition> awaitingSeek = subscriptions.partitionsAwaitingSeek();
                if (!awaitingSeek.isEmpty())
                {
                    throw new NoOffsetForPartitionException(awaitingSeek);
                }
                fetchQueue.drainTo(buffered);
                final ConsumerRecords<K, V> records = collector.collect(buffered);
                if (!records.isEmpty())
                {
                    return records;
                }
                final long remainingMs = deadlineMs - clock.nowMs();
                if (remainingMs <= 0)
                {
                    return ConsumerRecords.empty();
                }
                await(seen, remainingMs);
            }
        }
        finally
        {
            release();
        }
    }

    // ---- Offset and metadata lookups -------------------------------------------------------------

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(final Map<TopicPartition, Long> timestampsToSearch)
    {
        return offsetsForTimes(timestampsToSearch, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(final Map<TopicPartition, Long> timestampsToSearch,
        final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            for (final Map.Entry<TopicPartition, Long> e : timestampsToSearch.entrySet())
            {
                if (e.getValue() == null || e.getValue() < 0)
                {
                    throw new IllegalArgumentException("The target time for partition " + e.getKey() + " is " + e.getValue()
                        + ". The target time cannot be negative.");
                }
            }
            final Map<TopicPartition, ListOffsetsResponse.Partition> found = lookUpOffsets(timestampsToSearch, timeout,
                "offsets by times");
            final Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            for (final TopicPartition tp : timestampsToSearch.keySet())
            {
                final ListOffsetsResponse.Partition p = found.get(tp);
                out.put(tp, p == null || p.offset() < 0 ? null : new OffsetAndTimestamp(p.offset(), p.timestamp(),
                    p.leaderEpoch() < 0 ? Optional.empty() : Optional.of(p.leaderEpoch())));
            }
            return out;
        }
        finally
        {
            release();
        }
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(final Collection<TopicPartition> partitions)
    {
        return beginningOffsets(partitions, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(final Collection<TopicPartition> partitions, final Duration timeout)
    {
        return endpointOffsets(partitions, timeout, OffsetResetStrategy.EARLIEST);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(final Collection<TopicPartition> partitions)
    {
        return endOffsets(partitions, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(final Collection<TopicPartition> partitions, final Duration timeout)
    {
        return endpointOffsets(partitions, timeout, OffsetResetStrategy.LATEST);
    }

    private Map<TopicPartition, Long> endpointOffsets(final Collection<TopicPartition> partitions, final Duration timeout,
        final OffsetResetStrategy which)
    {
        acquireAndEnsureOpen();
        try
        {
            final Map<TopicPartition, Long> timestamps = new HashMap<>();
            for (final TopicPartition tp : partitions)
            {
                timestamps.put(Objects.requireNonNull(tp, "partition"), which.listOffsetsTimestamp);
            }
            final Map<TopicPartition, ListOffsetsResponse.Partition> found = lookUpOffsets(timestamps, timeout,
                which == OffsetResetStrategy.EARLIEST ? "beginning offsets" : "end offsets");
            final Map<TopicPartition, Long> out = new HashMap<>();
            for (final Map.Entry<TopicPartition, ListOffsetsResponse.Partition> e : found.entrySet())
            {
                out.put(e.getKey(), e.getValue().offset());
            }
            return out;
        }
        finally
        {
            release();
        }
    }

    private Map<TopicPartition, ListOffsetsResponse.Partition> lookUpOffsets(final Map<TopicPartition, Long> timestamps,
        final Duration timeout, final String what)
    {
        if (timestamps.isEmpty())
        {
            return Map.of();
        }
        final long timeoutMs = toMillis(timeout);
        return awaitCall(new OffsetLookup(client, isolationLevel, retryBackoff, timestamps, deadline(timeoutMs)), timeoutMs,
            "Failed to get " + what + " for " + timestamps.keySet());
    }

    @Override
    public List<PartitionInfo> partitionsFor(final String topic)
    {
        return partitionsFor(topic, Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public List<PartitionInfo> partitionsFor(final String topic, final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            if (topic == null || topic.isBlank())
            {
                throw new IllegalArgumentException("Topic name cannot be null or empty");
            }
            final long timeoutMs = toMillis(timeout);
            final long deadlineMs = deadline(timeoutMs);
            final List<PartitionInfo> cached = PartitionInfos.of(metadata.snapshot(), topic);
            if (cached != null)
            {
                return cached;
            }
            metadata.addTopic(topic);
            final int versionAtRequest = metadata.requestUpdate();
            while (true)
            {
                final long seen = signal.version();
                final MetadataSnapshot snapshot = metadata.snapshot();
                final List<PartitionInfo> infos = PartitionInfos.of(snapshot, topic);
                if (infos != null)
                {
                    return infos;
                }
                final ErrorCode error = snapshot.topicError(topic);
                if (error != null && metadata.version() > versionAtRequest)
                {
                    if (error == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    {
                        return List.of();
                    }
                    if (!error.retriable)
                    {
                        throw metadata.topicException(topic);
                    }
                    if (!metadata.updateRequested())
                    {
                        metadata.requestUpdate();
                    }
                }
                maybeThrowWakeup();
                checkNetworkThread();
                final long remainingMs = deadlineMs - clock.nowMs();
                if (remainingMs <= 0)
                {
                    throw new RequestTimeoutException("Timeout of " + timeoutMs + " ms expired while fetching metadata for topic '"
                        + topic + "'" + (error == null ? "" : " (last error " + error + ")"));
                }
                await(seen, remainingMs);
            }
        }
        finally
        {
            release();
        }
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics()
    {
        return listTopics(Duration.ofMillis(defaultApiTimeoutMs));
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics(final Duration timeout)
    {
        acquireAndEnsureOpen();
        try
        {
            final long timeoutMs = toMillis(timeout);
            return awaitCall(new TopicListing(client, retryBackoff, deadline(timeoutMs)), timeoutMs, "Failed to list topics");
        }
        finally
        {
            release();
        }
    }

    /** Hands {@code call} to the network thread and waits for its outcome, a wakeup or the timeout. */
    private <T> T awaitCall(final NetworkCall<T> call, final long timeoutMs, final String what)
    {
        network.submit(call);
        final long deadlineMs = deadline(timeoutMs);
        try
        {
            while (true)
            {
                final long seen = signal.version();
                if (call.isDone())
                {
                    return call.result();
                }
                maybeThrowWakeup();
                checkNetworkThread();
                final long remainingMs = deadlineMs - clock.nowMs();
                if (remainingMs <= 0)
                {
                    final String problem = call.lastProblem();
                    throw new RequestTimeoutException(what + " within " + timeoutMs + " ms" + (problem == null ? "" : ": " + problem));
                }
                await(seen, remainingMs);
            }
        }
        finally
        {
            if (!call.isDone())
            {
                call.abandon();
            }
        }
    }

    // ---- Waking and closing ----------------------------------------------------------------------

    @Override
    public void wakeup()
    {
        wakeupRequested.set(true);
        signal.signal();
    }

    @Override
    public void close()
    {
        close(Duration.ofMillis(ConsumerLimits.CLOSE_TIMEOUT_MS_DEFAULT));
    }

    @Override
    public void close(final Duration timeout)
    {
        final long timeoutMs = toMillis(timeout);
        acquire();
        try
        {
            if (closed)
            {
                return;
            }
            if (group != null && networkThread.isAlive())
            {
                try
                {
                    group.close(timeoutMs);
                }
                catch (final RuntimeException e)
                {
                    LOG.warn("[Consumer clientId={}] Leaving the group on close failed", clientId, e);
                }
            }
            closed = true;
            network.shutdown();
            try
            {
                networkThread.join(Math.max(1, timeoutMs));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            if (networkThread.isAlive())
            {
                LOG.warn("[Consumer clientId={}] The network thread did not stop within {} ms", clientId, timeoutMs);
            }
            buffered.clear();
            collector.close();
            closeQuietly(keyDeserializer, "key deserializer");
            closeQuietly(valueDeserializer, "value deserializer");
            LOG.debug("Consumer {} closed", clientId);
        }
        finally
        {
            release();
        }
    }

    private void closeQuietly(final Deserializer<?> deserializer, final String what)
    {
        try
        {
            deserializer.close();
        }
        catch (final RuntimeException e)
        {
            LOG.warn("[Consumer clientId={}] Closing the {} failed", clientId, what, e);
        }
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private void await(final long seen, final long timeoutMs)
    {
        try
        {
            signal.await(seen, timeoutMs);
        }
        catch (final InterruptedException e)
        {
            throw new InterruptException(e);
        }
    }

    private void maybeThrowWakeup()
    {
        if (wakeupRequested.get() && wakeupRequested.compareAndSet(true, false))
        {
            throw new WakeupException();
        }
    }

    private void checkNetworkThread()
    {
        final Throwable failure = network.failure();
        if (failure != null)
        {
            throw new IllegalStateException("The consumer's network thread failed, so the consumer can no longer fetch: " + failure, failure);
        }
    }

    private long deadline(final long timeoutMs)
    {
        final long nowMs = clock.nowMs();
        return timeoutMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + timeoutMs;
    }

    private static long toMillis(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("Timeout must not be negative, not " + timeout);
        }
        try
        {
            return timeout.toMillis();
        }
        catch (final ArithmeticException e)
        {
            return Long.MAX_VALUE;
        }
    }

    private void acquire()
    {
        threadGuard.acquire();
    }

    private void release()
    {
        threadGuard.release();
    }

    private void acquireAndEnsureOpen()
    {
        acquire();
        if (closed)
        {
            release();
            throw new IllegalStateException("This consumer has already been closed.");
        }
    }

    private static String clientId(final ClientConfig config)
    {
        final String given = config.getString(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (!given.isEmpty())
        {
            return given;
        }
        final String groupId = config.getString(ConsumerConfig.GROUP_ID_CONFIG);
        return "consumer-" + (groupId == null ? "" : groupId + "-") + CLIENT_ID_SEQUENCE.getAndIncrement();
    }

    @Override
    public String toString()
    {
        return "OspreyConsumer{clientId=" + clientId + "}";
    }

    /** The client id, as sent in request headers. */
    public String clientId()
    {
        return clientId;
    }

    /** For tests: waits up to {@code timeoutMs} for the network thread to end after close. */
    boolean awaitNetworkThreadStopped(final long timeoutMs) throws InterruptedException
    {
        networkThread.join(timeoutMs);
        return !networkThread.isAlive();
    }
}
