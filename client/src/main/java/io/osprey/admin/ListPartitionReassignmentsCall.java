package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ListPartitionReassignmentsRequest;
import io.osprey.protocol.message.ListPartitionReassignmentsResponse;

/**
 * {@link Admin#listPartitionReassignments}: one ListPartitionReassignments request to the
 * controller. Not thread-safe; see {@link AdminCall}.
 */
final class ListPartitionReassignmentsCall extends AdminCall
{
    /** Null for every partition. */
    private final Set<TopicPartition> partitions;
    private final CompletableFuture<Map<TopicPartition, PartitionReassignment>> future;

    ListPartitionReassignmentsCall(final long createdMs, final long deadlineMs, final Set<TopicPartition> partitions,
        final CompletableFuture<Map<TopicPartition, PartitionReassignment>> future)
    {
        super("listPartitionReassignments", createdMs, deadlineMs);
        this.partitions = partitions;
        this.future = future;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.CONTROLLER;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        List<ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics> topics = null;
        if (partitions != null)
        {
            final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
            for (final TopicPartition tp : partitions)
            {
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
            }
            topics = new ArrayList<>();
            for (final Map.Entry<String, List<Integer>> e : byTopic.entrySet())
            {
                topics.add(new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics(e.getKey(), e.getValue()));
            }
        }
        return new ListPartitionReassignmentsRequest(timeoutMs, topics);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        final ListPartitionReassignmentsResponse response = ListPartitionReassignmentsResponse.read(body, version);
        final OspreyException topLevel = Errors.forCode(response.errorCode(), response.errorMessage());
        if (topLevel != null)
        {
            if (KeyedCall.RETRIED_ERRORS.contains(topLevel.errorCode()))
            {
                return topLevel;
            }
            future.completeExceptionally(topLevel);
            return null;
        }
        final Map<TopicPartition, PartitionReassignment> moving = new LinkedHashMap<>();
        for (final ListPartitionReassignmentsResponse.OngoingTopicReassignment t : response.topics())
        {
            for (final ListPartitionReassignmentsResponse.OngoingPartitionReassignment p : t.partitions())
            {
                moving.put(new TopicPartition(t.name(), p.partitionIndex()),
                    new PartitionReassignment(p.replicas(), p.addingReplicas(), p.removingReplicas()));
            }
        }
        future.complete(Collections.unmodifiableMap(moving));
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
