package io.osprey.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * Reads records from Osprey (or any Kafka-protocol broker), shaped like Kafka's {@code Consumer}:
 * {@link #assign} partitions, optionally {@link #seek}, then {@link #poll} in a loop.
 * <p>
 * Positions follow Kafka exactly: {@code poll} returns records from each partition's current
 * position; after it, the position is the offset after the last record returned. A partition
 * assigned without a seek starts where {@code auto.offset.reset} says (latest by default).
 * Committed offsets and consumer groups ({@link #subscribe}) come later.
 * <p>
 * Not thread-safe: one thread at a time (a second thread gets a
 * {@link java.util.ConcurrentModificationException}), except {@link #wakeup()}, which any thread
 * may call to make a blocking call throw {@link WakeupException}.
 */
public interface Consumer<K, V> extends AutoCloseable
{
    /** The partitions assigned with {@link #assign}. */
    Set<TopicPartition> assignment();

    /**
     * Not implemented yet: consumer groups come in a later release.
     *
     * @throws UnsupportedOperationException always
     */
    void subscribe(Collection<String> topics);

    /** The subscribed topics: always empty until groups exist. */
    Set<String> subscription();

    /**
     * Replaces the assignment. Partitions that stay assigned keep their position and paused
     * state; new ones start without a position (resolved by {@code auto.offset.reset}). An empty
     * collection unassigns everything.
     */
    void assign(Collection<TopicPartition> partitions);

    /** Unassigns every partition. */
    void unsubscribe();

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

    /** Stops the background fetching and closes the connections, waiting up to 30 s. */
    @Override
    void close();

    void close(Duration timeout);
}
