package io.osprey.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.osprey.client.MetadataSnapshot;
import io.osprey.protocol.message.MetadataResponse;

/** Metadata snapshots for tests: brokers 1..3 on loopback, topics with leaders assigned round-robin. */
final class TestClusters
{
    private TestClusters()
    {
    }

    /** One topic of {@code partitions} partitions; partition p is led by broker {@code 1 + p % 3}, except the leaderless ones. */
    static MetadataSnapshot topic(final String topic, final int partitions, final Set<Integer> leaderless)
    {
        return topics(partitions, leaderless, topic);
    }

    /** Several topics of {@code partitions} partitions each, led as {@link #topic(String, int, Set)} leads one. */
    static MetadataSnapshot topics(final int partitions, final Set<Integer> leaderless, final String... names)
    {
        final List<MetadataResponse.Topic> topics = new ArrayList<>();
        for (final String name : names)
        {
            final List<MetadataResponse.Partition> list = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                final int leader = leaderless.contains(p) ? -1 : 1 + p % 3;
                list.add(new MetadataResponse.Partition((short)0, p, leader, 0, List.of(1 + p % 3), List.of(1 + p % 3), List.of()));
            }
            topics.add(new MetadataResponse.Topic((short)0, name, UUID.randomUUID(), false, list, MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
        }
        final List<MetadataResponse.Broker> brokers = List.of(new MetadataResponse.Broker(1, "127.0.0.1", 9001, null),
            new MetadataResponse.Broker(2, "127.0.0.1", 9002, null), new MetadataResponse.Broker(3, "127.0.0.1", 9003, null));
        final MetadataResponse response = new MetadataResponse(0, brokers, "test-cluster", 1, topics, MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
        return MetadataSnapshot.from(response, MetadataSnapshot.EMPTY);
    }

    static MetadataSnapshot topic(final String topic, final int partitions)
    {
        return topic(topic, partitions, Set.of());
    }
}
