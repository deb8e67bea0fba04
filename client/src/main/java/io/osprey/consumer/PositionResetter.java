package io.osprey.consumer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ListOffsetsResponse;

/**
 * Finds positions for partitions awaiting a reset ({@code auto.offset.reset}, a seek to the
 * beginning or end, an out-of-range position): one ListOffsets per leader at a time, asking for
 * the earliest (-2) or latest (-1) offset with the leader epoch from the metadata. The offset
 * found becomes the partition's fetch offset and is handed to the application as a POSITION
 * event, ahead of any data fetched from it. Retriable errors refresh metadata and retry after
 * {@code retry.backoff.ms}, doubling; any other error is handed to the application.
 * <p>
 * Not thread-safe: owned by the consumer's network thread.
 */
final class PositionResetter
{
    private static final Logger LOG = LoggerFactory.getLogger(PositionResetter.class);

    /** What one lookup asked for one partition. */
    private record Sent(PartitionFetchState state, long generation, OffsetResetStrategy strategy)
    {
        boolean isCurrent()
        {
            return state.generation == generation && state.status == PartitionFetchState.Status.RESETTING;
        }
    }

    private final NetworkClient client;
    private final Metadata metadata;
    private final FetchStates states;
    private final FetchQueue queue;
    private final byte isolationLevel;
    private final ExponentialBackoff retryBackoff;
    private final Random random;
    private final Set<Integer> nodesInFlight = new HashSet<>();

    PositionResetter(final NetworkClient client, final FetchStates states, final FetchQueue queue, final byte isolationLevel,
        final ExponentialBackoff retryBackoff, final Random random)
    {
        this.client = client;
        this.metadata = client.metadata();
        this.states = states;
        this.queue = queue;
        this.isolationLevel = isolationLevel;
        this.retryBackoff = retryBackoff;
        this.random = random;
    }

    /**
     * Sends the lookups that are due.
     *
     * @return how long until a backoff ends; {@link Long#MAX_VALUE} when only events can create work
     */
    long sendResets(final long nowMs)
    {
        long waitMs = Long.MAX_VALUE;
        final MetadataSnapshot snapshot = metadata.snapshot();
        final Map<Integer, List<PartitionFetchState>> byNode = new LinkedHashMap<>();
        for (final PartitionFetchState state : states.all())
        {
            if (state.status != PartitionFetchState.Status.AWAITING_RESET)
            {
                continue;
            }
            if (nowMs < state.retryAtMs)
            {
                waitMs = Math.min(waitMs, state.retryAtMs - nowMs);
                continue;
            }
            final Node leader = snapshot.leaderFor(state.partition);
            if (leader == null)
            {
                if (!metadata.updateRequested())
                {
                    metadata.requestUpdate();
                }
                continue;
            }
            if (!nodesInFlight.contains(leader.id()))
            {
                byNode.computeIfAbsent(leader.id(), id -> new ArrayList<>()).add(state);
            }
        }
        for (final Map.Entry<Integer, List<PartitionFetchState>> e : byNode.entrySet())
        {
            if (client.ready(e.getKey(), nowMs))
            {
                send(e.getKey(), e.getValue(), snapshot);
            }
            else
            {
                waitMs = Math.min(waitMs, client.connectionDelayMs(e.getKey(), nowMs));
            }
        }
        return waitMs;
    }

    private void send(final int node, final List<PartitionFetchState> partitions, final MetadataSnapshot snapshot)
    {
        final List<Sent> sent = new ArrayList<>(partitions.size());
        final List<ListOffsetsSupport.Target> targets = new ArrayList<>(partitions.size());
        for (final PartitionFetchState state : partitions)
        {
            final PartitionMetadata pm = snapshot.partition(state.partition);
            targets.add(new ListOffsetsSupport.Target(state.partition, pm == null ? -1 : pm.leaderEpoch(),
                state.reset.listOffsetsTimestamp));
            sent.add(new Sent(state, state.generation, state.reset));
            state.status = PartitionFetchState.Status.RESETTING;
        }
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
                        onFailed(sent, "malformed ListOffsets v" + version + " response from node " + node + ": " + e.getMessage(),
                            ErrorCode.CORRUPT_MESSAGE);
                        return;
                    }
                    onListOffsets(sent, ListOffsetsSupport.byPartition(response));
                }

                @Override
                public void onFailure(final OspreyException failure)
                {
                    nodesInFlight.remove(node);
                    onFailed(sent, "ListOffsets to node " + node + " failed: " + failure.getMessage(), failure.errorCode());
                }
            });
    }

    private void onListOffsets(final List<Sent> sent, final Map<TopicPartition, ListOffsetsResponse.Partition> answers)
    {
        final long nowMs = client.clock().nowMs();
        for (final Sent s : sent)
        {
            if (!s.isCurrent() || states.get(s.state.partition) != s.state)
            {
                continue;
            }
            final PartitionFetchState state = s.state;
            final ListOffsetsResponse.Partition answer = answers.get(state.partition);
            final ErrorCode error = answer == null ? ErrorCode.UNKNOWN_SERVER_ERROR : ErrorCode.forCode(answer.errorCode());
            if (answer == null || (error == ErrorCode.NONE && answer.offset() < 0))
            {
                retry(state, nowMs, answer == null ? "the response left it out" : "the broker found no offset");
            }
            else if (error == ErrorCode.NONE)
            {
                LOG.debug("Reset of partition {} to {} found offset {}", state.partition, s.strategy.configName(), answer.offset());
                state.transitionToFetching(answer.offset());
                queue.deliver(CompletedFetch.position(state.partition, state.generation, answer.offset()));
            }
            else if (error.retriable)
            {
                metadata.requestUpdate();
                retry(state, nowMs, error.toString());
            }
            else
            {
                final String message = "Cannot reset the position of partition " + state.partition + " to "
                    + s.strategy.configName() + ": ListOffsets failed with " + error + " (error code " + error.code + ")";
                queue.deliver(CompletedFetch.error(state.partition, state.generation, -1, error, message));
                state.transitionToFailed();
            }
        }
    }

    private void onFailed(final List<Sent> sent, final String reason, final ErrorCode error)
    {
        final long nowMs = client.clock().nowMs();
        for (final Sent s : sent)
        {
            if (!s.isCurrent())
            {
                continue;
            }
            if (error.retriable)
            {
                retry(s.state, nowMs, reason);
            }
            else
            {
                queue.deliver(CompletedFetch.error(s.state.partition, s.state.generation, -1, error,
                    "Cannot reset the position of partition " + s.state.partition + ": " + reason));
                s.state.transitionToFailed();
            }
        }
    }

    private void retry(final PartitionFetchState state, final long nowMs, final String reason)
    {
        final long backoffMs = retryBackoff.backoffMs(state.failures, random);
        LOG.debug("Reset of partition {} failed ({}); retrying in {} ms", state.partition, reason, backoffMs);
        state.status = PartitionFetchState.Status.AWAITING_RESET;
        state.onRetriableError(nowMs, backoffMs);
    }
}
