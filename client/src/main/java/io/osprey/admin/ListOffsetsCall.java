package io.osprey.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * {@link Admin#listOffsets}: Metadata for the partitions' topics to any broker, then ListOffsets
 * to each leader in turn (one request at a time, as every admin call is), with the leader epoch
 * the metadata gave. A partition whose leader moved or is unknown goes back to the Metadata step
 * after the backoff; a topic or partition that does not exist fails at once, as does any other
 * error, with a message naming the partition. Not thread-safe; see {@link AdminCall}.
 */
final class ListOffsetsCall extends AdminCall
{
    /** The first ListOffsets version that takes {@link OffsetSpec#maxTimestamp()}. */
    static final short MAX_TIMESTAMP_VERSION = 7;
    /** ListOffsets' isolation level for every offset, committed or not: what Kafka's admin asks by default. */
    static final byte READ_UNCOMMITTED = 0;

    private final Map<TopicPartition, OffsetSpec> specs;
    private final Map<TopicPartition, CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo>> outstanding;
    private final Map<TopicPartition, Integer> leaderEpochs = new HashMap<>();
    /** The partitions to ask each leader about, in turn; null when the next request is Metadata. */
    private Map<Integer, List<TopicPartition>> byLeader;
    private boolean leadersJustFound;

    ListOffsetsCall(final long createdMs, final long deadlineMs, final Map<TopicPartition, OffsetSpec> specs,
        final Map<TopicPartition, CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo>> futures)
    {
        super("listOffsets", createdMs, deadlineMs);
        this.specs = Map.copyOf(specs);
        this.outstanding = new LinkedHashMap<>(futures);
    }

    @Override
    CallTarget target()
    {
        return byLeader == null ? CallTarget.LEAST_LOADED : CallTarget.broker(byLeader.keySet().iterator().next());
    }

    @Override
    ApiKey api()
    {
        return byLeader == null ? ApiKey.METADATA : ApiKey.LIST_OFFSETS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        if (byLeader == null)
        {
            return metadataRequest(version);
        }
        final Map<String, List<ListOffsetsRequest.Partition>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : byLeader.values().iterator().next())
        {
            final long timestamp = specs.get(tp).wireTimestamp();
            if (timestamp == OffsetSpec.MAX_TIMESTAMP && version < MAX_TIMESTAMP_VERSION)
            {
                throw new UnsupportedVersionException("listOffsets with OffsetSpec.maxTimestamp() needs ListOffsets v"
                    + MAX_TIMESTAMP_VERSION + "; the broker offers at most v" + version);
            }
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new ListOffsetsRequest.Partition(tp.partition(), leaderEpochs.getOrDefault(tp, -1), timestamp));
        }
        final List<ListOffsetsRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((name, partitions) -> topics.add(new ListOffsetsRequest.Topic(name, partitions)));
        return new ListOffsetsRequest(-1, READ_UNCOMMITTED, topics);
    }

    private Message metadataRequest(final short version)
    {
        if (version < DescribeTopicsCall.METADATA_VERSION_MIN)
        {
            throw new UnsupportedVersionException("listOffsets needs Metadata v" + DescribeTopicsCall.METADATA_VERSION_MIN + " or later, "
                + "where it can ask the broker not to create topics; the broker offers at most v" + version);
        }
        final Set<String> names = new LinkedHashSet<>();
        for (final TopicPartition tp : outstanding.keySet())
        {
            names.add(tp.topic());
        }
        final List<MetadataRequest.Topic> topics = new ArrayList<>();
        for (final String name : names)
        {
            topics.add(new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, name));
        }
        return new MetadataRequest(topics, false, false, false);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        if (api == ApiKey.METADATA)
        {
            return onMetadata(MetadataResponse.read(body, version));
        }
        return onListOffsets(ListOffsetsResponse.read(body, version));
    }

    private OspreyException onMetadata(final MetadataResponse response)
    {
        final Map<String, MetadataResponse.Topic> topics = new HashMap<>();
        for (final MetadataResponse.Topic t : response.topics())
        {
            topics.put(t.name(), t);
        }
        final Map<Integer, List<TopicPartition>> leaders = new LinkedHashMap<>();
        OspreyException retry = null;
        for (final TopicPartition tp : List.copyOf(outstanding.keySet()))
        {
            final MetadataResponse.Topic topic = topics.get(tp.topic());
            final ErrorCode topicError = topic == null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.forCode(topic.errorCode());
            if (topicError == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            {
                failPartition(tp, new OspreyException(topicError, "Topic '" + tp.topic() + "' does not exist"));
                continue;
            }
            if (topicError != ErrorCode.NONE)
            {
                retry = onPartitionError(tp, topicError, "the metadata of topic '" + tp.topic() + "'", retry);
                continue;
            }
            final MetadataResponse.Partition partition = topic.partitions().stream().filter(p -> p.partitionIndex() == tp.partition())
                .findFirst().orElse(null);
            if (partition == null)
            {
                failPartition(tp, new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist (topic '"
                    + tp.topic() + "' has " + topic.partitions().size() + " partitions)"));
            }
            else if (partition.leaderId() < 0)
            {
                retry = Errors.forCode(ErrorCode.LEADER_NOT_AVAILABLE, "Partition " + tp + " has no leader");
            }
            else
            {
                leaderEpochs.put(tp, partition.leaderEpoch());
                leaders.computeIfAbsent(partition.leaderId(), id -> new ArrayList<>()).add(tp);
            }
        }
        if (outstanding.isEmpty())
        {
            return null;
        }
        if (leaders.isEmpty())
        {
            return retry;
        }
        // Partitions without a leader yet stay outstanding; the Metadata step runs again once the leaders found are done.
        byLeader = leaders;
        leadersJustFound = true;
        return null;
    }

    private OspreyException onListOffsets(final ListOffsetsResponse response)
    {
        final Iterator<List<TopicPartition>> first = byLeader.values().iterator();
        final List<TopicPartition> asked = first.next();
        first.remove();
        final Map<TopicPartition, ListOffsetsResponse.Partition> answers = new HashMap<>();
        for (final ListOffsetsResponse.Topic t : response.topics())
        {
            for (final ListOffsetsResponse.Partition p : t.partitions())
            {
                answers.put(new TopicPartition(t.name(), p.partitionIndex()), p);
            }
        }
        OspreyException retry = null;
        for (final TopicPartition tp : asked)
        {
            final ListOffsetsResponse.Partition answer = answers.get(tp);
            if (answer == null)
            {
                failPartition(tp, new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "The broker's ListOffsets response did not mention "
                    + "partition " + tp));
                continue;
            }
            final ErrorCode error = ErrorCode.forCode(answer.errorCode());
            if (error == ErrorCode.NONE)
            {
                final CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo> future = outstanding.remove(tp);
                if (future != null)
                {
                    future.complete(new ListOffsetsResult.ListOffsetsResultInfo(answer.offset(), answer.timestamp(),
                        answer.leaderEpoch() < 0 ? Optional.empty() : Optional.of(answer.leaderEpoch())));
                }
            }
            else
            {
                retry = onPartitionError(tp, error, "ListOffsets (" + specs.get(tp) + ")", retry);
            }
        }
        if (outstanding.isEmpty())
        {
            return null;
        }
        if (retry == null && !byLeader.isEmpty())
        {
            leadersJustFound = true;
            return null;
        }
        // A leader moved, or partitions had no leader at the Metadata step: look the leaders up again after the backoff.
        byLeader = null;
        return retry != null ? retry : Errors.forCode(ErrorCode.LEADER_NOT_AVAILABLE, "Partitions " + outstanding.keySet()
            + " had no leader");
    }

    /** Keeps the partition for another attempt if the error is one a fresh leader lookup may cure; fails it otherwise. */
    private OspreyException onPartitionError(final TopicPartition tp, final ErrorCode error, final String what,
        final OspreyException retry)
    {
        final String message = what + " for partition " + tp + " failed with " + error + " (error code " + error.code + ")";
        if (error.retriable && error != ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        {
            return Errors.forCode(error, message);
        }
        failPartition(tp, Errors.forCode(error, message));
        return retry;
    }

    private void failPartition(final TopicPartition tp, final OspreyException error)
    {
        final CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo> future = outstanding.remove(tp);
        if (future != null)
        {
            future.completeExceptionally(error);
        }
    }

    @Override
    boolean takeNextStep()
    {
        final boolean next = leadersJustFound;
        leadersJustFound = false;
        return next;
    }

    /** The leader may be gone: look the leaders up again. */
    @Override
    void onRetriableFailure(final OspreyException failure)
    {
        byLeader = null;
    }

    @Override
    void fail(final Throwable error)
    {
        for (final CompletableFuture<ListOffsetsResult.ListOffsetsResultInfo> future : outstanding.values())
        {
            future.completeExceptionally(error);
        }
        outstanding.clear();
    }

    @Override
    boolean isDone()
    {
        return outstanding.isEmpty();
    }
}
