package io.osprey.controller;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A committed change to the metadata image. Records carry resulting state rather than deltas
 * where that is cheap (a whole {@link PartitionInfo}), so replay needs no decisions and every
 * node that replays the same records holds the same image.
 */
public sealed interface MetadataRecord
{
    /** A broker (re)joined with a new lease; a broker that registers is live. */
    record BrokerRegistered(int brokerId, UUID incarnationId, List<String> endpoints, String rack, long leaseExpiryMs)
        implements MetadataRecord
    {
        public BrokerRegistered
        {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** A heartbeat extended a live broker's lease. */
    record BrokerLeaseRenewed(int brokerId, long leaseExpiryMs) implements MetadataRecord
    {
    }

    /** The broker lost its lease or is shutting down; partition records that follow move its leadership away. */
    record BrokerFenced(int brokerId) implements MetadataRecord
    {
    }

    /** A fenced broker heartbeated again with the same incarnation. */
    record BrokerUnfenced(int brokerId, long leaseExpiryMs) implements MetadataRecord
    {
    }

    /** The broker left the cluster; its replica assignments stay until reassigned. */
    record BrokerUnregistered(int brokerId) implements MetadataRecord
    {
    }

    /** A topic with no partitions yet; {@link PartitionCreated} records follow. */
    record TopicCreated(String name, UUID topicId, SortedMap<String, String> configs) implements MetadataRecord
    {
        public TopicCreated
        {
            configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
        }

        public TopicCreated(final String name, final UUID topicId, final Map<String, String> configs)
        {
            this(name, topicId, new TreeMap<>(configs));
        }
    }

    record PartitionCreated(String topic, int partition, PartitionInfo state) implements MetadataRecord
    {
    }

    /** The whole new state of a partition: leader, ISR, epochs, replicas or reassignment changed. */
    record PartitionChanged(String topic, int partition, PartitionInfo state) implements MetadataRecord
    {
    }

    record TopicDeleted(String name) implements MetadataRecord
    {
    }

    /** Sets a topic config; a null value removes the key. */
    record ConfigChanged(String topic, String key, String value) implements MetadataRecord
    {
    }

    /** Producer ids {@code [firstProducerId, firstProducerId + count)} now belong to the broker. */
    record ProducerIdsAllocated(int brokerId, long firstProducerId, int count) implements MetadataRecord
    {
    }

    /**
     * The dedup table entry for a handled command: appended last in every result, so replay
     * rebuilds the table and a standby that takes over answers resends the same way.
     */
    record ClientSequenceRecorded(String clientId, long sequence, Response response) implements MetadataRecord
    {
    }
}
