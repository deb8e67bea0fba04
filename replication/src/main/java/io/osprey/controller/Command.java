package io.osprey.controller;

import io.osprey.common.TopicPartition;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A request to the controller. Every command carries the sending client's id and a sequence
 * that grows by at least one per new command: a resend of the last sequence gets the recorded
 * response and changes nothing.
 */
public sealed interface Command
{
    String clientId();

    long sequence();

    record RegisterBroker(String clientId, long sequence, int brokerId, UUID incarnationId, List<String> endpoints, String rack)
        implements Command
    {
        public RegisterBroker
        {
            endpoints = List.copyOf(endpoints);
        }
    }

    record BrokerHeartbeat(String clientId, long sequence, int brokerId, UUID incarnationId) implements Command
    {
    }

    /** Controlled shutdown: leadership moves away, then the broker is removed. */
    record UnregisterBroker(String clientId, long sequence, int brokerId) implements Command
    {
    }

    record NewTopic(String name, int partitions, int replicationFactor, SortedMap<String, String> configs)
    {
        public NewTopic
        {
            configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
        }
    }

    record CreateTopics(String clientId, long sequence, List<NewTopic> topics) implements Command
    {
        public CreateTopics
        {
            topics = List.copyOf(topics);
        }
    }

    record DeleteTopics(String clientId, long sequence, List<String> names) implements Command
    {
        public DeleteTopics
        {
            names = List.copyOf(names);
        }
    }

    /** Grows a topic to {@code totalCount} partitions. */
    record CreatePartitions(String clientId, long sequence, String topic, int totalCount) implements Command
    {
    }

    /**
     * An ISR change proposed by the partition leader, against the epochs it last saw.
     * {@code newIsrBrokerEpochs} holds, for each {@code newIsr} member in the same order, the
     * broker epoch ({@link BrokerInfo#brokerEpoch()}) the leader saw in that member's fetches,
     * or {@link #UNKNOWN_BROKER_EPOCH} when it saw none (always the leader itself): Kafka's
     * {@code NewIsrWithEpochs} (KIP-903).
     */
    record AlterPartition(String clientId, long sequence, int brokerId, String topic, int partition, int leaderEpoch,
        int partitionEpoch, List<Integer> newIsr, List<Long> newIsrBrokerEpochs) implements Command
    {
        /** A member's epoch the leader does not know: only that member's registration is checked. */
        public static final long UNKNOWN_BROKER_EPOCH = -1L;

        public AlterPartition
        {
            newIsr = List.copyOf(newIsr);
            newIsrBrokerEpochs = List.copyOf(newIsrBrokerEpochs);
        }
    }

    /** Preferred-leader election; an empty list means every partition. */
    record ElectLeaders(String clientId, long sequence, List<TopicPartition> partitions) implements Command
    {
        public ElectLeaders
        {
            partitions = List.copyOf(partitions);
        }
    }

    record AllocateProducerIds(String clientId, long sequence, int brokerId) implements Command
    {
    }

    /** Sets the {@code set} keys and removes the {@code delete} keys of one topic's config. */
    record AlterConfigs(String clientId, long sequence, String topic, SortedMap<String, String> set, List<String> delete)
        implements Command
    {
        public AlterConfigs
        {
            set = Collections.unmodifiableSortedMap(new TreeMap<>(set));
            delete = List.copyOf(delete);
        }
    }

    /**
     * The replica list one partition should end up with, preferred leader first; null
     * {@code replicas} cancels the partition's move in progress.
     */
    record PartitionTarget(String topic, int partition, List<Integer> replicas)
    {
        public PartitionTarget
        {
            replicas = replicas == null ? null : List.copyOf(replicas);
        }
    }

    /**
     * Moves partitions to explicit replica lists (Kafka's AlterPartitionReassignments): each
     * partition gains the new replicas at once and drops the old ones once the new ones are in
     * the ISR. {@code allowReplicationFactorChange} false refuses a target of another size.
     */
    record AlterPartitionReassignments(String clientId, long sequence, List<PartitionTarget> targets,
        boolean allowReplicationFactorChange) implements Command
    {
        public AlterPartitionReassignments
        {
            targets = List.copyOf(targets);
        }
    }

    /** Start moving the fewest replicas needed to even the load over live brokers. */
    record Rebalance(String clientId, long sequence) implements Command
    {
    }
}
