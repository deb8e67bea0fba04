package io.osprey.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
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
import io.osprey.common.errors.DisconnectException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.Records;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;
import io.osprey.record.CorruptRecordException;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchIterator;

/**
 * Fetches ahead of the application: keeps one Fetch in flight per leader for the assigned,
 * non-paused partitions that have a fetch offset and less than {@code max.partition.fetch.bytes}
 * buffered (and while less than {@code fetch.max.bytes} is buffered in total), and hands what
 * comes back to the application through the {@link FetchQueue}.
 *
 * <h2>Protocol</h2>
 * Full fetches only: session id 0 and epoch -1 (FINAL_EPOCH, "no session"), so a broker that
 * declines sessions, as Osprey's does, is never asked for one. Each partition carries the leader
 * epoch from the metadata, so a fetch that reaches a deposed or not-yet-current leader is fenced
 * (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH) instead of served. The request's timeout is
 * {@code request.timeout.ms} plus {@code fetch.max.wait.ms}, since the broker may legitimately
 * hold it that long. Partitions are rotated between requests so that, when {@code fetch.max.bytes}
 * runs out part way, the same partitions are not always the ones cut short.
 *
 * <h2>Responses</h2>
 * The records of a partition are scanned batch header by batch header (no decompression) to find
 * where the whole batches end; a partial trailing batch is cut off, and the next fetch starts at
 * the last whole batch's next offset, which is where the application's position will be once it
 * has read them. A response with only a partial batch makes no progress and is simply fetched
 * again. Errors: OFFSET_OUT_OF_RANGE resets by {@code auto.offset.reset} (or, for {@code none},
 * is handed to the application); leadership errors (NOT_LEADER_OR_FOLLOWER,
 * UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH...) request a metadata
 * update and retry after the backoff; other retriable errors retry after the backoff; the rest are
 * handed to the application and the partition waits for a seek. A response for a generation that
 * is no longer the partition's is dropped.
 * <p>
 * Not thread-safe: owned by the consumer's network thread, like the {@link NetworkClient}.
 */
