package io.osprey.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.osprey.client.ClientClock;
import io.osprey.client.Metadata;
import io.osprey.client.MetadataUpdater;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.common.ElectionType;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;

/**
 * The {@link Admin} implementation: builds each call and its futures on the caller's thread and
 * hands it to one background I/O thread ({@link AdminRunner}), which owns the
 * {@link NetworkClient}, keeps cluster metadata (brokers and controller, no topics) fresh and
 * runs the calls with retries ({@link CallScheduler}).
 * <p>
 * Thread-safe: any thread may call any method. Futures complete on the I/O thread.
 */
public final class OspreyAdmin implements Admin
{
    private static final AtomicInteger CLIENT_ID_SEQUENCE = new AtomicInteger(1);

    private final String clientId;
    private final ClientClock clock;
    private final long defaultApiTimeoutMs;
    private final AdminRunner runner;
    private final Thread ioThread;

    /** An admin client for {@code config}, which is parsed strictly (see {@link AdminConfig}). */
    public static OspreyAdmin create(final Map<String, ?> config)
    {
        return new OspreyAdmin(AdminConfig.parse(config));
    }

    /** As {@link #create(Map)}, from properties. */
    public static OspreyAdmin create(final Properties config)
    {
        return new OspreyAdmin(AdminConfig.parse(config));
    }

    private OspreyAdmin(final ClientConfig config)
    {
        final String givenId = config.getString(CommonClientConfigs.CLIENT_ID_CONFIG);
        this.clientId = givenId == null || givenId.isEmpty() ? "adminclient-" + CLIENT_ID_SEQUENCE.getAndIncrement() : givenId;
        this.clock = ClientClock.SYSTEM;
        this.defaultApiTimeoutMs = AdminConfig.defaultApiTimeoutMs(config);
        final Random random = new Random();
        final Metadata metadata = new Metadata(config);
        final NetworkClient client = new NetworkClient(config, clientId, AdminLimits.IN_FLIGHT_REQUESTS_PER_CONNECTION, metadata, clock,
            random);
        final MetadataUpdater updater = new MetadataUpdater(client, config, false, random);
        this.runner = new AdminRunner(client, updater, config.getInt(AdminConfig.RETRIES_CONFIG),
            config.getLong(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG), config.getLong(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG),
            random);
        this.ioThread = new Thread(runner, "osprey-admin-client-thread | " + clientId);
        // As in Kafka: an admin client the application forgot to close must not keep the JVM alive.
        ioThread.setDaemon(true);
        ioThread.start();
    }

    /** The {@code client.id} sent with every request (made up when none was configured). */
    public String clientId()
    {
        return clientId;
    }

    // ---- Topics ----------------------------------------------------------------------------------

    @Override
    public CreateTopicsResult createTopics(final Collection<NewTopic> newTopics, final CreateTopicsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<String, CompletableFuture<CreateTopicsResult.TopicMetadataAndConfig>> all = new LinkedHashMap<>();
        final Map<String, CompletableFuture<CreateTopicsResult.TopicMetadataAndConfig>> toSend = new LinkedHashMap<>();
        final Map<String, NewTopic> topics = new LinkedHashMap<>();
        for (final NewTopic topic : newTopics)
        {
            final String name = Objects.requireNonNull(topic, "a NewTopic in newTopics is null").name();
            if (!all.containsKey(name))
            {
                final CompletableFuture<CreateTopicsResult.TopicMetadataAndConfig> future = new CompletableFuture<>();
                all.put(name, future);
                if (checkTopicName(name, future))
                {
                    toSend.put(name, future);
                    topics.put(name, topic);
                }
            }
        }
        if (!toSend.isEmpty())
        {
            runner.submit(new CreateTopicsCall(nowMs, deadlineMs(nowMs, options), topics, toSend, options.shouldValidateOnly()));
        }
        return new CreateTopicsResult(all);
    }

    @Override
    public DeleteTopicsResult deleteTopics(final Collection<String> topicNames, final DeleteTopicsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<String, CompletableFuture<Void>> all = new LinkedHashMap<>();
        final Map<String, CompletableFuture<Void>> toSend = topicFutures(topicNames, all);
        if (!toSend.isEmpty())
        {
            runner.submit(new DeleteTopicsCall(nowMs, deadlineMs(nowMs, options), toSend));
        }
        return new DeleteTopicsResult(all);
    }

