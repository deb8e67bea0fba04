package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ElectionType;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ElectLeadersRequest;
import io.osprey.protocol.message.ElectLeadersResponse;

/**
 * {@link Admin#electLeaders}: one ElectLeaders request to the controller. A top-level error fails
 * the call (NOT_CONTROLLER is retried); per-partition errors are results, not failures. Not
 * thread-safe; see {@link AdminCall}.
 */
final class ElectLeadersCall extends AdminCall
{
    private final ElectionType electionType;
    /** Null for every partition. */
    private final Set<TopicPartition> partitions;
    private final CompletableFuture<Map<TopicPartition, Optional<Throwable>>> future;

    ElectLeadersCall(final long createdMs, final long deadlineMs, final ElectionType electionType, final Set<TopicPartition> partitions,
        final CompletableFuture<Map<TopicPartition, Optional<Throwable>>> future)
    {
        super("electLeaders", createdMs, deadlineMs);
        this.electionType = electionType;
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
        return ApiKey.ELECT_LEADERS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        if (version < 1 && electionType != ElectionType.PREFERRED)
        {
            throw new UnsupportedVersionException("The broker does not support " + electionType + " leader elections (ElectLeaders v0)");
        }
        List<ElectLeadersRequest.TopicPartitions> topics = null;
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
                topics.add(new ElectLeadersRequest.TopicPartitions(e.getKey(), e.getValue()));
            }
        }
        return new ElectLeadersRequest(electionType.value, topics, timeoutMs);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        final ElectLeadersResponse response = ElectLeadersResponse.read(body, version);
        final OspreyException topLevel = Errors.forCode(response.errorCode(), null);
        if (topLevel != null)
        {
            if (KeyedCall.RETRIED_ERRORS.contains(topLevel.errorCode()))
            {
                return topLevel;
            }
            future.completeExceptionally(topLevel);
            return null;
        }
        final Map<TopicPartition, Optional<Throwable>> results = new LinkedHashMap<>();
        for (final ElectLeadersResponse.ReplicaElectionResult t : response.replicaElectionResults())
        {
            for (final ElectLeadersResponse.PartitionResult p : t.partitionResult())
            {
                results.put(new TopicPartition(t.topic(), p.partitionId()),
                    Optional.ofNullable(Errors.forCode(p.errorCode(), p.errorMessage())));
            }
        }
        future.complete(Collections.unmodifiableMap(results));
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
