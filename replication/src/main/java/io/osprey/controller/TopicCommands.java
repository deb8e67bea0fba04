package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.controller.Command.AlterConfigs;
import io.osprey.controller.Command.CreatePartitions;
import io.osprey.controller.Command.CreateTopics;
import io.osprey.controller.Command.DeleteTopics;
import io.osprey.controller.Command.NewTopic;
import io.osprey.controller.MetadataRecord.ConfigChanged;
import io.osprey.controller.MetadataRecord.PartitionCreated;
import io.osprey.controller.MetadataRecord.TopicCreated;
import io.osprey.controller.MetadataRecord.TopicDeleted;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Topic creation, deletion, growth and configs. Per-topic errors go in the response; other topics proceed. */
final class TopicCommands
{
    private final ControllerConfig config;

    TopicCommands(final ControllerConfig config)
    {
        this.config = config;
    }

    Response createTopics(final RecordDraft draft, final CreateTopics cmd)
    {
        final TreeMap<String, Response.Simple> results = new TreeMap<>();
        for (final NewTopic t : cmd.topics())
        {
            final String key = String.valueOf(t.name());
            if (results.containsKey(key))
            {
                results.put(key, new Response.Simple(ErrorCode.INVALID_REQUEST, "topic named twice in one request"));
                continue;
            }
            try
            {
                createTopic(draft, t);
                results.put(key, Response.Simple.OK);
            }
            catch (final OspreyException e)
            {
                results.put(key, new Response.Simple(e.errorCode(), e.getMessage()));
            }
        }
        return new Response.PerItem(results);
    }

    private void createTopic(final RecordDraft draft, final NewTopic t)
    {
        validateName(t.name());
        if (draft.image().topic(t.name()) != null)
        {
            throw new OspreyException(ErrorCode.TOPIC_ALREADY_EXISTS, "topic " + t.name() + " already exists");
        }
        draft.image().checkNoCollision(t.name());
        validatePartitionCount(t.partitions());
        final int live = draft.image().liveBrokerIds().size();
        if (t.replicationFactor() < 1 || t.replicationFactor() > live)
        {
            throw new OspreyException(ErrorCode.INVALID_REPLICATION_FACTOR,
                "replication factor " + t.replicationFactor() + " with " + live + " live brokers");
        }
        final List<List<Integer>> assignment = PartitionAssignor.assign(draft.image(), t.partitions(), t.replicationFactor());
        draft.append(new TopicCreated(t.name(), topicId(draft.image(), t.name()), t.configs()));
        for (int p = 0; p < assignment.size(); p++)
        {
            draft.append(new PartitionCreated(t.name(), p, initialState(assignment.get(p))));
        }
    }

    Response deleteTopics(final RecordDraft draft, final DeleteTopics cmd)
    {
        final TreeMap<String, Response.Simple> results = new TreeMap<>();
        for (final String name : cmd.names())
        {
            if (name == null || draft.image().topic(name) == null)
            {
                results.put(String.valueOf(name), new Response.Simple(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no such topic"));
                continue;
            }
            draft.append(new TopicDeleted(name));
            results.put(name, Response.Simple.OK);
        }
        return new Response.PerItem(results);
    }

    Response createPartitions(final RecordDraft draft, final CreatePartitions cmd)
    {
        final TopicInfo topic = requireTopic(draft.image(), cmd.topic());
        final int current = topic.partitions().size();
        if (cmd.totalCount() <= current)
        {
            throw new OspreyException(ErrorCode.INVALID_PARTITIONS,
                "topic " + cmd.topic() + " has " + current + " partitions; asked for " + cmd.totalCount());
        }
        validatePartitionCount(cmd.totalCount());
        final PartitionInfo first = topic.partition(0);
        final int replicationFactor = first.replicas().size() - first.adding().size();
        final int live = draft.image().liveBrokerIds().size();
        if (replicationFactor > live)
        {
            throw new OspreyException(ErrorCode.INVALID_REPLICATION_FACTOR,
                "replication factor " + replicationFactor + " with " + live + " live brokers");
        }
        final List<List<Integer>> assignment = PartitionAssignor.assign(draft.image(), cmd.totalCount() - current, replicationFactor);
        for (int i = 0; i < assignment.size(); i++)
        {
            draft.append(new PartitionCreated(cmd.topic(), current + i, initialState(assignment.get(i))));
        }
        return Response.Simple.OK;
    }

    Response alterConfigs(final RecordDraft draft, final AlterConfigs cmd)
    {
        final TopicInfo topic = requireTopic(draft.image(), cmd.topic());
        for (final Map.Entry<String, String> e : cmd.set().entrySet())
        {
            if (e.getKey() == null || e.getValue() == null)
            {
                throw new OspreyException(ErrorCode.INVALID_CONFIG, "config keys and values must not be null");
            }
        }
        for (final Map.Entry<String, String> e : cmd.set().entrySet())
        {
            draft.append(new ConfigChanged(cmd.topic(), e.getKey(), e.getValue()));
        }
        for (final String key : cmd.delete())
        {
            if (topic.configs().containsKey(key))
            {
                draft.append(new ConfigChanged(cmd.topic(), key, null));
            }
        }
        // Enabling unclean election is how an operator brings back a partition whose ISR died.
        LeaderElection.electOffline(draft, cmd.topic(), config);
        return Response.Simple.OK;
    }

    static TopicInfo requireTopic(final MetadataImage image, final String name)
    {
        final TopicInfo topic = name == null ? null : image.topic(name);
        if (topic == null)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no such topic " + name);
        }
        return topic;
    }

    private static PartitionInfo initialState(final List<Integer> replicas)
    {
        return new PartitionInfo(replicas, replicas, replicas.get(0), 0, 0, List.of(), List.of());
    }

    /**
     * A topic id that every node derives alike: a name-based UUID over the name and the log
     * offset the command follows, so a topic deleted and created again gets a new id.
     */
    private static UUID topicId(final MetadataImage image, final String name)
    {
        return UUID.nameUUIDFromBytes((name + '@' + image.lastAppliedOffset()).getBytes(StandardCharsets.UTF_8));
    }

    private static void validatePartitionCount(final int count)
    {
        if (count < 1 || count > ControllerLimits.PARTITIONS_PER_TOPIC_MAX)
        {
            throw new OspreyException(ErrorCode.INVALID_PARTITIONS,
                "partition count " + count + " outside 1.." + ControllerLimits.PARTITIONS_PER_TOPIC_MAX);
        }
    }

    static void validateName(final String name)
    {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals(".."))
        {
            throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION, "topic name must not be empty, '.' or '..'");
        }
        if (name.length() > ControllerLimits.TOPIC_NAME_LENGTH_MAX)
        {
            throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                "topic name longer than " + ControllerLimits.TOPIC_NAME_LENGTH_MAX + " characters");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
            if (!legal)
            {
                throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION, "topic name " + name + " has illegal character '" + c + "'");
            }
        }
    }
}
