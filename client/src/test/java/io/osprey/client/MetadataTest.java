package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.MetadataResponse;

class MetadataTest
{
    private static final UUID ORDERS_ID = new UUID(1, 2);

    private final ManualClock clock = new ManualClock(10_000);
    private final Metadata metadata = new Metadata(60_000, clock);

    @Test
    void shouldAnswerLeadersPartitionCountsAndNodesFromTheLastResponse()
    {
        metadata.update(response(ordersWithLeaderEpoch(7)));

        assertThat(metadata.clusterId()).isEqualTo("cluster-a");
        assertThat(metadata.controllerId()).isEqualTo(2);
        assertThat(metadata.nodes()).extracting(Node::id).containsExactly(1, 2);
        assertThat(metadata.node(2)).isEqualTo(new Node(2, "host-2", 9092, "rack-b"));
        assertThat(metadata.partitionCount("orders")).isEqualTo(2);
        assertThat(metadata.partitionCount("absent")).isEqualTo(-1);
        assertThat(metadata.topicId("orders")).isEqualTo(ORDERS_ID);
        assertThat(metadata.leaderFor(new TopicPartition("orders", 0))).isEqualTo(metadata.node(1));
        assertThat(metadata.leaderFor(new TopicPartition("orders", 1))).as("leaderless").isNull();
        assertThat(metadata.leaderFor(new TopicPartition("orders", 9))).isNull();
        final PartitionMetadata p0 = metadata.partition(new TopicPartition("orders", 0));
        assertThat(p0.leaderEpoch()).isEqualTo(7);
        assertThat(p0.replicas()).containsExactly(1, 2);
        assertThat(p0.isr()).containsExactly(1);
        assertThat(metadata.partition(new TopicPartition("orders", 1)).error()).isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
    }

    @Test
    void shouldKeepTopicErrorsForCallersWithAnExplainingMessage()
    {
        metadata.update(response(List.of(
            topic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "missing", List.of()),
            topic(ErrorCode.INVALID_TOPIC_EXCEPTION, "bad/name", List.of()),
            topic(ErrorCode.LEADER_NOT_AVAILABLE, "creating", List.of()))));

        assertThat(metadata.topicErrors()).containsOnlyKeys("missing", "bad/name", "creating");
        assertThat(metadata.topicError("missing")).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(metadata.topic("missing")).isNull();
        assertThat(metadata.topicException("creating").retriable()).isTrue();
        assertThat(metadata.topicException("bad/name")).hasMessageContaining("'bad/name'").hasMessageContaining("not a valid topic name");
        assertThat(metadata.topicException("bad/name").retriable()).isFalse();
        assertThat(metadata.topicException("fine")).isNull();
    }

    @Test
    void shouldIgnoreAPartitionWhoseLeaderEpochGoesBackwards()
    {
        metadata.update(response(ordersWithLeaderEpoch(7)));
        metadata.update(response(List.of(topic(ErrorCode.NONE, "orders", List.of(partition(0, 2, 6), partition(1, 2, 3))))));

        assertThat(metadata.partition(new TopicPartition("orders", 0)).leaderId()).as("stale epoch 6 < 7 ignored").isEqualTo(1);
        assertThat(metadata.partition(new TopicPartition("orders", 1)).leaderId()).as("epoch -1 -> 3 taken").isEqualTo(2);
    }

    @Test
    void shouldNeedAnUpdateFirstThenOnRequestThenWhenOlderThanMaxAge()
    {
        assertThat(metadata.needsUpdate(clock.nowMs())).as("never updated").isTrue();
        metadata.update(response(ordersWithLeaderEpoch(1)));
        assertThat(metadata.needsUpdate(clock.nowMs())).isFalse();
        assertThat(metadata.timeToNextUpdateMs(clock.nowMs())).isEqualTo(60_000);

        metadata.requestUpdate();
        assertThat(metadata.updateRequested()).isTrue();
        assertThat(metadata.needsUpdate(clock.nowMs())).isTrue();
        metadata.update(response(ordersWithLeaderEpoch(1)));
        assertThat(metadata.updateRequested()).isFalse();

        clock.advance(60_000);
        assertThat(metadata.needsUpdate(clock.nowMs())).as("max age reached").isTrue();
    }

    @Test
    void shouldKeepARequestMadeWhileAResponseWasOnItsWay()
    {
        final int sentAt = metadata.updateRequestCount();
        metadata.requestUpdate();
        metadata.update(sentAt, response(ordersWithLeaderEpoch(1)), clock.nowMs());

        assertThat(metadata.updateRequested()).isTrue();
    }

    @Test
    void shouldCountVersionsAndWakeWaitersOnUpdate() throws Exception
    {
        final int before = metadata.requestUpdate();
        assertThat(before).isZero();
        final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return metadata.awaitUpdate(before, 10_000);
            }
            catch (final InterruptedException e)
            {
                return false;
            }
        });

        metadata.update(response(ordersWithLeaderEpoch(1)));

        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(metadata.version()).isEqualTo(1);
        assertThat(metadata.awaitUpdate(1, 1)).as("no newer version").isFalse();
    }

    @Test
    void shouldRequestAnUpdateForANewTopicOfInterestOnly()
    {
        metadata.update(response(ordersWithLeaderEpoch(1)));
        final int[] wakeups = {0};
        metadata.onUpdateRequested(() -> wakeups[0]++);

        metadata.addTopic("orders");
        assertThat(metadata.updateRequested()).as("already known").isFalse();
        metadata.addTopic("payments");
        metadata.addTopic("payments");

        assertThat(metadata.updateRequested()).isTrue();
        assertThat(wakeups[0]).isEqualTo(1);
        assertThat(metadata.topics()).containsExactlyInAnyOrder("orders", "payments");
        metadata.setTopics(List.of("payments"));
        assertThat(metadata.topics()).containsExactly("payments");
    }

    // ---- Fixture --------------------------------------------------------------------------------------

    private static List<MetadataResponse.Topic> ordersWithLeaderEpoch(final int epoch)
    {
        return List.of(topic(ErrorCode.NONE, "orders", List.of(partition(0, 1, epoch),
            new MetadataResponse.Partition(ErrorCode.LEADER_NOT_AVAILABLE.code, 1, -1, -1, List.of(1, 2), List.of(), List.of()))));
    }

    private static MetadataResponse.Topic topic(final ErrorCode error, final String name, final List<MetadataResponse.Partition> partitions)
    {
        return new MetadataResponse.Topic(error.code, name, ORDERS_ID, false, partitions, MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static MetadataResponse.Partition partition(final int index, final int leader, final int epoch)
    {
        return new MetadataResponse.Partition((short)0, index, leader, epoch, List.of(1, 2), List.of(leader), List.of());
    }

    private static MetadataResponse response(final List<MetadataResponse.Topic> topics)
    {
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(1, "host-1", 9092, null),
            new MetadataResponse.Broker(2, "host-2", 9092, "rack-b")), "cluster-a", 2, topics,
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }
}
