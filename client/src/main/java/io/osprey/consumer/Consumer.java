package io.osprey.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.osprey.common.TopicPartition;

/**
 * Reads records from Osprey (or any Kafka-protocol broker), shaped like Kafka's {@code Consumer}:
 * {@link #subscribe} to topics as a member of {@code group.id} (the group shares their partitions
 * out), or {@link #assign} partitions yourself, optionally {@link #seek}, then {@link #poll} in a
 * loop; commit offsets with {@link #commitSync} / {@link #commitAsync} or
 * {@code enable.auto.commit}.
 * <p>
 * Positions follow Kafka exactly: {@code poll} returns records from each partition's current
 * position; after it, the position is the offset after the last record returned. A partition
 * assigned without a seek starts at its committed offset (group members), else where
 * {@code auto.offset.reset} says (latest by default).
 * <p>
 * Not thread-safe: one thread at a time (a second thread gets a
 * {@link java.util.ConcurrentModificationException}), except {@link #wakeup()}, which any thread
 * may call to make a blocking call throw {@link WakeupException}.
 */
public interface Consumer<K, V> extends AutoCloseable
{
    /** The partitions assigned with {@link #assign}, or by the group to a subscribed consumer. */
    Set<TopicPartition> assignment();

    /**
     * Joins {@code group.id} subscribed to these topics (replacing any earlier subscription; an
     * empty collection unsubscribes). The group coordinator shares the partitions of the topics
     * out among the members; the rebalance runs inside {@link #poll}.
     *
     * @throws IllegalStateException when partitions were assigned with {@link #assign}
     * @throws io.osprey.common.OspreyException (INVALID_GROUP_ID) without a {@code group.id}
     */
    void subscribe(Collection<String> topics);

    /** {@link #subscribe(Collection)}, telling {@code listener} about every partition given or taken away. */
    void subscribe(Collection<String> topics, ConsumerRebalanceListener listener);

    /** Subscribes to every topic whose whole name matches {@code pattern}, re-evaluated on each metadata update. */
    void subscribe(Pattern pattern);

    void subscribe(Pattern pattern, ConsumerRebalanceListener listener);

    /** The subscribed topics (for a pattern: the topics it matches now); empty when not subscribed. */
    Set<String> subscription();

    /**
     * Replaces the assignment. Partitions that stay assigned keep their position and paused
     * state; new ones start without a position (resolved by {@code auto.offset.reset}). An empty
     * collection unassigns everything.
     */
    void assign(Collection<TopicPartition> partitions);

    /** Unassigns every partition; a group member revokes its partitions (listener first) and leaves the group. */
    void unsubscribe();

    /** Commits the positions of every owned partition, blocking up to {@code default.api.timeout.ms}. */
    void commitSync();

    void commitSync(Duration timeout);

    /**
     * Commits these offsets (each the offset of the next record to consume), blocking until done.
     *
     * @throws CommitFailedException        the consumer is no longer a member of the group's generation
     * @throws RebalanceInProgressException the group is rebalancing; poll() completes it
     */
    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets);

    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout);

    /** Commits the positions of every owned partition without waiting; failures are logged. */
    void commitAsync();

    /** Commits the positions of every owned partition without waiting; {@code callback} runs inside a later poll. */
    void commitAsync(OffsetCommitCallback callback);

    void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback);

    /** The group's committed offsets of these partitions (a partition without one maps to null). */
    Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions);

    Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout);

    /**
     * Returns records of the assigned, non-paused partitions from their positions, at most
     * {@code max.poll.records}, and advances the positions past them. Returns as soon as there
     * are any, or empty once {@code timeout} has passed. Fetching runs ahead in the background,
     * so records are usually already waiting.
     *
     * @throws IllegalStateException          when nothing is assigned
     * @throws NoOffsetForPartitionException  a partition has no position and auto.offset.reset is none
     * @throws OffsetOutOfRangeException      a position is out of range and auto.offset.reset is none
     * @throws RecordDeserializationException a deserializer failed (the position stays at that record)
     * @throws io.osprey.common.OspreyException a corrupt batch (naming partition and offset) or a broker error
     * @throws WakeupException                {@link #wakeup()} was called
     */
    ConsumerRecords<K, V> poll(Duration timeout);

    /** Sets the position of an assigned partition: the next poll returns records from {@code offset}. */
    void seek(TopicPartition partition, long offset);

    /** Moves the positions to the log start, looked up lazily; an empty collection means every assigned partition. */
    void seekToBeginning(Collection<TopicPartition> partitions);

    /** Moves the positions to the log end (the high watermark), looked up lazily; empty means every assigned partition. */
    void seekToEnd(Collection<TopicPartition> partitions);

    /**
     * The offset of the next record poll will return for an assigned partition, looking it up
     * first if it is pending a reset, blocking up to {@code default.api.timeout.ms}.
     */
    long position(TopicPartition partition);

    /** {@link #position(TopicPartition)} with its own timeout. */
    long position(TopicPartition partition, Duration timeout);

    /** The partitions of {@code topic}; empty when the topic does not exist. */
    List<PartitionInfo> partitionsFor(String topic);

    List<PartitionInfo> partitionsFor(String topic, Duration timeout);

    /** Every topic of the cluster with its partitions. */
    Map<String, List<PartitionInfo>> listTopics();

    Map<String, List<PartitionInfo>> listTopics(Duration timeout);

    /** Stops returning (and fetching) records of these assigned partitions until {@link #resume}. */
    void pause(Collection<TopicPartition> partitions);

    void resume(Collection<TopicPartition> partitions);

    /** The paused partitions. */
    Set<TopicPartition> paused();

    /**
     * For each partition, the earliest offset whose record's timestamp is at or after the given
     * time, or a null value when there is none.
     */
    Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch);

    Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch, Duration timeout);

    /** The first offset of each partition's log. */
    Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

    Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout);

    /** The end offset (high watermark, the offset of the next record written) of each partition. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);

    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout);

    /**
     * Makes the current blocking call, or the next one if none is blocking, throw
     * {@link WakeupException}. Any thread.
     */
    void wakeup();

    /**
     * Auto-commits (with {@code enable.auto.commit}), revokes the partitions and leaves the group
     * (dynamic members only, as Kafka), stops the background fetching and closes the
     * connections, waiting up to 30 s.
     */
    @Override
    void close();

    void close(Duration timeout);
}
