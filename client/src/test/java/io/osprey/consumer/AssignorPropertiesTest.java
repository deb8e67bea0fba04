package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;

/**
 * Properties of the three assignors over random groups: every partition of a subscribed topic
 * assigned exactly once, only to a member subscribed to its topic, balanced when subscriptions
 * are equal; for cooperative-sticky, stickiness and the two-phase rule (nothing moves to a new
 * owner in the round that revokes it).
 */
class AssignorPropertiesTest
{
    /** A random group: partitions per topic and each member's subscribed topics. */
    record Group(Map<String, Integer> partitionsPerTopic, Map<String, List<String>> topicsByMember)
    {
        Map<String, ConsumerProtocol.Subscription> subscriptions(final Map<String, List<TopicPartition>> owned, final int generation)
        {
            final Map<String, ConsumerProtocol.Subscription> out = new TreeMap<>();
            topicsByMember.forEach((member, topics) -> out.put(member, new ConsumerProtocol.Subscription(topics, null,
                owned.getOrDefault(member, List.of()), generation, java.util.Optional.empty())));
            return out;
        }
    }

    @Provide
    Arbitrary<Group> groups()
    {
        final Arbitrary<Integer> topicCount = Arbitraries.integers().between(1, 4);
        final Arbitrary<Integer> memberCount = Arbitraries.integers().between(1, 7);
        final Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(topicCount, memberCount, seed).as((t, m, s) -> randomGroup(t, m, new Random(s), false));
    }

    @Provide
    Arbitrary<Group> equalGroups()
    {
        final Arbitrary<Integer> topicCount = Arbitraries.integers().between(1, 4);
        final Arbitrary<Integer> memberCount = Arbitraries.integers().between(1, 7);
        final Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(topicCount, memberCount, seed).as((t, m, s) -> randomGroup(t, m, new Random(s), true));
    }

    private static Group randomGroup(final int topics, final int members, final Random random, final boolean equal)
    {
        final Map<String, Integer> partitions = new TreeMap<>();
        for (int t = 0; t < topics; t++)
        {
            partitions.put("topic-" + t, random.nextInt(13));
        }
        final List<String> names = new ArrayList<>(partitions.keySet());
        names.add("missing-topic");
        final Map<String, List<String>> byMember = new TreeMap<>();
        for (int m = 0; m < members; m++)
        {
            final List<String> subscribed = new ArrayList<>();
            for (final String topic : names)
            {
                if (equal ? !topic.equals("missing-topic") : random.nextInt(3) > 0)
                {
                    subscribed.add(topic);
                }
            }
            if (subscribed.isEmpty())
            {
                subscribed.add(names.get(random.nextInt(names.size())));
            }
            byMember.put("member-" + Integer.toHexString(random.nextInt(1 << 20)) + "-" + m, subscribed);
        }
        return new Group(partitions, byMember);
    }

    private static List<ConsumerPartitionAssignor> assignors()
    {
        return List.of(new RangeAssignor(), new RoundRobinAssignor(), new CooperativeStickyAssignor());
    }

    /** Every existing partition of a subscribed topic exactly once, each to a subscriber of its topic. */
    private static void assertValid(final Group group, final Map<String, List<TopicPartition>> assignment, final String assignor)
    {
        assertThat(assignment.keySet()).as(assignor).isEqualTo(group.topicsByMember().keySet());
        final Set<TopicPartition> seen = new HashSet<>();
        assignment.forEach((member, partitions) ->
        {
            for (final TopicPartition tp : partitions)
            {
                assertThat(seen.add(tp)).as("%s gave %s twice", assignor, tp).isTrue();
                assertThat(group.topicsByMember().get(member)).as("%s gave %s to %s", assignor, tp, member).contains(tp.topic());
                assertThat(tp.partition()).isLessThan(group.partitionsPerTopic().getOrDefault(tp.topic(), 0));
            }
        });
        final Set<TopicPartition> expected = new HashSet<>();
        group.topicsByMember().values().forEach(topics -> topics.forEach(topic ->
        {
            for (int p = 0; p < group.partitionsPerTopic().getOrDefault(topic, 0); p++)
            {
                expected.add(new TopicPartition(topic, p));
            }
        }));
        assertThat(seen).as(assignor).isEqualTo(expected);
    }

    private static void assertBalanced(final Map<String, List<TopicPartition>> assignment, final String assignor)
    {
        final int min = assignment.values().stream().mapToInt(List::size).min().orElse(0);
        final int max = assignment.values().stream().mapToInt(List::size).max().orElse(0);
        assertThat(max - min).as("%s is unbalanced: %s", assignor, assignment).isLessThanOrEqualTo(1);
    }

    @Property(tries = 300)
    void shouldAssignEveryPartitionExactlyOnceToASubscriber(@ForAll("groups") final Group group)
    {
        for (final ConsumerPartitionAssignor assignor : assignors())
        {
            assertValid(group, assignor.assign(group.partitionsPerTopic(), group.subscriptions(Map.of(), -1)), assignor.name());
        }
    }

    @Property(tries = 300)
    void shouldBalanceWithinOneWhenSubscriptionsAreEqual(@ForAll("equalGroups") final Group group)
    {
        for (final ConsumerPartitionAssignor assignor : List.of(new RoundRobinAssignor(), new CooperativeStickyAssignor()))
        {
            assertBalanced(assignor.assign(group.partitionsPerTopic(), group.subscriptions(Map.of(), -1)), assignor.name());
        }
    }

