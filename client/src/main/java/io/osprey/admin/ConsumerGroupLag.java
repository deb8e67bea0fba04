package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;
import io.osprey.consumer.OffsetAndMetadata;

/**
 * How far a consumer group is behind, per partition: its committed offset, the partition's log
 * end offset and the difference, with the member that owns the partition now; what
 * {@code kafka-consumer-groups.sh --describe} prints. Covers every partition the group has an
 * offset for or has assigned to a member. Immutable.
 */
public final class ConsumerGroupLag
{
    /** Orders partitions by topic, then partition number. */
    public static final Comparator<TopicPartition> PARTITION_ORDER =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /**
     * One partition's lag.
     *
     * @param committedOffset the group's committed offset; empty when it has none yet
     * @param logEndOffset    the offset the next record will get; empty when it could not be looked up
     * @param owner           the member the partition is assigned to; empty when no member has it
     */
    public record PartitionLag(TopicPartition partition, OptionalLong committedOffset, OptionalLong logEndOffset,
        Optional<MemberDescription> owner)
    {
        public PartitionLag
        {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(committedOffset, "committedOffset");
            Objects.requireNonNull(logEndOffset, "logEndOffset");
            Objects.requireNonNull(owner, "owner");
        }

        /**
         * Log end minus committed offset (never negative: a committed offset past the end, after
         * the log was truncated, is no lag); empty unless both are known.
         */
        public OptionalLong lag()
        {
            if (committedOffset.isEmpty() || logEndOffset.isEmpty())
            {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(0, logEndOffset.getAsLong() - committedOffset.getAsLong()));
        }
    }

    private final ConsumerGroupDescription group;
    private final List<PartitionLag> partitions;

    public ConsumerGroupLag(final ConsumerGroupDescription group, final List<PartitionLag> partitions)
    {
        this.group = Objects.requireNonNull(group, "group");
        final List<PartitionLag> sorted = new ArrayList<>(partitions);
        sorted.sort(Comparator.comparing(PartitionLag::partition, PARTITION_ORDER));
        this.partitions = Collections.unmodifiableList(sorted);
    }

    /**
     * Describes the group, lists its committed offsets (both at once), then looks up the log end
     * offset of every partition it has an offset for or an assignment of. A partition whose log
     * end cannot be looked up (its topic was deleted) has no lag rather than failing the whole.
     * The future fails when the group cannot be described or its offsets listed.
     */
    public static CompletableFuture<ConsumerGroupLag> compute(final Admin admin, final String groupId)
    {
        final CompletableFuture<ConsumerGroupDescription> described = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
            .get(groupId);
        final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(groupId)
            .partitionsToOffsetAndMetadata();
        return described.thenCombine(committed, Inputs::new).thenCompose(inputs -> withLogEnds(admin, inputs));
    }

    private record Inputs(ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> committed)
    {
    }

    private static CompletableFuture<ConsumerGroupLag> withLogEnds(final Admin admin, final Inputs inputs)
    {
        final Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        for (final MemberDescription member : inputs.group().members())
        {
            for (final TopicPartition tp : member.assignment().topicPartitions())
            {
                owners.put(tp, member);
            }
        }
        final TreeSet<TopicPartition> all = new TreeSet<>(PARTITION_ORDER);
        all.addAll(owners.keySet());
        all.addAll(inputs.committed().keySet());
        if (all.isEmpty())
        {
            return CompletableFuture.completedFuture(new ConsumerGroupLag(inputs.group(), List.of()));
        }
        final Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        all.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        final ListOffsetsResult ends = admin.listOffsets(specs);
        final List<CompletableFuture<PartitionLag>> rows = new ArrayList<>();
        for (final TopicPartition tp : all)
        {
            final OffsetAndMetadata offset = inputs.committed().get(tp);
            final OptionalLong committedOffset = offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
            rows.add(ends.partitionResult(tp).handle((info, error) -> new PartitionLag(tp, committedOffset,
                error == null ? OptionalLong.of(info.offset()) : OptionalLong.empty(), Optional.ofNullable(owners.get(tp)))));
        }
        return Futures.allOf(rows).thenApply(ignored ->
        {
            final List<PartitionLag> lags = new ArrayList<>(rows.size());
            for (final CompletableFuture<PartitionLag> row : rows)
            {
                lags.add(row.join());
            }
            return new ConsumerGroupLag(inputs.group(), lags);
        });
    }

    public ConsumerGroupDescription group()
    {
        return group;
    }

    /** Every partition's lag, by topic then partition. */
    public List<PartitionLag> partitions()
    {
        return partitions;
    }

    /** The sum of the partitions' known lags. */
    public long totalLag()
    {
        long total = 0;
        for (final PartitionLag p : partitions)
        {
            total += p.lag().orElse(0);
        }
        return total;
    }

    /** The members with no partition assigned, which the describe table lists on rows of their own. */
    public List<MemberDescription> membersWithoutPartitions()
    {
        final List<MemberDescription> idle = new ArrayList<>();
        for (final MemberDescription member : group.members())
        {
            if (member.assignment().topicPartitions().isEmpty())
            {
                idle.add(member);
            }
        }
        return idle;
    }

    @Override
    public String toString()
    {
        return "ConsumerGroupLag(group=" + group.groupId() + ", totalLag=" + totalLag() + ", partitions=" + partitions + ")";
    }
}
