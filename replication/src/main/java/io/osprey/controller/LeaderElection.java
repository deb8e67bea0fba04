package io.osprey.controller;

import io.osprey.controller.MetadataRecord.PartitionChanged;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Leader and ISR changes forced by broker liveness: moving leadership off a broker that is
 * fenced or shutting down, and bringing offline partitions back when a broker returns.
 * <p>
 * The rules: a new leader is the first replica (in preferred order) that is in the ISR and
 * live; the last ISR member is never removed, so a partition whose only in-sync replica died
 * stays offline with that replica as its ISR until it returns; an out-of-sync replica becomes
 * leader only when the topic (or the default) enables {@code unclean.leader.election.enable},
 * and then it is the whole ISR, never a silent pick.
 */
final class LeaderElection
{
    private LeaderElection()
    {
    }

    /** The first replica in {@code isr}, live and not {@code excluded}; {@link PartitionInfo#NO_LEADER} when none. */
    static int pickLeader(final MetadataImage image, final List<Integer> replicas, final List<Integer> isr, final int excluded)
    {
        for (final int r : replicas)
        {
            if (r != excluded && isr.contains(r) && image.isLive(r))
            {
                return r;
            }
        }
        return PartitionInfo.NO_LEADER;
    }

    /**
     * Moves every leadership and ISR membership of {@code brokerId} away, as if it were already
     * fenced. Called before the fence record, so leadership is gone by the time the fence lands.
     */
    static void removeBroker(final RecordDraft draft, final int brokerId, final ControllerConfig config)
    {
        final MetadataImage before = draft.image();
        for (final TopicInfo topic : before.topics().values())
        {
            for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
            {
                final PartitionInfo p = e.getValue();
                final PartitionInfo next = withoutBroker(draft.image(), topic, p, brokerId, config);
                if (next != p)
                {
                    draft.append(new PartitionChanged(topic.name(), e.getKey(), next));
                }
            }
        }
    }

    private static PartitionInfo withoutBroker(final MetadataImage image, final TopicInfo topic, final PartitionInfo p,
        final int brokerId, final ControllerConfig config)
    {
        final List<Integer> shrunk = without(p.isr(), brokerId);
        if (p.leader() == brokerId)
        {
            final int clean = pickLeader(image, p.replicas(), shrunk, brokerId);
            if (clean != PartitionInfo.NO_LEADER)
            {
                return p.withLeader(clean, shrunk);
            }
            final int unclean = uncleanCandidate(image, topic, p, brokerId, config);
            if (unclean != PartitionInfo.NO_LEADER)
            {
                return p.withLeader(unclean, List.of(unclean));
            }
            // Offline: keep the last in-sync replica as the ISR so it, and only it, can lead again.
            return p.withLeader(PartitionInfo.NO_LEADER, shrunk.isEmpty() ? p.isr() : shrunk);
        }
        if (p.isr().contains(brokerId) && !shrunk.isEmpty() && p.hasLeader())
        {
            return p.withIsr(shrunk);
        }
        return p;
    }

    /**
     * Brings back every offline partition of {@code topicOrNull} (all topics when null) that now
     * has a live ISR member, or a live replica and unclean election enabled.
     */
    static void electOffline(final RecordDraft draft, final String topicOrNull, final ControllerConfig config)
    {
        final MetadataImage before = draft.image();
        for (final TopicInfo topic : before.topics().values())
        {
            if (topicOrNull != null && !topicOrNull.equals(topic.name()))
            {
                continue;
            }
            for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
            {
                final PartitionInfo p = e.getValue();
                if (p.hasLeader())
                {
                    continue;
                }
                final int clean = pickLeader(draft.image(), p.replicas(), p.isr(), PartitionInfo.NO_LEADER);
                if (clean != PartitionInfo.NO_LEADER)
                {
                    draft.append(new PartitionChanged(topic.name(), e.getKey(), p.withLeader(clean, p.isr())));
                    continue;
                }
                final int unclean = uncleanCandidate(draft.image(), topic, p, PartitionInfo.NO_LEADER, config);
                if (unclean != PartitionInfo.NO_LEADER)
                {
                    draft.append(new PartitionChanged(topic.name(), e.getKey(), p.withLeader(unclean, List.of(unclean))));
                }
            }
        }
    }

    static boolean uncleanEnabled(final TopicInfo topic, final ControllerConfig config)
    {
        final String value = topic.configs().get(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE);
        return value == null ? config.uncleanLeaderElectionEnable() : Boolean.parseBoolean(value.trim());
    }

    private static int uncleanCandidate(final MetadataImage image, final TopicInfo topic, final PartitionInfo p,
        final int excluded, final ControllerConfig config)
    {
        if (!uncleanEnabled(topic, config))
        {
            return PartitionInfo.NO_LEADER;
        }
        return pickLeader(image, p.replicas(), p.replicas(), excluded);
    }

    static List<Integer> without(final List<Integer> list, final int id)
    {
        final List<Integer> out = new ArrayList<>(list);
        out.remove(Integer.valueOf(id));
        return out;
    }
}
