package io.osprey.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.Metadata;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.PartitionMetadata;
import io.osprey.client.ResponseHandler;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ListOffsetsResponse;

/**
 * {@code beginningOffsets}, {@code endOffsets} and {@code offsetsForTimes}: ListOffsets for a set
 * of partitions, sent to each partition's leader (one request per leader at a time) with the
 * leader epoch from the metadata. Partitions without a known leader wait for a metadata update;
 * retriable errors (leader moved, unknown topic, disconnect) are retried after
 * {@code retry.backoff.ms}, doubling; a non-retriable error fails the whole lookup. The call
 * completes when every partition has an answer.
 * <p>
 * Thread-safety: see {@link NetworkCall}; everything else runs on the network thread.
 */
final class OffsetLookup extends NetworkCall<Map<TopicPartition, ListOffsetsResponse.Partition>>
{
    private final NetworkClient client;
    private final Metadata metadata;
    private final byte isolationLevel;
    private final ExponentialBackoff backoff;
    private final Map<TopicPartition, Long> timestamps;
    private final Map<TopicPartition, ListOffsetsResponse.Partition> found = new HashMap<>();
    private final Set<Integer> nodesInFlight = new HashSet<>();

    private long retryAtMs;
    private int failures;
    private volatile String lastProblem;

    OffsetLookup(final NetworkClient client, final byte isolationLevel, final ExponentialBackoff backoff,
        final Map<TopicPartition, Long> timestamps, final long deadlineMs)
    {
        super(deadlineMs);
        this.client = client;
        this.metadata = client.metadata();
        this.isolationLevel = isolationLevel;
        this.backoff = backoff;
        this.timestamps = Map.copyOf(timestamps);
    }

    @Override
    long poll(final long nowMs)
    {
        if (timestamps.isEmpty())
        {
            complete(Map.of());
            return Long.MAX_VALUE;
        }
        if (nowMs < retryAtMs)
        {
            return retryAtMs - nowMs;
        }
        final MetadataSnapshot snapshot = metadata.snapshot();
        final Map<Integer, List<ListOffsetsSupport.Target>> byNode = new LinkedHashMap<>();
        for (final Map.Entry<TopicPartition, Long> e : timestamps.entrySet())
        {
            final TopicPartition tp = e.getKey();
            if (found.containsKey(tp))
            {
                continue;
            }
            metadata.addTopic(tp.topic());
            final Node leader = snapshot.leaderFor(tp);
            if (leader == null)
            {
                final ErrorCode topicError = snapshot.topicError(tp.topic());
                lastProblem = "no leader is known for partition " + tp + (topicError == null ? "" : " (metadata: " + topicError + ")");
                if (!metadata.updateRequested())
                {
                    metadata.requestUpdate();
                }
                continue;
            }
            if (nodesInFlight.contains(leader.id()))
            {
                continue;
            }
            final PartitionMetadata partition = snapshot.partition(tp);
            byNode.computeIfAbsent(leader.id(), id -> new ArrayList<>())
                .add(new ListOffsetsSupport.Target(tp, partition.leaderEpoch(), e.getValue()));
        }
        long waitMs = Long.MAX_VALUE;
        for (final Map.Entry<Integer, List<ListOffsetsSupport.Target>> e : byNode.entrySet())
        {
            final int node = e.getKey();
            if (client.ready(node, nowMs))
            {
                send(node, e.getValue());
            }
            else
            {
                waitMs = Math.min(waitMs, client.connectionDelayMs(node, nowMs));
            }
        }
        return waitMs;
    }

    private void send(final int node, final List<ListOffsetsSupport.Target> targets)
    {
        nodesInFlight.add(node);
        client.send(node, ApiKey.LIST_OFFSETS, ApiKey.LIST_OFFSETS.latest, v -> ListOffsetsSupport.request(isolationLevel, targets),
            client.requestTimeoutMs(), new ResponseHandler()
            {
                @Override
                public void onResponse(final short version, final ProtocolReader body)
                {
                    nodesInFlight.remove(node);
                    final ListOffsetsResponse response;
                    try
                    {
                        response = ListOffsetsResponse.read(body, version);
                    }
                    catch (final RuntimeException e)
                    {
                        onRetriable("malformed ListOffsets v" + version + " response from node " + node + ": " + e.getMessage());
                        return;
                    }
                    onListOffsets(ListOffsetsSupport.byPartition(response), targets);
                }

                @Override
                public void onFailure(final OspreyException failure)
                {
                    nodesInFlight.remove(node);
                    onRetriable("ListOffsets to node " + node + " failed: " + failure.getMessage());
                    if (!failure.retriable())
                    {
                        fail(failure);
                    }
                }
            });
    }

    private void onListOffsets(final Map<TopicPartition, ListOffsetsResponse.Partition> answers,
        final List<ListOffsetsSupport.Target> targets)
    {
        for (final ListOffsetsSupport.Target target : targets)
        {
            final ListOffsetsResponse.Partition answer = answers.get(target.partition());
            if (answer == null)
            {
                onRetriable("the ListOffsets response left out partition " + target.partition());
                continue;
            }
            final ErrorCode error = ErrorCode.forCode(answer.errorCode());
            if (error == ErrorCode.NONE)
            {
                found.put(target.partition(), answer);
            }
            else if (error.retriable)
            {
                onRetriable("ListOffsets for partition " + target.partition() + " failed with " + error);
                metadata.requestUpdate();
            }
            else
            {
                fail(Errors.forCode(error, "ListOffsets for partition " + target.partition() + " at timestamp " + target.timestamp()
                    + " failed with " + error));
                return;
            }
        }
        if (found.size() == timestamps.size())
        {
            complete(Map.copyOf(found));
        }
    }

    private void onRetriable(final String problem)
    {
        lastProblem = problem;
        retryAtMs = client.clock().nowMs() + backoff.backoffMs(failures++, ThreadLocalRandom.current());
    }

    @Override
    String lastProblem()
    {
        return lastProblem;
    }
}