    @Override
    public ListTopicsResult listTopics(final ListTopicsOptions options)
    {
        final long nowMs = clock.nowMs();
        final CompletableFuture<Map<String, TopicListing>> future = new CompletableFuture<>();
        runner.submit(new ListTopicsCall(nowMs, deadlineMs(nowMs, options), future, options.shouldListInternal()));
        return new ListTopicsResult(future);
    }

    @Override
    public DescribeTopicsResult describeTopics(final Collection<String> topicNames, final DescribeTopicsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<String, CompletableFuture<TopicDescription>> all = new LinkedHashMap<>();
        final Map<String, CompletableFuture<TopicDescription>> toSend = topicFutures(topicNames, all);
        if (!toSend.isEmpty())
        {
            runner.submit(new DescribeTopicsCall(nowMs, deadlineMs(nowMs, options), toSend));
        }
        return new DescribeTopicsResult(all);
    }

    @Override
    public CreatePartitionsResult createPartitions(final Map<String, Integer> newTotalCounts, final CreatePartitionsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<String, CompletableFuture<Void>> all = new LinkedHashMap<>();
        final Map<String, CompletableFuture<Void>> toSend = new LinkedHashMap<>();
        newTotalCounts.forEach((name, count) ->
        {
            final CompletableFuture<Void> future = new CompletableFuture<>();
            all.put(name, future);
            if (count == null)
            {
                future.completeExceptionally(new OspreyException(ErrorCode.INVALID_PARTITIONS,
                    "No new partition count was given for topic '" + name + "'"));
            }
            else if (checkTopicName(name, future))
            {
                toSend.put(name, future);
            }
        });
        if (!toSend.isEmpty())
        {
            runner.submit(new CreatePartitionsCall(nowMs, deadlineMs(nowMs, options), new LinkedHashMap<>(newTotalCounts), toSend,
                options.shouldValidateOnly()));
        }
        return new CreatePartitionsResult(all);
    }

    // ---- Leaders and replica moves ----------------------------------------------------------------

    @Override
    public ElectLeadersResult electLeaders(final ElectionType electionType, final Set<TopicPartition> partitions,
        final ElectLeadersOptions options)
    {
        Objects.requireNonNull(electionType, "electionType");
        final long nowMs = clock.nowMs();
        final CompletableFuture<Map<TopicPartition, Optional<Throwable>>> future = new CompletableFuture<>();
        runner.submit(new ElectLeadersCall(nowMs, deadlineMs(nowMs, options), electionType,
            partitions == null ? null : new LinkedHashSet<>(partitions), future));
        return new ElectLeadersResult(future);
    }

    @Override
    public AlterPartitionReassignmentsResult alterPartitionReassignments(
        final Map<TopicPartition, Optional<NewPartitionReassignment>> reassignments, final AlterPartitionReassignmentsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<TopicPartition, Optional<NewPartitionReassignment>> targets = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<Void>> all = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<Void>> toSend = new LinkedHashMap<>();
        reassignments.forEach((tp, target) ->
        {
            final CompletableFuture<Void> future = new CompletableFuture<>();
            all.put(Objects.requireNonNull(tp, "a partition in reassignments is null"), future);
            if (target == null)
            {
                future.completeExceptionally(new IllegalArgumentException("No target was given for partition " + tp
                    + "; use Optional.empty() to cancel its move"));
            }
            else if (checkTopicName(tp.topic(), future))
            {
                targets.put(tp, target);
                toSend.put(tp, future);
            }
        });
        if (!toSend.isEmpty())
        {
            runner.submit(new AlterPartitionReassignmentsCall(nowMs, deadlineMs(nowMs, options), targets, toSend,
                options.allowReplicationFactorChange()));
        }
        return new AlterPartitionReassignmentsResult(all);
    }

    @Override
    public ListPartitionReassignmentsResult listPartitionReassignments(final Set<TopicPartition> partitions,
        final ListPartitionReassignmentsOptions options)
    {
        final long nowMs = clock.nowMs();
        final CompletableFuture<Map<TopicPartition, PartitionReassignment>> future = new CompletableFuture<>();
        runner.submit(new ListPartitionReassignmentsCall(nowMs, deadlineMs(nowMs, options),
            partitions == null ? null : new LinkedHashSet<>(partitions), future));
        return new ListPartitionReassignmentsResult(future);
    }

