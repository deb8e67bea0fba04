package io.osprey.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.NetworkClient;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;

/**
 * One OffsetCommit to the group coordinator, with the member's current generation (or none for
 * a consumer that assigns partitions itself). Coordinator errors (NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE, a disconnect) rediscover the coordinator; a synchronous commit then
 * retries, as it does on COORDINATOR_LOAD_IN_PROGRESS and timeouts, after {@code retry.backoff.ms}
 * doubling, until the call's deadline. An asynchronous commit (and so the periodic auto-commit)
 * is sent once: it waits for the coordinator to be known but, once sent, fails on those errors
 * with {@link RetriableCommitFailedException}, as Kafka's does, because a retry could land after
 * a later commit and move the committed offset backwards. REBALANCE_IN_PROGRESS fails with
 * {@link RebalanceInProgressException}; ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID with
 * {@link CommitFailedException}; FENCED_INSTANCE_ID with the broker's error, which also ends the
 * member for good ({@link ConsumerCoordinator#onFenced}); anything else with the broker's error.
 * <p>
 * Thread-safety: see {@link NetworkCall}; everything else runs on the network thread.
 */
final class CommitCall extends CoordinatorCall<Void>
{
    private final Map<TopicPartition, OffsetAndMetadata> offsets;
    private final boolean retry;

    /** @param retry whether a sent commit that failed with a retriable error is sent again (commitSync) or fails (commitAsync) */
    CommitCall(final NetworkClient client, final ConsumerCoordinator coordinator, final String groupId,
        final Map<TopicPartition, OffsetAndMetadata> offsets, final ExponentialBackoff backoff, final long deadlineMs,
        final boolean retry)
    {
        super(client, coordinator, groupId, backoff, deadlineMs, "OffsetCommit");
        this.offsets = Map.copyOf(offsets);
        this.retry = retry;
    }

    Map<TopicPartition, OffsetAndMetadata> offsets()
    {
        return offsets;
    }

    @Override
    long poll(final long nowMs)
    {
        if (offsets.isEmpty())
        {
            complete(null);
            return Long.MAX_VALUE;
        }
        return super.poll(nowMs);
    }

    @Override
    void send(final int node)
    {
        final ConsumerCoordinator.Generation generation;
        try
        {
            generation = coordinator.generationForCommit();
        }
        catch (final OspreyException e)
        {
            fail(e);
            return;
        }
        final Map<String, List<OffsetCommitRequest.Partition>> byTopic = new LinkedHashMap<>();
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet())
        {
            final OffsetAndMetadata o = e.getValue();
            byTopic.computeIfAbsent(e.getKey().topic(), t -> new ArrayList<>()).add(new OffsetCommitRequest.Partition(
                e.getKey().partition(), o.offset(), o.leaderEpoch().orElse(-1), o.metadata()));
        }
        final List<OffsetCommitRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((topic, partitions) -> topics.add(new OffsetCommitRequest.Topic(topic, partitions)));
        final OffsetCommitRequest request = new OffsetCommitRequest(groupId, generation.generationId(), generation.memberId(),
            generation.generationId() < 0 ? null : generation.groupInstanceId(), -1L, topics);
        send(node, ApiKey.OFFSET_COMMIT, v -> request, OffsetCommitResponse::read, this::onResponse);
    }

    private void onResponse(final OffsetCommitResponse response)
    {
        for (final OffsetCommitResponse.Topic topic : response.topics())
        {
            for (final OffsetCommitResponse.Partition partition : topic.partitions())
            {
                final ErrorCode error = ErrorCode.forCode(partition.errorCode());
                if (error == ErrorCode.NONE)
                {
                    continue;
                }
                final String where = "Offset commit of partition " + topic.name() + "-" + partition.partitionIndex() + " for group "
                    + groupId + " failed with " + error;
                switch (error)
                {
                    case COORDINATOR_NOT_AVAILABLE:
                    case NOT_COORDINATOR:
                    case REQUEST_TIMED_OUT:
                        coordinator.markCoordinatorUnknown(where);
                        retry(error, where, null);
                        return;
                    case COORDINATOR_LOAD_IN_PROGRESS:
                        retry(error, where, null);
                        return;
                    case FENCED_INSTANCE_ID:
                        final OspreyException fenced = Errors.forCode(error, where + ": another consumer with the same "
                            + "group.instance.id has replaced this one");
                        coordinator.onFenced(fenced);
                        fail(fenced);
                        return;
                    case REBALANCE_IN_PROGRESS:
                        fail(new RebalanceInProgressException(where + ": the group is rebalancing; poll() completes the rebalance, "
                            + "after which the commit may be retried for the partitions still owned"));
                        return;
                    case ILLEGAL_GENERATION:
                    case UNKNOWN_MEMBER_ID:
                        coordinator.onCommitGenerationError(error);
                        fail(new CommitFailedException(error, where + ": the consumer is no longer part of the group's current "
                            + "generation (it was likely kicked out after max.poll.interval.ms or session.timeout.ms), so its "
                            + "partitions may belong to another member now"));
                        return;
                    default:
                        fail(Errors.forCode(error, where));
                        return;
                }
            }
        }
        complete(null);
    }

    /** A sent commit failed with a retriable error: send it again later (sync), or fail it (async). */
    @Override
    void retry(final ErrorCode error, final String problem, final Throwable cause)
    {
        if (!retry)
        {
            problem(problem);
            fail(new RetriableCommitFailedException(error, problem + "; the asynchronous commit is not retried (a retry could "
                + "overwrite a later commit): commit the latest consumed offsets again", cause));
            return;
        }
        super.retry(error, problem, cause);
    }
}
