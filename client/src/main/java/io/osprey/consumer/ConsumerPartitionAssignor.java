package io.osprey.consumer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/**
 * A partition assignment strategy of the classic group protocol, as Kafka's
 * {@code ConsumerPartitionAssignor}: the group leader runs {@link #assign} over every member's
 * subscription; every member puts {@link #subscriptionUserData} in its JoinGroup. The strategy's
 * {@link #name()} is what the group votes on, so it must equal Kafka's for the same algorithm
 * ({@code range}, {@code roundrobin}, {@code cooperative-sticky}) for a group mixing Osprey and
 * Kafka consumers to agree.
 * <p>
 * Implementations are pure functions of their arguments (no clock, no I/O) and run on the
 * consumer's network thread.
 */
public interface ConsumerPartitionAssignor
{
    /** How a rebalance moves partitions between members. */
    enum RebalanceProtocol
    {
        /** Every member gives up all its partitions before rejoining. */
        EAGER,
        /** Members keep their partitions across a rebalance; only partitions that move are revoked, in a second round. */
        COOPERATIVE
    }

    /** The strategy's name in JoinGroup (Kafka's name for the same algorithm). */
    String name();

    /** The protocols this strategy supports; the consumer uses the highest one every configured strategy supports. */
    default List<RebalanceProtocol> supportedProtocols()
    {
        return List.of(RebalanceProtocol.EAGER);
    }

    /**
     * The strategy's user data for this member's subscription, or null.
     *
     * @param topics       the member's subscribed topics
     * @param generationId the generation of the partitions the member owns, or -1
     */
    default ByteBuffer subscriptionUserData(final Set<String> topics, final int generationId)
    {
        return null;
    }

    /**
     * Assigns partitions to members.
     *
     * @param partitionsPerTopic the partition count of every topic any member subscribes to and
     *                           that exists (topics missing here get no partitions)
     * @param subscriptions      every member's subscription by member id
     * @return every member id of {@code subscriptions} with its partitions (possibly none)
     */
    Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
        Map<String, ConsumerProtocol.Subscription> subscriptions);
}
