package io.osprey.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * An admin call answered by each partition's leader (ListOffsets, DeleteRecords): Metadata for
 * the partitions' topics to any broker, then one request to each leader in turn (one request
 * at a time, as every admin call is), with the leader epoch the metadata gave. A partition
 * whose leader moved or is unknown goes back to the Metadata step after the backoff; a topic or
 * partition that does not exist fails at once, as does any other error, with a message naming
 * the partition. Not thread-safe; see {@link AdminCall}.
 *
 * @param <V> what each partition's future completes with
 */
abstract class PartitionLeaderCall<V> extends AdminCall
{
    /** One partition's answer from its leader: an error, or NONE and the value. */
    record Answer<V>(ErrorCode error, V value)
    {
    }

    private final Map<TopicPartition, CompletableFuture<V>> outstanding;
    private final Map<TopicPartition, Integer> leaderEpochs = new HashMap<>();
    /** The partitions to ask each leader about, in turn; null when the next request is Metadata. */
    private Map<Integer, List<TopicPartition>> byLeader;
    private boolean leadersJustFound;

    PartitionLeaderCall(final String name, final long createdMs, final long deadlineMs, final Map<TopicPartition, CompletableFuture<V>> futures)
    {
        super(name, createdMs, deadlineMs);
        this.outstanding = new LinkedHashMap<>(futures);
    }

    /** The API each leader is asked with. */
    abstract ApiKey leaderApi();

    /** The request to one leader for {@code partitions}. */
    abstract Message leaderRequest(short version, int timeoutMs, List<TopicPartition> partitions);

    /** Reads a leader's response: the answer for each partition it mentions. */
    abstract Map<TopicPartition, Answer<V>> readAnswers(ProtocolReader body, short version);

    /** What was asked of {@code tp}, for error messages ("ListOffsets (latest)"). */
    abstract String asked(TopicPartition tp);

    /** The leader epoch the metadata gave for {@code tp}, or -1. */
    final int leaderEpoch(final TopicPartition tp)
    {
        return leaderEpochs.getOrDefault(tp, -1);
    }

    @Override
    final CallTarget target()
    {
        return byLeader == null ? CallTarget.LEAST_LOADED : CallTarget.broker(byLeader.keySet().iterator().next());
    }

    @Override
    final ApiKey api()
    {
        return byLeader == null ? ApiKey.METADATA : leaderApi();
    }

    @Override
    final Message request(final short version, final int timeoutMs)
    {
        if (byLeader == null)
        {
            return metadataRequest(version);
        }
        return leaderRequest(version, timeoutMs, byLeader.values().iterator().next());
    }

    private Message metadataRequest(final short version)
    {
        if (version < DescribeTopicsCall.METADATA_VERSION_MIN)
        {
            throw new UnsupportedVersionException(name() + " needs Metadata v" + DescribeTopicsCall.METADATA_VERSION_MIN + " or later, "
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
    final OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        if (api == ApiKey.METADATA)
        {
            return onMetadata(MetadataResponse.read(body, version));
        }
        return onLeaderResponse(readAnswers(body, version));
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

    private OspreyException onLeaderResponse(final Map<TopicPartition, Answer<V>> answers)
    {
        final Iterator<List<TopicPartition>> first = byLeader.values().iterator();
        final List<TopicPartition> asked = first.next();
        first.remove();
        OspreyException retry = null;
        for (final TopicPartition tp : asked)
        {
            final Answer<V> answer = answers.get(tp);
            if (answer == null)
            {
                failPartition(tp, new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "The broker's " + wireName(leaderApi())
                    + " response did not mention partition " + tp));
                continue;
            }
            if (answer.error() == ErrorCode.NONE)
            {
                final CompletableFuture<V> future = outstanding.remove(tp);
                if (future != null)
                {
                    future.complete(answer.value());
                }
            }
            else
            {
                retry = onPartitionError(tp, answer.error(), asked(tp), retry);
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

    /** Kafka's name of an API: LIST_OFFSETS is ListOffsets. */
    static String wireName(final ApiKey api)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String word : api.name().split("_"))
        {
            sb.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
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
        final CompletableFuture<V> future = outstanding.remove(tp);
        if (future != null)
        {
            future.completeExceptionally(error);
        }
    }

    @Override
    final boolean takeNextStep()
    {
        final boolean next = leadersJustFound;
        leadersJustFound = false;
        return next;
    }

    /** The leader may be gone: look the leaders up again. */
    @Override
    final void onRetriableFailure(final OspreyException failure)
    {
        byLeader = null;
    }

    @Override
    final void fail(final Throwable error)
    {
        failAll(outstanding, error);
    }

    @Override
    final boolean isDone()
    {
        return outstanding.isEmpty();
    }
}