final class Fetcher
{
    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);

    /** What one fetch asked of one partition, to recognise a stale answer. */
    private record Sent(PartitionFetchState state, long generation, long fetchOffset)
    {
        boolean isCurrent()
        {
            return state.generation == generation && state.status == PartitionFetchState.Status.FETCHING
                && state.fetchOffset == fetchOffset;
        }
    }

    private final NetworkClient client;
    private final Metadata metadata;
    private final FetchStates states;
    private final FetchQueue queue;
    private final FetchSettings settings;
    private final ExponentialBackoff retryBackoff;
    private final Random random;
    private final Set<Integer> nodesInFlight = new HashSet<>();
    private final RecordBatchIterator batches = new RecordBatchIterator();
    private int rotation;

    Fetcher(final NetworkClient client, final FetchStates states, final FetchQueue queue, final FetchSettings settings,
        final ExponentialBackoff retryBackoff, final Random random)
    {
        this.client = client;
        this.metadata = client.metadata();
        this.states = states;
        this.queue = queue;
        this.settings = settings;
        this.retryBackoff = retryBackoff;
        this.random = random;
    }

    /**
     * Sends a fetch to each leader that has fetchable partitions and no fetch in flight.
     *
     * @return how long until a partition's backoff or a connection's reconnect backoff ends;
     *         {@link Long#MAX_VALUE} when only a response, a release or a command can create work
     */
    long sendFetches(final long nowMs)
    {
        if (queue.isBackedUp() || states.bufferedBytes() >= settings.totalBufferThreshold() || states.size() == 0)
        {
            return Long.MAX_VALUE;
        }
        long waitMs = Long.MAX_VALUE;
        final MetadataSnapshot snapshot = metadata.snapshot();
        final Map<Integer, List<PartitionFetchState>> byNode = new LinkedHashMap<>();
        final List<PartitionFetchState> all = new ArrayList<>(states.all());
        final int start = Math.floorMod(rotation, all.size());
        for (int i = 0; i < all.size(); i++)
        {
            final PartitionFetchState state = all.get((start + i) % all.size());
            if (state.status != PartitionFetchState.Status.FETCHING || state.paused || state.inFlight
                || state.bufferedBytes >= settings.partitionBufferThreshold())
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
                LOG.debug("No leader known for partition {}; requesting a metadata update", state.partition);
                maybeRequestMetadataUpdate();
                continue;
            }
            if (!nodesInFlight.contains(leader.id()))
            {
                byNode.computeIfAbsent(leader.id(), id -> new ArrayList<>()).add(state);
            }
        }
        for (final Map.Entry<Integer, List<PartitionFetchState>> e : byNode.entrySet())
        {
            final int node = e.getKey();
            if (client.ready(node, nowMs))
            {
                send(node, e.getValue(), snapshot);
                // Round robin: the broker fills a response in request order and always returns the
                // first partition's first batch whole, so each partition in turn gets to be first.
                rotation++;
            }
            else
            {
                waitMs = Math.min(waitMs, client.connectionDelayMs(node, nowMs));
            }
        }
        return waitMs;
    }

    private void send(final int node, final List<PartitionFetchState> partitions, final MetadataSnapshot snapshot)
    {
        final Map<TopicPartition, Sent> sent = new HashMap<>();
        final Map<String, List<FetchRequest.FetchPartition>> byTopic = new LinkedHashMap<>();
        for (final PartitionFetchState state : partitions)
        {
            final PartitionMetadata pm = snapshot.partition(state.partition);
            byTopic.computeIfAbsent(state.partition.topic(), t -> new ArrayList<>()).add(new FetchRequest.FetchPartition(
                state.partition.partition(), pm == null ? -1 : pm.leaderEpoch(), state.fetchOffset, -1, -1L, settings.partitionMaxBytes()));
            sent.put(state.partition, new Sent(state, state.generation, state.fetchOffset));
            state.inFlight = true;
        }
        final List<FetchRequest.FetchTopic> topics = new ArrayList<>(byTopic.size());
        for (final Map.Entry<String, List<FetchRequest.FetchPartition>> e : byTopic.entrySet())
        {
            topics.add(new FetchRequest.FetchTopic(e.getKey(), e.getValue()));
        }
        final FetchRequest request = new FetchRequest(null, -1, settings.maxWaitMs(), settings.minBytes(), settings.maxBytes(),
            settings.isolationLevel(), 0, -1, topics, List.of(), settings.rackId());
        nodesInFlight.add(node);
        LOG.trace("Fetching {} from node {}", sent.keySet(), node);
        client.send(node, ApiKey.FETCH, ApiKey.FETCH.latest, v -> request, client.requestTimeoutMs() + settings.maxWaitMs(),
            new ResponseHandler()
            {
                @Override
                public void onResponse(final short version, final ProtocolReader body)
                {
                    onFetchResponse(node, sent, version, body);
                }

                @Override
                public void onFailure(final OspreyException failure)
                {
                    onFetchFailed(node, sent, failure);
                }
            });
    }

    private void onFetchResponse(final int node, final Map<TopicPartition, Sent> sent, final short version, final ProtocolReader body)
    {
        nodesInFlight.remove(node);
        clearInFlight(sent);
        final FetchResponse response;
        try
        {
            response = FetchResponse.read(body, version);
        }
        catch (final RuntimeException e)
        {
            onFetchFailed(node, sent, new OspreyException(ErrorCode.CORRUPT_MESSAGE,
                "Malformed Fetch v" + version + " response from node " + node + ": " + e.getMessage(), e));
            return;
        }
        final long nowMs = client.clock().nowMs();
        final ErrorCode topLevel = ErrorCode.forCode(response.errorCode());
        if (topLevel != ErrorCode.NONE)
        {
            // Only session errors live here, and no session was asked for: back off and fetch in full again.
            LOG.warn("Fetch from node {} failed with {}; retrying", node, topLevel);
            for (final Sent s : sent.values())
            {
                if (s.isCurrent())
                {
                    s.state.onRetriableError(nowMs, backoffMs(s.state));
                }
            }
            return;
        }
        for (final FetchResponse.TopicResponse topic : response.responses())
        {
            for (final FetchResponse.PartitionData data : topic.partitions())
            {
                final Sent s = sent.get(new TopicPartition(topic.topic(), data.partitionIndex()));
                if (s != null && s.isCurrent() && states.get(s.state.partition) == s.state)
                {
                    onPartitionData(s.state, data, nowMs);
                }
            }
        }
    }

    /** One partition's answer to a fetch sent for its current generation and offset. */
    void onPartitionData(final PartitionFetchState state, final FetchResponse.PartitionData data, final long nowMs)
    {
        final ErrorCode error = ErrorCode.forCode(data.errorCode());
        switch (error)
        {
            case NONE:
                onRecords(state, data.records(), nowMs);
                break;
            case OFFSET_OUT_OF_RANGE:
                onOffsetOutOfRange(state, data);
                break;
            case NOT_LEADER_OR_FOLLOWER:
            case UNKNOWN_TOPIC_OR_PARTITION:
            case FENCED_LEADER_EPOCH:
            case UNKNOWN_LEADER_EPOCH:
            case LEADER_NOT_AVAILABLE:
            case REPLICA_NOT_AVAILABLE:
            case KAFKA_STORAGE_ERROR:
            case UNKNOWN_TOPIC_ID:
            case INCONSISTENT_TOPIC_ID:
            case OFFSET_NOT_AVAILABLE:
                LOG.debug("Fetch of partition {} at offset {} failed with {}; refreshing metadata and retrying", state.partition,
                    state.fetchOffset, error);
                metadata.requestUpdate();
                state.onRetriableError(nowMs, backoffMs(state));
                break;
            default:
                if (error.retriable)
                {
                    LOG.debug("Fetch of partition {} at offset {} failed with {}; retrying", state.partition, state.fetchOffset, error);
                    state.onRetriableError(nowMs, backoffMs(state));
                }
                else
                {
                    failPartition(state, error, "Fetch of partition " + state.partition + " at offset " + state.fetchOffset
                        + " failed with " + error + " (error code " + error.code + ")");
                }
                break;
        }
    }

    private void onOffsetOutOfRange(final PartitionFetchState state, final FetchResponse.PartitionData data)
    {
        final String range = data.logStartOffset() >= 0 && data.highWatermark() >= 0
            ? " (the log holds offsets " + data.logStartOffset() + " to " + data.highWatermark() + ")" : "";
        if (settings.defaultReset() == OffsetResetStrategy.NONE)
        {
            failPartition(state, ErrorCode.OFFSET_OUT_OF_RANGE, "Fetch position " + state.fetchOffset + " is out of range for partition "
                + state.partition + range + " and auto.offset.reset is none: seek to a valid offset");
            return;
        }
        LOG.info("Fetch position {} is out of range for partition {}{}, resetting offset to {}", state.fetchOffset, state.partition,
            range, settings.defaultReset().configName());
        state.transitionToAwaitingReset(settings.defaultReset());
    }

    /** Hands the whole batches of a successful answer to the application and moves the fetch offset past them. */
    private void onRecords(final PartitionFetchState state, final Records records, final long nowMs)
    {
        if (records == null || records.sizeInBytes() == 0)
        {
            return;
        }
        if (!(records instanceof MemoryRecords memory))
        {
            throw new IllegalStateException("A decoded fetch response holds " + records.getClass().getName() + ", not MemoryRecords");
        }
        final ByteBuffer buffer = memory.buffer();
        final int start = buffer.position();
        long nextOffset = -1;
        CorruptRecordException corrupt = null;
        batches.wrap(buffer);
        try
        {
            while (batches.hasNext())
            {
                final RecordBatch batch = batches.next();
                nextOffset = Math.max(nextOffset, batch.nextOffset());
            }
        }
        catch (final CorruptRecordException e)
        {
            corrupt = e;
        }
        final int length = batches.position() - start;
        if (length > 0 && nextOffset <= state.fetchOffset)
        {
            // Batches wholly below the offset asked for: taking them would fetch the same range forever.
            LOG.warn("Fetch of partition {} at offset {} returned only batches ending before it (next offset {}); retrying",
                state.partition, state.fetchOffset, nextOffset);
            state.onRetriableError(nowMs, backoffMs(state));
            return;
        }
        if (length > 0)
        {
            queue.deliver(CompletedFetch.records(state.partition, state.generation, state.fetchOffset, buffer.slice(start, length)));
            states.onDelivered(state, length);
            state.fetchOffset = nextOffset;
            state.failures = 0;
        }
        if (corrupt != null)
        {
            failPartition(state, ErrorCode.CORRUPT_MESSAGE, "Fetch response for partition " + state.partition + " has a corrupt batch at "
                + "offset " + state.fetchOffset + ": " + corrupt.getMessage() + ". Seek past it to continue.");
        }
    }

    private void onFetchFailed(final int node, final Map<TopicPartition, Sent> sent, final OspreyException failure)
    {
        nodesInFlight.remove(node);
        clearInFlight(sent);
        final long nowMs = client.clock().nowMs();
        if (failure instanceof DisconnectException)
        {
            // The leader may have gone: find out where the partitions live now.
            maybeRequestMetadataUpdate();
        }
        LOG.debug("Fetch from node {} failed: {}", node, failure.getMessage());
        for (final Sent s : sent.values())
        {
            if (!s.isCurrent())
            {
                continue;
            }
            if (failure.retriable())
            {
                s.state.onRetriableError(nowMs, backoffMs(s.state));
            }
            else
            {
                failPartition(s.state, failure.errorCode(), "Fetch of partition " + s.state.partition + " from node " + node
                    + " failed: " + failure.getMessage());
            }
        }
    }

    private void failPartition(final PartitionFetchState state, final ErrorCode error, final String message)
    {
        queue.deliver(CompletedFetch.error(state.partition, state.generation, state.fetchOffset, error, message));
        state.transitionToFailed();
    }

    private static void clearInFlight(final Map<TopicPartition, Sent> sent)
    {
        for (final Sent s : sent.values())
        {
            s.state.inFlight = false;
        }
    }

    private long backoffMs(final PartitionFetchState state)
    {
        return retryBackoff.backoffMs(state.failures, random);
    }

    private void maybeRequestMetadataUpdate()
    {
        if (!metadata.updateRequested())
        {
            metadata.requestUpdate();
        }
    }
}
