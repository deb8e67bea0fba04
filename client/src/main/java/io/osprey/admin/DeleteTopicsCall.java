package io.osprey.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.DeleteTopicsRequest;
import io.osprey.protocol.message.DeleteTopicsResponse;

/** {@link Admin#deleteTopics}: one DeleteTopics request to the controller, by name. Not thread-safe; see {@link AdminCall}. */
final class DeleteTopicsCall extends KeyedCall<String, Void>
{
    DeleteTopicsCall(final long createdMs, final long deadlineMs, final Map<String, CompletableFuture<Void>> futures)
    {
        super("deleteTopics", createdMs, deadlineMs, futures);
    }

    @Override
    CallTarget target()
    {
        return CallTarget.CONTROLLER;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.DELETE_TOPICS;
    }

    /** Names go in {@code topics} from v6 (which can also name by id) and in {@code topicNames} before. */
    @Override
    Message request(final short version, final int timeoutMs)
    {
        final List<String> names = List.copyOf(outstandingKeys());
        if (version < 6)
        {
            return new DeleteTopicsRequest(List.of(), names, timeoutMs);
        }
        final List<DeleteTopicsRequest.DeleteTopicState> topics = new ArrayList<>(names.size());
        for (final String name : names)
        {
            topics.add(new DeleteTopicsRequest.DeleteTopicState(name, DeleteTopicsRequest.NO_TOPIC_ID));
        }
        return new DeleteTopicsRequest(topics, List.of(), timeoutMs);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        for (final DeleteTopicsResponse.DeletableTopicResult result : DeleteTopicsResponse.read(body, version).responses())
        {
            if (result.name() != null)
            {
                onKey(result.name(), result.errorCode(), result.errorMessage(), result, r -> null);
            }
        }
        return endResponse("DeleteTopics", name -> "topic '" + name + "'");
    }
}
