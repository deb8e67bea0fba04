package io.osprey.admin;

import io.osprey.common.ConfigException;
import io.osprey.common.ElectionType;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Administers an Osprey (or Kafka) cluster: topics, partitions, configs, consumer groups and their offsets. Shaped like Kafka's
 * {@code org.apache.kafka.clients.admin.Admin}, with {@link java.util.concurrent.CompletableFuture}s
 * in place of {@code KafkaFuture}s.
 * <p>
 * Every method returns at once; the work happens on the client's one I/O thread, which retries
 * retriable failures (lost connections, request timeouts, NOT_CONTROLLER) with backoff until the
 * call's timeout ({@code default.api.timeout.ms} unless the options give one) and completes the
 * futures. A failure the broker reports fails the future with an
 * {@link io.osprey.common.OspreyException} carrying its error code and message.
 * <p>
 * Thread-safe: any number of threads may call it at once. Futures complete on the I/O thread,
 * so callbacks attached to them must not block (waiting in one for another admin call would
 * wait forever).
 */
public interface Admin extends AutoCloseable
{
    /**
     * An admin client for the settings (Kafka's keys: {@code bootstrap.servers},
     * {@code default.api.timeout.ms}, ...; see {@link AdminConfig}).
     *
     * @throws io.osprey.client.ConfigException naming the key for an unknown key or an invalid value
     */
    static Admin create(final Map<String, Object> config)
    {
        return OspreyAdmin.create(config);
    }

    /** As {@link #create(Map)}, from properties. */
    static Admin create(final Properties config)
    {
        return OspreyAdmin.create(config);
    }

    default CreateTopicsResult createTopics(final Collection<NewTopic> newTopics)
    {
        return createTopics(newTopics, new CreateTopicsOptions());
    }

    /** Creates topics, sending one request to the controller. Names repeated in {@code newTopics} are created once. */
    CreateTopicsResult createTopics(Collection<NewTopic> newTopics, CreateTopicsOptions options);

    default DeleteTopicsResult deleteTopics(final Collection<String> topicNames)
    {
        return deleteTopics(topicNames, new DeleteTopicsOptions());
    }

    /** Deletes topics by name, sending one request to the controller. */
    DeleteTopicsResult deleteTopics(Collection<String> topicNames, DeleteTopicsOptions options);

    default ListTopicsResult listTopics()
    {
        return listTopics(new ListTopicsOptions());
    }

    /** Lists the cluster's topics (internal ones only when the options ask). */
    ListTopicsResult listTopics(ListTopicsOptions options);

    default DescribeTopicsResult describeTopics(final Collection<String> topicNames)
    {
        return describeTopics(topicNames, new DescribeTopicsOptions());
    }

    /** Describes topics: id, partitions with leader, replicas and in-sync replicas. */
    DescribeTopicsResult describeTopics(Collection<String> topicNames, DescribeTopicsOptions options);

    default CreatePartitionsResult createPartitions(final Map<String, Integer> newTotalCounts)
    {
        return createPartitions(newTotalCounts, new CreatePartitionsOptions());
    }

    /** Grows topics to a new total partition count each (the broker places the new partitions). */
    CreatePartitionsResult createPartitions(Map<String, Integer> newTotalCounts, CreatePartitionsOptions options);

    default ElectLeadersResult electLeaders(final ElectionType electionType, final Set<TopicPartition> partitions)
    {
        return electLeaders(electionType, partitions, new ElectLeadersOptions());
    }

    /**
     * Elects leaders (ElectLeaders, to the controller): with {@link ElectionType#PREFERRED} each
     * partition's preferred (first) replica, where it is live and in sync; {@code partitions} null
     * for every partition of the cluster.
     */
    ElectLeadersResult electLeaders(ElectionType electionType, Set<TopicPartition> partitions, ElectLeadersOptions options);

    default AlterPartitionReassignmentsResult alterPartitionReassignments(
        final Map<TopicPartition, Optional<NewPartitionReassignment>> reassignments)
    {
        return alterPartitionReassignments(reassignments, new AlterPartitionReassignmentsOptions());
    }

    /**
     * Moves partitions to new replica lists, or cancels their moves ({@code Optional.empty()}).
     * A partition's future succeeds once its move has started; the new replicas then copy the
     * log and the old ones are dropped when the new ones are in sync.
     */
    AlterPartitionReassignmentsResult alterPartitionReassignments(Map<TopicPartition, Optional<NewPartitionReassignment>> reassignments,
        AlterPartitionReassignmentsOptions options);

    default ListPartitionReassignmentsResult listPartitionReassignments()
    {
        return listPartitionReassignments(new ListPartitionReassignmentsOptions());
    }

    default ListPartitionReassignmentsResult listPartitionReassignments(final Set<TopicPartition> partitions)
    {
        return listPartitionReassignments(partitions, new ListPartitionReassignmentsOptions());
    }

    default ListPartitionReassignmentsResult listPartitionReassignments(final ListPartitionReassignmentsOptions options)
    {
        return listPartitionReassignments(null, options);
    }

    /** The moves in progress: of every partition ({@code partitions} null) or of the partitions given. */
    ListPartitionReassignmentsResult listPartitionReassignments(Set<TopicPartition> partitions, ListPartitionReassignmentsOptions options);

    default DescribeClusterResult describeCluster()
    {
        return describeCluster(new DescribeClusterOptions());
    }

    /** The cluster id, controller and brokers: from DescribeCluster, or from Metadata on a broker without it. */
    DescribeClusterResult describeCluster(DescribeClusterOptions options);

