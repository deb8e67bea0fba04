package io.osprey.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.DeleteRecordsRequest;
import io.osprey.protocol.message.DeleteRecordsResponse;

/**
 * {@link Admin#deleteRecords}: DeleteRecords to each partition's leader (see
 * {@link PartitionLeaderCall} for the routing and retries), with what is left of the call's
 * time as the broker's wait for the in-sync followers. Not thread-safe; see {@link AdminCall}.
 */
final class DeleteRecordsCall extends PartitionLeaderCall<DeletedRecords>
{
    private final Map<TopicPartition, RecordsToDelete> offsets;

    DeleteRecordsCall(final long createdMs, final long deadlineMs, final Map<TopicPartition, RecordsToDelete> offsets,
        final Map<TopicPartition, CompletableFuture<DeletedRecords>> futures)
    {
        super("deleteRecords", createdMs, deadlineMs, futures);
        this.offsets = Map.copyOf(offsets);
    }

    @Override
    ApiKey leaderApi()
    {
        return ApiKey.DELETE_RECORDS;
    }

    @Override
    Message leaderRequest(final short version, final int timeoutMs, final List<TopicPartition> partitions)
    {
        final Map<String, List<DeleteRecordsRequest.Partition>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new DeleteRecordsRequest.Partition(tp.partition(),
                offsets.get(tp).beforeOffset()));
        }
        final List<DeleteRecordsRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((name, ps) -> topics.add(new DeleteRecordsRequest.Topic(name, ps)));
        return new DeleteRecordsRequest(topics, timeoutMs);
    }

    @Override
    Map<TopicPartition, Answer<DeletedRecords>> readAnswers(final ProtocolReader body, final short version)
    {
        final Map<TopicPartition, Answer<DeletedRecords>> answers = new HashMap<>();
        for (final DeleteRecordsResponse.Topic t : DeleteRecordsResponse.read(body, version).topics())
        {
            for (final DeleteRecordsResponse.Partition p : t.partitions())
            {
                answers.put(new TopicPartition(t.name(), p.partitionIndex()),
                    new Answer<>(ErrorCode.forCode(p.errorCode()), new DeletedRecords(p.lowWatermark())));
            }
        }
        return answers;
    }

    @Override
    String asked(final TopicPartition tp)
    {
        return "DeleteRecords (before offset " + offsets.get(tp).beforeOffset() + ")";
    }
}
