package io.osprey.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.OffsetDeleteRequest;
import io.osprey.protocol.message.OffsetDeleteResponse;

/**
 * {@link Admin#deleteConsumerGroupOffsets}: OffsetDelete to the group's coordinator. A top-level
 * coordinator error retries; another top-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP)
 * fails every partition; a partition of a topic a live member subscribes to fails alone with
 * GROUP_SUBSCRIBED_TO_TOPIC. Not thread-safe; see {@link AdminCall}.
 */
final class OffsetDeleteCall extends CoordinatorCall
{
    private final Map<TopicPartition, CompletableFuture<Void>> outstanding;

    OffsetDeleteCall(final long createdMs, final long deadlineMs, final String groupId, final Map<TopicPartition, CompletableFuture<Void>> futures)
    {
        super("deleteConsumerGroupOffsets", createdMs, deadlineMs, groupId);
        this.outstanding = new LinkedHashMap<>(futures);
    }

    @Override
    ApiKey groupApi()
    {
        return ApiKey.OFFSET_DELETE;
    }

    @Override
    Message groupRequest(final short version, final int timeoutMs)
    {
        final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : outstanding.keySet())
        {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        final List<OffsetDeleteRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((name, partitions) -> topics.add(new OffsetDeleteRequest.Topic(name, partitions)));
        return new OffsetDeleteRequest(groupId(), topics);
    }

    @Override
    OspreyException onGroupResponse(final short version, final ProtocolReader body)
    {
        final OffsetDeleteResponse response = OffsetDeleteResponse.read(body, version);
        final ErrorCode top = ErrorCode.forCode(response.errorCode());
        final OspreyException retry = coordinatorError(top, null);
        if (retry != null)
        {
            return retry;
        }
        if (top != ErrorCode.NONE)
        {
            fail(top == ErrorCode.NON_EMPTY_GROUP ? new OspreyException(top, "Group '" + groupId() + "' has members and its protocol "
                + "does not say which topics they read: stop its consumers first") : groupError(top));
            return null;
        }
        final Map<TopicPartition, ErrorCode> errors = new HashMap<>();
        for (final OffsetDeleteResponse.Topic t : response.topics())
        {
            for (final OffsetDeleteResponse.Partition p : t.partitions())
            {
                errors.put(new TopicPartition(t.name(), p.partitionIndex()), ErrorCode.forCode(p.errorCode()));
            }
        }
        for (final Map.Entry<TopicPartition, CompletableFuture<Void>> e : outstanding.entrySet())
        {
            final TopicPartition tp = e.getKey();
            final ErrorCode error = errors.get(tp);
            if (error == null)
            {
                e.getValue().completeExceptionally(new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "The broker's OffsetDelete response did not mention partition " + tp));
            }
            else if (error == ErrorCode.NONE)
            {
                e.getValue().complete(null);
            }
            else if (error == ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC)
            {
                e.getValue().completeExceptionally(new OspreyException(error, "Group '" + groupId() + "' has a member subscribed to topic '"
                    + tp.topic() + "': its offset for " + tp + " stays"));
            }
            else
            {
                e.getValue().completeExceptionally(Errors.forCode(error, "Deleting the offset of partition " + tp + " for group '"
                    + groupId() + "' failed with " + error + " (error code " + error.code + ")"));
            }
        }
        outstanding.clear();
        return null;
    }

    @Override
    void fail(final Throwable error)
    {
        failAll(outstanding, error);
    }

    @Override
    boolean isDone()
    {
        return outstanding.isEmpty();
    }
}