    default DescribeConfigsResult describeConfigs(final Collection<ConfigResource> resources)
    {
        return describeConfigs(resources, new DescribeConfigsOptions());
    }

    /** Every config of each resource. A broker resource is asked of that broker; the rest of any broker. */
    DescribeConfigsResult describeConfigs(Collection<ConfigResource> resources, DescribeConfigsOptions options);

    default AlterConfigsResult incrementalAlterConfigs(final Map<ConfigResource, Collection<AlterConfigOp>> configs)
    {
        return incrementalAlterConfigs(configs, new AlterConfigsOptions());
    }

    /** Changes configs key by key; keys not mentioned keep their values. */
    AlterConfigsResult incrementalAlterConfigs(Map<ConfigResource, Collection<AlterConfigOp>> configs, AlterConfigsOptions options);

    // ---- Consumer groups and offsets --------------------------------------------------------------

    default ListConsumerGroupsResult listConsumerGroups()
    {
        return listConsumerGroups(new ListConsumerGroupsOptions());
    }

    /**
     * Lists the consumer groups of the whole cluster: ListGroups to every broker (each lists the
     * groups it coordinates), merged. Groups of other protocol types (Connect, Streams) are left
     * out; the options may keep only groups in some states.
     */
    ListConsumerGroupsResult listConsumerGroups(ListConsumerGroupsOptions options);

    default DescribeConsumerGroupsResult describeConsumerGroups(final Collection<String> groupIds)
    {
        return describeConsumerGroups(groupIds, new DescribeConsumerGroupsOptions());
    }

    /** Describes consumer groups (state, assignor, members and their partitions), asking each group's coordinator. */
    DescribeConsumerGroupsResult describeConsumerGroups(Collection<String> groupIds, DescribeConsumerGroupsOptions options);

    default DeleteConsumerGroupsResult deleteConsumerGroups(final Collection<String> groupIds)
    {
        return deleteConsumerGroups(groupIds, new DeleteConsumerGroupsOptions());
    }

    /** Deletes consumer groups and their committed offsets; a group with members is refused (NON_EMPTY_GROUP). */
    DeleteConsumerGroupsResult deleteConsumerGroups(Collection<String> groupIds, DeleteConsumerGroupsOptions options);

    default ListConsumerGroupOffsetsResult listConsumerGroupOffsets(final String groupId)
    {
        return listConsumerGroupOffsets(groupId, new ListConsumerGroupOffsetsOptions());
    }

    /** A group's committed offsets: every partition's, or those the options name. */
    ListConsumerGroupOffsetsResult listConsumerGroupOffsets(String groupId, ListConsumerGroupOffsetsOptions options);

    default AlterConsumerGroupOffsetsResult alterConsumerGroupOffsets(final String groupId,
        final Map<TopicPartition, OffsetAndMetadata> offsets)
    {
        return alterConsumerGroupOffsets(groupId, offsets, new AlterConsumerGroupOffsetsOptions());
    }

    /**
     * Sets a group's committed offsets, as a commit by no member. The coordinator accepts it only
     * while the group has no members: stop its consumers first.
     */
    AlterConsumerGroupOffsetsResult alterConsumerGroupOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets,
        AlterConsumerGroupOffsetsOptions options);

    default ListOffsetsResult listOffsets(final Map<TopicPartition, OffsetSpec> topicPartitionOffsets)
    {
        return listOffsets(topicPartitionOffsets, new ListOffsetsOptions());
    }

    /** Looks up offsets in partitions' logs (start, end, by time), asking each partition's leader. */
    ListOffsetsResult listOffsets(Map<TopicPartition, OffsetSpec> topicPartitionOffsets, ListOffsetsOptions options);

    default DeleteRecordsResult deleteRecords(final Map<TopicPartition, RecordsToDelete> recordsToDelete)
    {
        return deleteRecords(recordsToDelete, new DeleteRecordsOptions());
    }

    /**
     * Deletes every record below an offset in each partition (moves its log start there), asking
     * each partition's leader; a partition's future completes once its in-sync replicas have all
     * moved their log start, with the low watermark. A topic whose {@code cleanup.policy} lacks
     * {@code delete} refuses it (POLICY_VIOLATION).
     */
    DeleteRecordsResult deleteRecords(Map<TopicPartition, RecordsToDelete> recordsToDelete, DeleteRecordsOptions options);

    default DeleteConsumerGroupOffsetsResult deleteConsumerGroupOffsets(final String groupId, final Set<TopicPartition> partitions)
    {
        return deleteConsumerGroupOffsets(groupId, partitions, new DeleteConsumerGroupOffsetsOptions());
    }

    /**
     * Deletes a group's committed offsets for {@code partitions}. A group with members keeps the
     * offsets of topics they subscribe to (those partitions fail with GROUP_SUBSCRIBED_TO_TOPIC).
     */
    DeleteConsumerGroupOffsetsResult deleteConsumerGroupOffsets(String groupId, Set<TopicPartition> partitions,
        DeleteConsumerGroupOffsetsOptions options);

    /** Closes, waiting as long as the calls in progress need (each is bounded by its own timeout). */
    @Override
    default void close()
    {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Stops taking calls, lets those in progress finish for up to {@code timeout}, fails the
     * rest, and releases the connections and the I/O thread. Waits for the I/O thread unless
     * called on it (from a future's callback). Idempotent; a later call may shorten the wait.
     */
    void close(Duration timeout);
}