    // ---- Cluster and configs -----------------------------------------------------------------------

    @Override
    public DescribeClusterResult describeCluster(final DescribeClusterOptions options)
    {
        final long nowMs = clock.nowMs();
        final CompletableFuture<Collection<Node>> nodes = new CompletableFuture<>();
        final CompletableFuture<Node> controller = new CompletableFuture<>();
        final CompletableFuture<String> clusterId = new CompletableFuture<>();
        runner.submit(new DescribeClusterCall(nowMs, deadlineMs(nowMs, options), nodes, controller, clusterId));
        return new DescribeClusterResult(nodes, controller, clusterId);
    }

    @Override
    public DescribeConfigsResult describeConfigs(final Collection<ConfigResource> resources, final DescribeConfigsOptions options)
    {
        final long nowMs = clock.nowMs();
        final long deadlineMs = deadlineMs(nowMs, options);
        final Map<ConfigResource, CompletableFuture<Config>> futures = ConfigCalls.futures(resources);
        ConfigCalls.submitGrouped(futures,
            (target, group) -> new DescribeConfigsCall(nowMs, deadlineMs, target, group, options.shouldIncludeDocumentation()),
            runner::submit);
        return new DescribeConfigsResult(futures);
    }

    @Override
    public AlterConfigsResult incrementalAlterConfigs(final Map<ConfigResource, Collection<AlterConfigOp>> configs,
        final AlterConfigsOptions options)
    {
        final long nowMs = clock.nowMs();
        final long deadlineMs = deadlineMs(nowMs, options);
        final Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>(configs);
        final Map<ConfigResource, CompletableFuture<Void>> futures = ConfigCalls.futures(ops.keySet());
        ConfigCalls.submitGrouped(futures,
            (target, group) -> new AlterConfigsCall(nowMs, deadlineMs, target, ops, group, options.shouldValidateOnly()), runner::submit);
        return new AlterConfigsResult(futures);
    }

    // ---- Consumer groups and offsets --------------------------------------------------------------

    /** Finds the brokers (DescribeCluster), then asks each for its groups at once. */
    @Override
    public ListConsumerGroupsResult listConsumerGroups(final ListConsumerGroupsOptions options)
    {
        final long nowMs = clock.nowMs();
        final long deadlineMs = deadlineMs(nowMs, options);
        final CompletableFuture<Collection<Node>> nodes = new CompletableFuture<>();
        runner.submit(new DescribeClusterCall(nowMs, deadlineMs, nodes, new CompletableFuture<>(), new CompletableFuture<>()));
        // Runs on the I/O thread once the brokers are known; submit only queues, so it does not block.
        final CompletableFuture<List<CompletableFuture<Collection<ConsumerGroupListing>>>> perBroker = nodes.thenApply(brokers ->
        {
            final List<CompletableFuture<Collection<ConsumerGroupListing>>> futures = new ArrayList<>();
            for (final Node broker : brokers)
            {
                final CompletableFuture<Collection<ConsumerGroupListing>> future = new CompletableFuture<>();
                futures.add(future);
                runner.submit(new ListGroupsCall(nowMs, deadlineMs, broker.id(), options.groupStates(), future));
            }
            return futures;
        });
        return new ListConsumerGroupsResult(perBroker);
    }

    @Override
    public DescribeConsumerGroupsResult describeConsumerGroups(final Collection<String> groupIds, final DescribeConsumerGroupsOptions options)
    {
        final long nowMs = clock.nowMs();
        final long deadlineMs = deadlineMs(nowMs, options);
        final Map<String, CompletableFuture<ConsumerGroupDescription>> futures = groupFutures(groupIds);
        futures.forEach((groupId, future) ->
        {
            if (!future.isDone())
            {
                runner.submit(new DescribeGroupsCall(nowMs, deadlineMs, groupId, future));
            }
        });
        return new DescribeConsumerGroupsResult(futures);
    }

    @Override
    public DeleteConsumerGroupsResult deleteConsumerGroups(final Collection<String> groupIds, final DeleteConsumerGroupsOptions options)
    {
        final long nowMs = clock.nowMs();
        final long deadlineMs = deadlineMs(nowMs, options);
        final Map<String, CompletableFuture<Void>> futures = groupFutures(groupIds);
        futures.forEach((groupId, future) ->
        {
            if (!future.isDone())
            {
                runner.submit(new DeleteGroupsCall(nowMs, deadlineMs, groupId, future));
            }
        });
        return new DeleteConsumerGroupsResult(futures);
    }

