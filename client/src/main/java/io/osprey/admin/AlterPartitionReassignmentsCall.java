package io.osprey.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.AlterPartitionReassignmentsRequest;
import io.osprey.protocol.message.AlterPartitionReassignmentsResponse;

/**
 * {@link Admin#alterPartitionReassignments}: one AlterPartitionReassignments request to the
 * controller for the partitions still outstanding; an empty target in the map (no
 * {@link NewPartitionReassignment}) cancels. A top-level error fails every partition
 * (NOT_CONTROLLER is retried). Not thread-safe; see {@link AdminCall}.
 */
final class AlterPartitionReassignmentsCall extends KeyedCall<TopicPartition, Void>
{
    private final Map<TopicPartition, Optional<NewPartitionReassignment>> targets;
    private final boolean allowReplicationFactorChange;

    AlterPartitionReassignmentsCall(final long createdMs, final long deadlineMs,
        final Map<TopicPartition, Optional<NewPartitionReassignment>> targets, final Map<TopicPartition, CompletableFuture<Void>> futures,
        final boolean allowReplicationFactorChange)
    {
        super("alterPartitionReassignments", createdMs, deadlineMs, futures);
        this.targets = targets;
        this.allowReplicationFactorChange = allowReplicationFactorChange;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.CONTROLLER;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        if (version < 1 && !allowReplicationFactorChange)
        {
            throw new UnsupportedVersionException(
                "The broker cannot refuse replication factor changes (AlterPartitionReassignments v0)");
        }
        final Map<String, List<AlterPartitionReassignmentsRequest.ReassignablePartition>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : outstandingKeys())
        {
            final Optional<NewPartitionReassignment> target = targets.get(tp);
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new AlterPartitionReassignmentsRequest.ReassignablePartition(
                tp.partition(), target.map(NewPartitionReassignment::targetReplicas).orElse(null)));
        }
        final List<AlterPartitionReassignmentsRequest.ReassignableTopic> topics = new ArrayList<>();
        byTopic.forEach((name, partitions) -> topics.add(new AlterPartitionReassignmentsRequest.ReassignableTopic(name, partitions)));
        return new AlterPartitionReassignmentsRequest(timeoutMs, allowReplicationFactorChange, topics);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        final AlterPartitionReassignmentsResponse response = AlterPartitionReassignmentsResponse.read(body, version);
        final OspreyException topLevel = Errors.forCode(response.errorCode(), response.errorMessage());
        if (topLevel != null)
        {
            if (RETRIED_ERRORS.contains(topLevel.errorCode()))
            {
                return topLevel;
            }
            fail(topLevel);
            return null;
        }
        for (final AlterPartitionReassignmentsResponse.ReassignableTopicResponse t : response.responses())
        {
            for (final AlterPartitionReassignmentsResponse.ReassignablePartitionResponse p : t.partitions())
            {
                onKey(new TopicPartition(t.name(), p.partitionIndex()), p.errorCode(), p.errorMessage(), p, r -> null);
            }
        }
        return endResponse("AlterPartitionReassignments", tp -> "partition " + tp);
    }
}
