package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;

/**
 * {@link Admin#createTopics}: one CreateTopics request to the controller for the topics not yet
 * answered. Not thread-safe; see {@link AdminCall}.
 */
final class CreateTopicsCall extends KeyedCall<String, CreateTopicsResult.TopicMetadataAndConfig>
{
    private final Map<String, NewTopic> topics;
    private final boolean validateOnly;

    CreateTopicsCall(final long createdMs, final long deadlineMs, final Map<String, NewTopic> topics,
        final Map<String, CompletableFuture<CreateTopicsResult.TopicMetadataAndConfig>> futures, final boolean validateOnly)
    {
        super("createTopics", createdMs, deadlineMs, futures);
        this.topics = topics;
        this.validateOnly = validateOnly;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.CONTROLLER;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.CREATE_TOPICS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        final List<NewTopic> remaining = new ArrayList<>();
        for (final String name : outstandingKeys())
        {
            remaining.add(topics.get(name));
        }
        return request(remaining, timeoutMs, validateOnly);
    }

    /** The request for {@code topics}: -1 for a count left to the broker, as the protocol has it. */
    static CreateTopicsRequest request(final Collection<NewTopic> topics, final int timeoutMs, final boolean validateOnly)
    {
        final List<CreateTopicsRequest.CreatableTopic> creatable = new ArrayList<>(topics.size());
        for (final NewTopic t : topics)
        {
            final List<CreateTopicsRequest.CreatableReplicaAssignment> assignments = new ArrayList<>();
            t.replicasAssignments().forEach((partition, brokers) ->
                assignments.add(new CreateTopicsRequest.CreatableReplicaAssignment(partition, brokers)));
            final List<CreateTopicsRequest.CreatableTopicConfig> configs = new ArrayList<>();
            t.configs().forEach((name, value) -> configs.add(new CreateTopicsRequest.CreatableTopicConfig(name, value)));
            creatable.add(new CreateTopicsRequest.CreatableTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments, configs));
        }
        return new CreateTopicsRequest(creatable, timeoutMs, validateOnly);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        for (final CreateTopicsResponse.CreatableTopicResult result : CreateTopicsResponse.read(body, version).topics())
        {
            onKey(result.name(), result.errorCode(), result.errorMessage(), result, CreateTopicsCall::created);
        }
        return endResponse("CreateTopics", name -> "topic '" + name + "'");
    }

    /** What the broker said of a created topic; no config when it could not describe them (topicConfigErrorCode). */
    static CreateTopicsResult.TopicMetadataAndConfig created(final CreateTopicsResponse.CreatableTopicResult result)
    {
        Config config = null;
        if (result.configs() != null && result.topicConfigErrorCode() == 0 && !result.configs().isEmpty())
        {
            final List<ConfigEntry> entries = new ArrayList<>(result.configs().size());
            for (final CreateTopicsResponse.CreatableTopicConfigs c : result.configs())
            {
                entries.add(new ConfigEntry(c.name(), c.value(), ConfigEntry.ConfigSource.forId(c.configSource()), c.isSensitive(),
                    c.readOnly(), ConfigEntry.ConfigType.UNKNOWN, null));
            }
            config = new Config(entries);
        }
        return new CreateTopicsResult.TopicMetadataAndConfig(result.topicId(), result.numPartitions(), result.replicationFactor(), config);
    }
}