    @Override
    public ListConsumerGroupOffsetsResult listConsumerGroupOffsets(final String groupId, final ListConsumerGroupOffsetsOptions options)
    {
        final long nowMs = clock.nowMs();
        final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> future = new CompletableFuture<>();
        if (checkGroupId(groupId, future))
        {
            runner.submit(new OffsetFetchCall(nowMs, deadlineMs(nowMs, options), groupId, options.topicPartitions(), future));
        }
        return new ListConsumerGroupOffsetsResult(String.valueOf(groupId), future);
    }

    @Override
    public AlterConsumerGroupOffsetsResult alterConsumerGroupOffsets(final String groupId, final Map<TopicPartition, OffsetAndMetadata> offsets,
        final AlterConsumerGroupOffsetsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<TopicPartition, OffsetAndMetadata> copy = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<Void>> futures = new LinkedHashMap<>();
        offsets.forEach((tp, offset) ->
        {
            final CompletableFuture<Void> future = new CompletableFuture<>();
            futures.put(Objects.requireNonNull(tp, "a partition in offsets is null"), future);
            if (offset == null)
            {
                future.completeExceptionally(new OspreyException(ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
                    "No offset was given for partition " + tp));
            }
            else
            {
                copy.put(tp, offset);
            }
        });
        if (!validGroupId(groupId))
        {
            final OspreyException invalid = invalidGroupId(groupId);
            futures.values().forEach(f -> f.completeExceptionally(invalid));
        }
        else if (!copy.isEmpty())
        {
            final Map<TopicPartition, CompletableFuture<Void>> toSend = new LinkedHashMap<>();
            copy.keySet().forEach(tp -> toSend.put(tp, futures.get(tp)));
            runner.submit(new OffsetCommitCall(nowMs, deadlineMs(nowMs, options), groupId, copy, toSend));
        }
        return new AlterConsumerGroupOffsetsResult(futures);
    }

    @Override
    public ListOffsetsResult listOffsets(final Map<TopicPartition, OffsetSpec> topicPartitionOffsets, final ListOffsetsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo>> toSend = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo>> futures =
            partitionFutures(topicPartitionOffsets, "topicPartitionOffsets", "OffsetSpec", specs, toSend);
        if (!toSend.isEmpty())
        {
            runner.submit(new ListOffsetsCall(nowMs, deadlineMs(nowMs, options), specs, toSend));
        }
        return new ListOffsetsResult(futures);
    }

    @Override
    public DeleteRecordsResult deleteRecords(final Map<TopicPartition, RecordsToDelete> recordsToDelete, final DeleteRecordsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<TopicPartition, RecordsToDelete> offsets = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<DeletedRecords>> toSend = new LinkedHashMap<>();
        final Map<TopicPartition, CompletableFuture<DeletedRecords>> futures =
            partitionFutures(recordsToDelete, "recordsToDelete", "RecordsToDelete", offsets, toSend);
        if (!toSend.isEmpty())
        {
            runner.submit(new DeleteRecordsCall(nowMs, deadlineMs(nowMs, options), offsets, toSend));
        }
        return new DeleteRecordsResult(futures);
    }

