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
import io.osprey.consumer.OffsetAndMetadata;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;

/**
 * {@link Admin#alterConsumerGroupOffsets}: OffsetCommit to the group's coordinator as no member
 * (generation -1, empty member id), which a coordinator accepts only for a group without
 * members. A group with members answers UNKNOWN_MEMBER_ID (or ILLEGAL_GENERATION,
 * REBALANCE_IN_PROGRESS, FENCED_MEMBER_EPOCH): each partition then fails with that code and a
 * message saying to stop the group's consumers first. Coordinator errors, which the response
 * gives per partition, retry the whole request. Not thread-safe; see {@link AdminCall}.
 */
final class OffsetCommitCall extends CoordinatorCall
{
    /** The generation of a commit made by no member. */
    static final int NO_GENERATION = -1;
    /** The member id of a commit made by no member. */
    static final String NO_MEMBER_ID = "";

    private final Map<TopicPartition, OffsetAndMetadata> offsets;
    private final Map<TopicPartition, CompletableFuture<Void>> outstanding;

    OffsetCommitCall(final long createdMs, final long deadlineMs, final String groupId, final Map<TopicPartition, OffsetAndMetadata> offsets,
        final Map<TopicPartition, CompletableFuture<Void>> futures)
    {
        super("alterConsumerGroupOffsets", createdMs, deadlineMs, groupId);
        this.offsets = new LinkedHashMap<>(offsets);
        this.outstanding = new LinkedHashMap<>(futures);
    }

    @Override
    ApiKey groupApi()
    {
        return ApiKey.OFFSET_COMMIT;
    }

    @Override
    Message groupRequest(final short version, final int timeoutMs)
    {
        final Map<String, List<OffsetCommitRequest.Partition>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : outstanding.keySet())
        {
            final OffsetAndMetadata offset = offsets.get(tp);
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new OffsetCommitRequest.Partition(tp.partition(),
                offset.offset(), offset.leaderEpoch().orElse(-1), offset.metadata()));
        }
        final List<OffsetCommitRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((name, partitions) -> topics.add(new OffsetCommitRequest.Topic(name, partitions)));
        return new OffsetCommitRequest(groupId(), NO_GENERATION, NO_MEMBER_ID, null, -1L, topics);
    }

    @Override
    OspreyException onGroupResponse(final short version, final ProtocolReader body)
    {
        final Map<TopicPartition, ErrorCode> errors = new HashMap<>();
        for (final OffsetCommitResponse.Topic t : OffsetCommitResponse.read(body, version).topics())
        {
            for (final OffsetCommitResponse.Partition p : t.partitions())
            {
                errors.put(new TopicPartition(t.name(), p.partitionIndex()), ErrorCode.forCode(p.errorCode()));
            }
        }
        for (final ErrorCode error : errors.values())
        {
            final OspreyException retry = coordinatorError(error, null);
            if (retry != null)
            {
                return retry;
            }
        }
        for (final Map.Entry<TopicPartition, CompletableFuture<Void>> e : outstanding.entrySet())
        {
            final ErrorCode error = errors.get(e.getKey());
            if (error == null)
            {
                e.getValue().completeExceptionally(new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "The broker's OffsetCommit response did not mention partition " + e.getKey()));
            }
            else if (error == ErrorCode.NONE)
            {
                e.getValue().complete(null);
            }
            else
            {
                e.getValue().completeExceptionally(partitionError(e.getKey(), error));
            }
        }
        outstanding.clear();
        return null;
    }

    private OspreyException partitionError(final TopicPartition tp, final ErrorCode error)
    {
        switch (error)
        {
            case UNKNOWN_MEMBER_ID:
            case ILLEGAL_GENERATION:
            case REBALANCE_IN_PROGRESS:
            case FENCED_MEMBER_EPOCH:
                return new OspreyException(error, "Group '" + groupId() + "' is not empty: stop its consumers first (the coordinator "
                    + "refused the offsets with " + error + ")");
            case UNKNOWN_TOPIC_OR_PARTITION:
                return new OspreyException(error, "Partition " + tp + " does not exist");
            case OFFSET_METADATA_TOO_LARGE:
                return new OspreyException(error, "The metadata of the offset for partition " + tp + " is longer than the broker allows");
            case GROUP_ID_NOT_FOUND:
            case INVALID_GROUP_ID:
            case GROUP_AUTHORIZATION_FAILED:
                return groupError(error);
            default:
                return Errors.forCode(error, "Committing the offset of partition " + tp + " for group '" + groupId() + "' failed with "
                    + error + " (error code " + error.code + ")");
        }
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
