package io.osprey.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.client.Node;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * {@link Admin#describeTopics}: one Metadata request for the named topics, to any broker, with
 * automatic topic creation off. Not thread-safe; see {@link AdminCall}.
 */
final class DescribeTopicsCall extends KeyedCall<String, TopicDescription>
{
    /** The first Metadata version with allowAutoTopicCreation: before it, asking for a topic may create it. */
    static final short METADATA_VERSION_MIN = 4;

    DescribeTopicsCall(final long createdMs, final long deadlineMs, final Map<String, CompletableFuture<TopicDescription>> futures)
    {
        super("describeTopics", createdMs, deadlineMs, futures);
    }

    @Override
    CallTarget target()
    {
        return CallTarget.LEAST_LOADED;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.METADATA;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        if (version < METADATA_VERSION_MIN)
        {
            throw new UnsupportedVersionException("describeTopics needs Metadata v" + METADATA_VERSION_MIN + " or later, where it can ask "
                + "the broker not to create the topics it describes; the broker offers at most v" + version);
        }
        final List<MetadataRequest.Topic> topics = new ArrayList<>();
        for (final String name : outstandingKeys())
        {
            topics.add(new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, name));
        }
        return new MetadataRequest(topics, false, false, false);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        final MetadataResponse response = MetadataResponse.read(body, version);
        final Map<Integer, Node> nodes = MetadataViews.nodes(response);
        for (final MetadataResponse.Topic topic : response.topics())
        {
            if (topic.name() != null)
            {
                onKey(topic.name(), topic.errorCode(), message(topic), topic, t -> MetadataViews.describe(t, nodes));
            }
        }
        return endResponse("Metadata", name -> "topic '" + name + "'");
    }

    /** Metadata carries codes only; these sentences say what the common ones mean for the topic. */
    private static String message(final MetadataResponse.Topic topic)
    {
        switch (ErrorCode.forCode(topic.errorCode()))
        {
            case UNKNOWN_TOPIC_OR_PARTITION:
                return "Topic '" + topic.name() + "' does not exist.";
            case INVALID_TOPIC_EXCEPTION:
                return "'" + topic.name() + "' is not a valid topic name.";
            case LEADER_NOT_AVAILABLE:
                return "Topic '" + topic.name() + "' has no leader yet; it may still be being created.";
            default:
                return null;
        }
    }
}