    @Override
    public DeleteConsumerGroupOffsetsResult deleteConsumerGroupOffsets(final String groupId, final Set<TopicPartition> partitions,
        final DeleteConsumerGroupOffsetsOptions options)
    {
        final long nowMs = clock.nowMs();
        final Map<TopicPartition, CompletableFuture<Void>> futures = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            futures.put(Objects.requireNonNull(tp, "a partition in partitions is null"), new CompletableFuture<>());
        }
        if (!validGroupId(groupId))
        {
            final OspreyException invalid = invalidGroupId(groupId);
            futures.values().forEach(f -> f.completeExceptionally(invalid));
        }
        else if (!futures.isEmpty())
        {
            runner.submit(new OffsetDeleteCall(nowMs, deadlineMs(nowMs, options), groupId, new LinkedHashMap<>(futures)));
        }
        return new DeleteConsumerGroupOffsetsResult(futures);
    }

    /**
     * One future per partition of {@code requested}, in its order. A partition without a value, or
     * whose topic name no request can carry, fails at once; the others go into {@code accepted}
     * (with their value) and {@code toSend} (with their future), for the call.
     */
    private static <S, V> Map<TopicPartition, CompletableFuture<V>> partitionFutures(final Map<TopicPartition, S> requested,
        final String argument, final String valueName, final Map<TopicPartition, S> accepted,
        final Map<TopicPartition, CompletableFuture<V>> toSend)
    {
        final Map<TopicPartition, CompletableFuture<V>> futures = new LinkedHashMap<>();
        requested.forEach((tp, value) ->
        {
            final CompletableFuture<V> future = new CompletableFuture<>();
            futures.put(Objects.requireNonNull(tp, "a partition in " + argument + " is null"), future);
            if (value == null)
            {
                future.completeExceptionally(new IllegalArgumentException("No " + valueName + " was given for partition " + tp));
            }
            else if (checkTopicName(tp.topic(), future))
            {
                accepted.put(tp, value);
                toSend.put(tp, future);
            }
        });
        return futures;
    }

    /** One future per distinct group id; an id no request can carry (null or empty) fails at once, as in Kafka. */
    private static <V> Map<String, CompletableFuture<V>> groupFutures(final Collection<String> groupIds)
    {
        final Map<String, CompletableFuture<V>> futures = new LinkedHashMap<>();
        for (final String groupId : groupIds)
        {
            if (!futures.containsKey(groupId))
            {
                final CompletableFuture<V> future = new CompletableFuture<>();
                futures.put(groupId, future);
                checkGroupId(groupId, future);
            }
        }
        return futures;
    }

    /** Fails the future of a group id no request can carry and says whether it was fine. */
    private static boolean checkGroupId(final String groupId, final CompletableFuture<?> future)
    {
        if (!validGroupId(groupId))
        {
            future.completeExceptionally(invalidGroupId(groupId));
            return false;
        }
        return true;
    }

    private static boolean validGroupId(final String groupId)
    {
        return groupId != null && !groupId.isEmpty();
    }

    private static OspreyException invalidGroupId(final String groupId)
    {
        return new OspreyException(ErrorCode.INVALID_GROUP_ID, "The group id '" + groupId + "' cannot be represented in a request");
    }

    // ---- Closing ---------------------------------------------------------------------------------

    @Override
    public void close(final Duration timeout)
    {
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("The close timeout cannot be negative: " + timeout);
        }
        runner.close(saturatedAdd(clock.nowMs(), saturatedMillis(timeout)));
        if (Thread.currentThread() == ioThread)
        {
            // Called from a future's callback: the thread exits once this callback returns.
            return;
        }
        try
        {
            ioThread.join();
        }
        catch (final InterruptedException e)
        {
            // The I/O thread still stops by the deadline; the caller asked to stop waiting for it.
            Thread.currentThread().interrupt();
        }
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private long deadlineMs(final long nowMs, final AbstractOptions<?> options)
    {
        final Integer timeoutMs = options.timeoutMs();
        return saturatedAdd(nowMs, timeoutMs != null ? timeoutMs : defaultApiTimeoutMs);
    }

    /**
     * One future per distinct name into {@code all}; those with a name a request can carry also
     * into the returned map, the others failed here.
     */
    private static <V> Map<String, CompletableFuture<V>> topicFutures(final Collection<String> names,
        final Map<String, CompletableFuture<V>> all)
    {
        final Map<String, CompletableFuture<V>> toSend = new LinkedHashMap<>();
        for (final String name : names)
        {
            if (!all.containsKey(name))
            {
                final CompletableFuture<V> future = new CompletableFuture<>();
                all.put(name, future);
                if (checkTopicName(name, future))
                {
                    toSend.put(name, future);
                }
            }
        }
        return toSend;
    }

    /** Fails the future of a name no request can carry (null or empty), as Kafka's admin does, and says whether it was fine. */
    private static boolean checkTopicName(final String name, final CompletableFuture<?> future)
    {
        if (name == null || name.isEmpty())
        {
            future.completeExceptionally(new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                "The topic name '" + name + "' cannot be represented in a request"));
            return false;
        }
        return true;
    }

    private static long saturatedMillis(final Duration duration)
    {
        try
        {
            return duration.toMillis();
        }
        catch (final ArithmeticException e)
        {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    @Override
    public String toString()
    {
        return "OspreyAdmin(" + clientId + ")";
    }
}
