package io.osprey.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;

/**
 * {@link Admin#listOffsets}: ListOffsets to each partition's leader (see {@link PartitionLeaderCall}
 * for the routing and retries). Not thread-safe; see {@link AdminCall}.
 */
final class ListOffsetsCall extends PartitionLeaderCall<ListOffsetsResult.ListOffsetsResultInfo>
{
    /** The first ListOffsets version that takes {@link OffsetSpec#maxTimestamp()}. */
    static final short MAX_TIMESTAMP_VERSION = 7;
    /** ListOffsets' isolation level for every offset, committed or not: what Kafka's admin asks by default. */
    static final byte READ_UNCOMMITTED = 0;

    private final Map<TopicPartition, OffsetSpec> specs;

    ListOffsetsCall(final long createdMs, final long deadlineMs, final Map<TopicPartition, OffsetSpec> specs,
        final Map<TopicPartition, CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo>> futures)
    {
        super("listOffsets", createdMs, deadlineMs, futures);
        this.specs = Map.copyOf(specs);
    }

    @Override
    ApiKey leaderApi()
    {
        return ApiKey.LIST_OFFSETS;
    }

    @Override
    Message leaderRequest(final short version, final int timeoutMs, final List<TopicPartition> partitions)
    {
        final Map<String, List<ListOffsetsRequest.Partition>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            final long timestamp = specs.get(tp).wireTimestamp();
            if (timestamp == OffsetSpec.MAX_TIMESTAMP && version < MAX_TIMESTAMP_VERSION)
            {
                throw new UnsupportedVersionException("listOffsets with OffsetSpec.maxTimestamp() needs ListOffsets v"
                    + MAX_TIMESTAMP_VERSION + "; the broker offers at most v" + version);
            }
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new ListOffsetsRequest.Partition(tp.partition(), leaderEpoch(tp), timestamp));
        }
        final List<ListOffsetsRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((name, ps) -> topics.add(new ListOffsetsRequest.Topic(name, ps)));
        return new ListOffsetsRequest(-1, READ_UNCOMMITTED, topics);
    }

    @Override
    Map<TopicPartition, Answer<ListOffsetsResult.ListOffsetsResultInfo>> readAnswers(final ProtocolReader body, final short version)
    {
        final Map<TopicPartition, Answer<ListOffsetsResult.ListOffsetsResultInfo>> answers = new HashMap<>();
        for (final ListOffsetsResponse.Topic t : ListOffsetsResponse.read(body, version).topics())
        {
            for (final ListOffsetsResponse.Partition p : t.partitions())
            {
                answers.put(new TopicPartition(t.name(), p.partitionIndex()), new Answer<>(ErrorCode.forCode(p.errorCode()),
                    new ListOffsetsResult.ListOffsetsResultInfo(p.offset(), p.timestamp(),
                        p.leaderEpoch() < 0 ? Optional.empty() : Optional.of(p.leaderEpoch()))));
            }
        }
        return answers;
    }

    @Override
    String asked(final TopicPartition tp)
    {
        return "ListOffsets (" + specs.get(tp) + ")";
    }
}
