package io.osprey.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.NetworkClient;
import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;

/**
 * One OffsetFetch from the group coordinator: the committed offsets of some partitions (a
 * partition with none maps to null). Coordinator errors and COORDINATOR_LOAD_IN_PROGRESS retry
 * after {@code retry.backoff.ms} doubling until the deadline; other errors fail the call.
 * <p>
 * Thread-safety: see {@link NetworkCall}; everything else runs on the network thread.
 */
final class CommittedCall extends CoordinatorCall<Map<TopicPartition, OffsetAndMetadata>>
{
    private static final int UNSTABLE_OFFSET_COMMIT = 88;

    private final Set<TopicPartition> partitions;

    CommittedCall(final NetworkClient client, final ConsumerCoordinator coordinator, final String groupId,
        final Set<TopicPartition> partitions, final ExponentialBackoff backoff, final long deadlineMs)
    {
        super(client, coordinator, groupId, backoff, deadlineMs, "OffsetFetch");
        this.partitions = Set.copyOf(partitions);
    }

    Set<TopicPartition> partitions()
    {
        return partitions;
    }

    @Override
    long poll(final long nowMs)
    {
        if (partitions.isEmpty())
        {
            complete(Map.of());
            return Long.MAX_VALUE;
        }
        return super.poll(nowMs);
    }

    @Override
    void send(final int node)
    {
        final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        final List<OffsetFetchRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((topic, indexes) -> topics.add(new OffsetFetchRequest.Topic(topic, indexes)));
        send(node, ApiKey.OFFSET_FETCH, v -> v <= 7
                ? new OffsetFetchRequest(groupId, topics, List.of(), false)
                : new OffsetFetchRequest("", List.of(), List.of(new OffsetFetchRequest.Group(groupId, topics)), false),
            OffsetFetchResponse::read, this::onResponse);
    }

    private void onResponse(final OffsetFetchResponse response)
    {
        short groupError = response.errorCode();
        List<OffsetFetchResponse.Topic> topics = response.topics();
        if (!response.groups().isEmpty())
        {
            groupError = response.groups().get(0).errorCode();
            topics = response.groups().get(0).topics();
        }
        if (groupError != 0 && !onError(ErrorCode.forCode(groupError), groupError, "OffsetFetch for group " + groupId))
        {
            return;
        }
        final Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (final OffsetFetchResponse.Topic topic : topics)
        {
            for (final OffsetFetchResponse.Partition p : topic.partitions())
            {
                final TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                final ErrorCode error = ErrorCode.forCode(p.errorCode());
                if (error == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                {
                    continue;
                }
                if (p.errorCode() != 0 && !onError(error, p.errorCode(), "OffsetFetch of partition " + tp + " for group " + groupId))
                {
                    return;
                }
                if (p.committedOffset() >= 0)
                {
                    out.put(tp, new OffsetAndMetadata(p.committedOffset(),
                        p.committedLeaderEpoch() < 0 ? Optional.empty() : Optional.of(p.committedLeaderEpoch()), p.metadata()));
                }
            }
        }
        final Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (final TopicPartition tp : partitions)
        {
            result.put(tp, out.get(tp));
        }
        complete(result);
    }

    /** Retries or fails; always returns false (the response is not used further). */
    private boolean onError(final ErrorCode error, final short code, final String what)
    {
        final String problem = what + " failed with " + error + " (error code " + code + ")";
        if (error == ErrorCode.NOT_COORDINATOR || error == ErrorCode.COORDINATOR_NOT_AVAILABLE)
        {
            coordinator.markCoordinatorUnknown(problem);
            retry(error, problem, null);
        }
        else if (error == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code == UNSTABLE_OFFSET_COMMIT || error.retriable)
        {
            retry(error, problem, null);
        }
        else
        {
            fail(Errors.forCode(error, problem));
        }
        return false;
    }
}
