package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.consumer.OffsetAndMetadata;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;

/**
 * {@link Admin#listConsumerGroupOffsets}: OffsetFetch to the group's coordinator, for the
 * partitions asked about or (a null topic list, v2+) every partition the group has an offset
 * for. v8 carries the group in a list; earlier versions carry it alone. As in Kafka's admin, a
 * partition asked about without a committed offset maps to null, and a partition the broker
 * answers with its own error (an unknown topic) is left out, with a log line. Not thread-safe;
 * see {@link AdminCall}.
 */
final class OffsetFetchCall extends CoordinatorCall
{
    private static final Logger LOG = LoggerFactory.getLogger(OffsetFetchCall.class);

    /** The first OffsetFetch version that carries a list of groups. */
    static final short GROUPS_VERSION = 8;
    /** The first OffsetFetch version where a null topic list asks for every partition. */
    static final short ALL_TOPICS_VERSION = 2;

    private final List<TopicPartition> partitions;
    private final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> future;

    /** @param partitions the partitions asked about, or null for every partition with an offset */
    OffsetFetchCall(final long createdMs, final long deadlineMs, final String groupId, final List<TopicPartition> partitions,
        final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> future)
    {
        super("listConsumerGroupOffsets", createdMs, deadlineMs, groupId);
        this.partitions = partitions == null ? null : List.copyOf(partitions);
        this.future = future;
    }

    @Override
    ApiKey groupApi()
    {
        return ApiKey.OFFSET_FETCH;
    }

    @Override
    Message groupRequest(final short version, final int timeoutMs)
    {
        if (partitions == null && version < ALL_TOPICS_VERSION)
        {
            throw new UnsupportedVersionException("Listing every offset of a group needs OffsetFetch v" + ALL_TOPICS_VERSION
                + "; the broker offers at most v" + version);
        }
        final List<OffsetFetchRequest.Topic> topics = topics();
        if (version >= GROUPS_VERSION)
        {
            return new OffsetFetchRequest("", List.of(), List.of(new OffsetFetchRequest.Group(groupId(), topics)), false);
        }
        return new OffsetFetchRequest(groupId(), topics, List.of(), false);
    }

    /** The partitions by topic, or null for all. */
    private List<OffsetFetchRequest.Topic> topics()
    {
        if (partitions == null)
        {
            return null;
        }
        final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        final List<OffsetFetchRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((name, indexes) -> topics.add(new OffsetFetchRequest.Topic(name, indexes)));
        return topics;
    }

    @Override
    OspreyException onGroupResponse(final short version, final ProtocolReader body)
    {
        final OffsetFetchResponse response = OffsetFetchResponse.read(body, version);
        short groupErrorCode = response.errorCode();
        List<OffsetFetchResponse.Topic> topics = response.topics();
        if (version >= GROUPS_VERSION)
        {
            final OffsetFetchResponse.Group group = thisGroup(response.groups(), OffsetFetchResponse.Group::groupId, "OffsetFetch");
            if (group == null)
            {
                return null;
            }
            groupErrorCode = group.errorCode();
            topics = group.topics();
        }
        final OspreyException groupError = onError(ErrorCode.forCode(groupErrorCode), true);
        if (groupError != null || future.isDone())
        {
            return groupError;
        }
        final Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        if (partitions != null)
        {
            for (final TopicPartition tp : partitions)
            {
                offsets.put(tp, null);
            }
        }
        for (final OffsetFetchResponse.Topic t : topics)
        {
            for (final OffsetFetchResponse.Partition p : t.partitions())
            {
                final TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                final ErrorCode error = ErrorCode.forCode(p.errorCode());
                if (error != ErrorCode.NONE)
                {
                    // Before v2 group errors come per partition; they mean the same for every partition.
                    final OspreyException partitionError = onError(error, false);
                    if (partitionError != null || future.isDone())
                    {
                        return partitionError;
                    }
                    LOG.warn("Skipping the offset of partition {} of group '{}': the coordinator returned {}", tp, groupId(), error);
                    continue;
                }
                offsets.put(tp, p.committedOffset() < 0 ? null : new OffsetAndMetadata(p.committedOffset(),
                    p.committedLeaderEpoch() < 0 ? Optional.empty() : Optional.of(p.committedLeaderEpoch()), p.metadata()));
            }
        }
        future.complete(Collections.unmodifiableMap(offsets));
        return null;
    }

    /**
     * The error to retry after; or null, having failed the future when the error concerns the
     * whole group; or null with the future pending for an error of one partition.
     *
     * @param groupLevel whether the response gave the error for the group rather than a partition
     */
    private OspreyException onError(final ErrorCode error, final boolean groupLevel)
    {
        if (error == ErrorCode.NONE)
        {
            return null;
        }
        final OspreyException retry = coordinatorError(error, null);
        if (retry != null)
        {
            return retry;
        }
        if (error == ErrorCode.UNSTABLE_OFFSET_COMMIT)
        {
            return Errors.forCode(error, "Group '" + groupId() + "' has offsets awaiting a transaction's outcome");
        }
        if (groupLevel || error == ErrorCode.GROUP_ID_NOT_FOUND || error == ErrorCode.GROUP_AUTHORIZATION_FAILED
            || error == ErrorCode.INVALID_GROUP_ID)
        {
            fail(groupError(error));
        }
        return null;
    }

    @Override
    void fail(final Throwable error)
    {
        future.completeExceptionally(error);
    }

    @Override
    boolean isDone()
    {
        return future.isDone();
    }
}