    @Property(tries = 300)
    void shouldBalanceRangePerTopicWithinOne(@ForAll("equalGroups") final Group group)
    {
        final Map<String, List<TopicPartition>> assignment =
            new RangeAssignor().assign(group.partitionsPerTopic(), group.subscriptions(Map.of(), -1));
        for (final String topic : group.partitionsPerTopic().keySet())
        {
            final Map<String, List<TopicPartition>> perTopic = new HashMap<>();
            assignment.forEach((member, partitions) -> perTopic.put(member,
                partitions.stream().filter(tp -> tp.topic().equals(topic)).toList()));
            assertBalanced(perTopic, "range on " + topic);
        }
    }

    /**
     * A group reshuffled (members come and go) from a stable cooperative assignment: the first
     * round gives nobody a partition another member still owns, keeps every owned partition the
     * balance does not need, and after the revoking members rejoin the second round completes a
     * valid, balanced assignment.
     */
    @Property(tries = 300)
    void shouldRebalanceCooperativelyInTwoStickyPhases(@ForAll("equalGroups") final Group before,
        @ForAll @IntRange(min = 0, max = 3) final int leaving, @ForAll @IntRange(min = 0, max = 3) final int joining)
    {
        final CooperativeStickyAssignor assignor = new CooperativeStickyAssignor();
        final Map<String, List<TopicPartition>> stable = assignor.assign(before.partitionsPerTopic(), before.subscriptions(Map.of(), -1));

        final Map<String, List<String>> members = new TreeMap<>(before.topicsByMember());
        final List<String> names = new ArrayList<>(members.keySet());
        for (int i = 0; i < Math.min(leaving, names.size() - 1); i++)
        {
            members.remove(names.get(i));
        }
        final List<String> topics = new ArrayList<>(before.partitionsPerTopic().keySet());
        for (int i = 0; i < joining; i++)
        {
            members.put("new-member-" + i, topics);
        }
        final Group after = new Group(before.partitionsPerTopic(), members);
        final Map<String, List<TopicPartition>> owned = new HashMap<>(stable);
        owned.keySet().retainAll(members.keySet());

        final Map<String, List<TopicPartition>> first = assignor.assign(after.partitionsPerTopic(), after.subscriptions(owned, 5));
        final int total = after.partitionsPerTopic().values().stream().mapToInt(Integer::intValue).sum();
        final int quota = total / members.size();
        first.forEach((member, partitions) ->
        {
            final List<TopicPartition> mine = owned.getOrDefault(member, List.of());
            for (final TopicPartition tp : partitions)
            {
                owned.forEach((other, theirs) -> assertThat(!other.equals(member) && theirs.contains(tp))
                    .as("round one gives %s to %s while %s still owns it", tp, member, other).isFalse());
            }
            final long kept = partitions.stream().filter(mine::contains).count();
            assertThat(kept).as("sticky: %s kept %s of %s", member, kept, mine).isGreaterThanOrEqualTo(Math.min(mine.size(), quota));
        });

        final Map<String, List<TopicPartition>> second = assignor.assign(after.partitionsPerTopic(), after.subscriptions(first, 6));
        assertValid(after, second, "cooperative-sticky round two");
        assertBalanced(second, "cooperative-sticky round two");
        first.forEach((member, partitions) -> assertThat(second.get(member)).as("round two keeps round one").containsAll(partitions));
    }

    @Property(tries = 100)
    void shouldKeepAStableAssignmentUnchanged(@ForAll("groups") final Group group)
    {
        final CooperativeStickyAssignor assignor = new CooperativeStickyAssignor();
        final Map<String, List<TopicPartition>> stable = assignor.assign(group.partitionsPerTopic(), group.subscriptions(Map.of(), -1));
        final Map<String, List<TopicPartition>> again = assignor.assign(group.partitionsPerTopic(), group.subscriptions(stable, 3));
        again.forEach((member, partitions) -> assertThat(partitions).containsExactlyInAnyOrderElementsOf(stable.get(member)));
    }

    /** Kafka's order: static members by group.instance.id (a restarted one keeps its partitions), then dynamic ones by member id. */
    @Example
    void rangeShouldOrderStaticMembersByInstanceIdFirst()
    {
        final Map<String, ConsumerProtocol.Subscription> subscriptions = new TreeMap<>();
        subscriptions.put("a-dynamic", new ConsumerProtocol.Subscription(List.of("t")));
        subscriptions.put("b-static", new ConsumerProtocol.Subscription(List.of("t")).withGroupInstanceId("instance-2"));
        subscriptions.put("c-static", new ConsumerProtocol.Subscription(List.of("t")).withGroupInstanceId("instance-1"));

        final Map<String, List<TopicPartition>> assigned = new RangeAssignor().assign(Map.of("t", 5), subscriptions);

        assertThat(assigned.get("c-static")).containsExactly(new TopicPartition("t", 0), new TopicPartition("t", 1));
        assertThat(assigned.get("b-static")).containsExactly(new TopicPartition("t", 2), new TopicPartition("t", 3));
        assertThat(assigned.get("a-dynamic")).containsExactly(new TopicPartition("t", 4));
    }
}
