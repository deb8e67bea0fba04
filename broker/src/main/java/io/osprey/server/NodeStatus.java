package io.osprey.server;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.osprey.common.TopicPartition;

import io.aeron.cluster.service.Cluster;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.TopicInfo;
import io.osprey.controller.quorum.ControllerNode;
import io.osprey.metrics.PrometheusText;

/**
 * What the admin HTTP port reports about a node: whether it is ready, and its metrics, with
 * the gauges computed from the metadata image at scrape time.
 * <p>
 * Ready means the node does its job:
 * <ul>
 *   <li>with a broker (broker-only or combined): the client listener is bound, and the broker's
 *   metadata image holds this process's registration (same incarnation), unfenced. Registration
 *   waits for the controller to commit it, so an image that holds it has caught up at least to
 *   the registration; and its controller client holds a session with the quorum (a stale image
 *   would otherwise still show the registration). The broker does not wait for an election:
 *   brokers keep serving through one, and a broker cut off from the quorum is fenced anyway;</li>
 *   <li>controller-only: the quorum has a leader, as this voter sees it;</li>
 *   <li>either way, a node whose controller voter has terminated is not ready.</li>
 * </ul>
 * Thread-safety: reads volatile state only; any thread.
 */
final class NodeStatus
{
    private NodeStatus()
    {
    }

    /** Null when ready, else why not, in one line. */
    static String readinessProblem(final OspreyNode node)
    {
        final Broker broker = node.broker();
        if (broker != null)
        {
            final int id = node.config().nodeId();
            if (!broker.isListening())
            {
                return "broker " + id + " is not listening";
            }
            final MetadataImage image = broker.metadata().image();
            final BrokerInfo info = image.broker(id);
            if (info == null || !info.incarnationId().equals(broker.controller().incarnationId()))
            {
                return "metadata image (offset " + image.lastAppliedOffset() + ") does not yet hold the registration of broker " +
                    id + " incarnation " + broker.controller().incarnationId();
            }
            if (info.fenced())
            {
                return "broker " + id + " is fenced by the controller";
            }
            if (!broker.controller().isConnected())
            {
                // Its image may be stale: a registration seen before the link broke says nothing now.
                return "broker " + id + " has no session with the controller quorum";
            }
            final String voter = voterProblem(node.controller());
            if (voter != null)
            {
                return voter;
            }
            return null;
        }
        final ControllerNode controller = node.controller();
        final String voter = voterProblem(controller);
        if (voter != null)
        {
            return voter;
        }
        if (controller != null && !controller.hasLeader())
        {
            return "the controller quorum has no leader";
        }
        return null;
    }

    /** A combined or controller node whose voter has terminated (it never comes back without a restart). */
    private static String voterProblem(final ControllerNode controller)
    {
        try
        {
            if (controller != null && controller.awaitTermination(0, java.util.concurrent.TimeUnit.MILLISECONDS))
            {
                return "the controller voter of this node has terminated; restart the node";
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    static String metrics(final OspreyNode node)
    {
        final PrometheusText out = new PrometheusText();
        final Broker broker = node.broker();
        final ControllerNode controller = node.controller();
        if (broker != null)
        {
            broker.metrics().write(out);
        }
        final MetadataImage image = broker != null ? broker.metadata().image() : controller.image();
        writePartitionGauges(out, image, broker != null ? node.config().nodeId() : -1);
        if (broker != null)
        {
            writeReplicationGauges(out, broker.partitions());
            writeGroupLag(out, broker);
        }
        out.family("osprey_metadata_last_applied_offset", "gauge", "Offset of the last metadata record this node applied.");
        out.sample("osprey_metadata_last_applied_offset", "", image.lastAppliedOffset());
        out.family("osprey_active_controller", "gauge", "1 when this node's controller voter leads the quorum, else 0.");
        out.sample("osprey_active_controller", "", controller != null && controller.role() == Cluster.Role.LEADER ? 1 : 0);
        if (controller != null)
        {
            out.family("osprey_controller_elections_total", "counter",
                "Controller leader elections this voter took part in since it started.");
            out.sample("osprey_controller_elections_total", "", controller.electionCount());
        }
        return out.toString();
    }

    /** Follower lag of the partitions this broker leads, from the leaders' replication state. */
    private static void writeReplicationGauges(final PrometheusText out, final PartitionManager partitions)
    {
        long maxLag = 0;
        long sumLag = 0;
        for (final Partition p : partitions.partitions())
        {
            final Partition.LeaderLag lag = p.leaderLag();
            if (lag != null)
            {
                maxLag = Math.max(maxLag, lag.maxFollowerLag());
                sumLag += lag.maxFollowerLag();
            }
        }
        out.family("osprey_replica_max_lag_records", "gauge",
            "Largest follower lag, in records behind the leader's log end, over the partitions this broker leads.");
        out.sample("osprey_replica_max_lag_records", "", maxLag);
        out.family("osprey_replica_lag_records_sum", "gauge",
            "Sum over the partitions this broker leads of their most lagging follower's lag, in records.");
        out.sample("osprey_replica_lag_records_sum", "", sumLag);
    }

    /**
     * Consumer-group offsets and lag: the committed offsets of the groups this broker coordinates,
     * the high watermarks of the partitions it leads, and the lag where both are here. A group's
     * partitions are usually led by several brokers, so its whole lag is the join of the first two
     * series over the cluster (docs/operations.md has the query).
     */
    private static void writeGroupLag(final PrometheusText out, final Broker broker)
    {
        Map<String, Map<TopicPartition, Long>> committed;
        try
        {
            committed = broker.groups().committedOffsets().get(2, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            committed = Map.of();
        }
        final Map<TopicPartition, Long> hws = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition));
        for (final Partition p : broker.partitions().partitions())
        {
            if (p.isLeader() && !p.isDeleted() && !p.topicPartition().topic().startsWith("__"))
            {
                hws.put(p.topicPartition(), p.highWatermark());
            }
        }
        out.family("osprey_partition_high_watermark", "gauge", "High watermark of each partition this broker leads.");
        hws.forEach((tp, hw) -> out.sample("osprey_partition_high_watermark", partitionLabels(tp), hw));
        out.family("osprey_consumer_group_committed_offset", "gauge",
            "Committed offset of each partition of the groups this broker coordinates.");
        committed.forEach((group, offsets) -> offsets.forEach((tp, offset) -> out.sample(
            "osprey_consumer_group_committed_offset", PrometheusText.label("group", group) + "," + partitionLabels(tp), offset)));
        out.family("osprey_consumer_group_lag", "gauge",
            "Records between a group's committed offset and the high watermark, for the partitions this broker both " +
            "coordinates the group of and leads.");
        committed.forEach((group, offsets) -> offsets.forEach((tp, offset) ->
        {
            final Long hw = hws.get(tp);
            if (hw != null)
            {
                out.sample("osprey_consumer_group_lag", PrometheusText.label("group", group) + "," + partitionLabels(tp),
                    Math.max(0, hw - offset));
            }
        }));
    }

    private static String partitionLabels(final TopicPartition tp)
    {
        return PrometheusText.label("topic", tp.topic()) + "," + PrometheusText.label("partition", Integer.toString(tp.partition()));
    }

    /** Partition counts from {@code image}; leader-based ones only when {@code brokerId} is a broker on this node. */
    private static void writePartitionGauges(final PrometheusText out, final MetadataImage image, final int brokerId)
    {
        int offline = 0;
        int led = 0;
        int underReplicated = 0;
        for (final TopicInfo topic : image.topics().values())
        {
            for (final PartitionInfo p : topic.partitions().values())
            {
                if (!p.hasLeader())
                {
                    offline++;
                }
                else if (p.leader() == brokerId)
                {
                    led++;
                    if (p.isr().size() < p.replicas().size())
                    {
                        underReplicated++;
                    }
                }
            }
        }
        out.family("osprey_offline_partitions", "gauge", "Partitions in the cluster without a leader, per this node's metadata.");
        out.sample("osprey_offline_partitions", "", offline);
        if (brokerId >= 0)
        {
            out.family("osprey_leader_partitions", "gauge", "Partitions this broker leads.");
            out.sample("osprey_leader_partitions", "", led);
            out.family("osprey_under_replicated_partitions", "gauge",
                "Partitions this broker leads whose ISR is smaller than their replica set.");
            out.sample("osprey_under_replicated_partitions", "", underReplicated);
        }
    }
}
