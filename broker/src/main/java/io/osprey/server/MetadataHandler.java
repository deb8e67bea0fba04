package io.osprey.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.group.GroupCoordinatorService;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * Metadata: this node is the only broker, the controller and the leader of every partition.
 * Unknown topics are created on request when both the client asks for it and
 * {@code auto.create.topics.enable} allows it, with {@code num.partitions} partitions.
 */
public final class MetadataHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(MetadataHandler.class);

    private final PartitionManager partitions;
    private final BrokerSettings settings;

    public MetadataHandler(final PartitionManager partitions, final BrokerSettings settings)
    {
        this.partitions = partitions;
        this.settings = settings;
    }

    public void handle(final RequestContext ctx, final MetadataRequest request)
    {
        final List<MetadataResponse.Topic> topics = new ArrayList<>();
        if (request.allTopics(ctx.version()))
        {
            for (final TopicInfo t : partitions.metadata().topics())
            {
                topics.add(describe(t));
            }
        }
        else
        {
            for (final MetadataRequest.Topic requested : request.topics())
            {
                // Before v4 the field does not exist and decodes as true, which is what those versions mean.
                topics.add(lookup(requested, request.allowAutoTopicCreation()));
            }
        }
        final MetadataResponse.Broker self = new MetadataResponse.Broker(settings.nodeId(), settings.advertisedHost(),
            settings.advertisedPort(), settings.rack());
        ctx.respond(new MetadataResponse(0, List.of(self), settings.clusterId(), settings.nodeId(), topics,
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
    }

    private MetadataResponse.Topic lookup(final MetadataRequest.Topic requested, final boolean clientAllowsCreate)
    {
        String name = requested.name();
        if (name == null)
        {
            final TopicInfo byId = findById(requested.topicId());
            if (byId == null)
            {
                return new MetadataResponse.Topic(ErrorCode.UNKNOWN_TOPIC_ID.code, null, requested.topicId(), false, List.of(),
                    MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
            }
            return describe(byId);
        }
        TopicInfo topic = partitions.metadata().topic(name);
        if (topic == null)
        {
            try
            {
                PartitionManager.validateTopicName(name);
            }
            catch (final OspreyException e)
            {
                return error(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
            }
            // __consumer_offsets is created by the group coordinator, with its own settings, never as a plain topic.
            if (!clientAllowsCreate || !settings.autoCreateTopics() || isInternal(name))
            {
                return error(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            }
            try
            {
                topic = partitions.createTopic(name, settings.numPartitions(), settings.defaultReplicationFactor(), Map.of(),
                    System.currentTimeMillis());
            }
            catch (final OspreyException e)
            {
                if (e.errorCode() != ErrorCode.TOPIC_ALREADY_EXISTS)
                {
                    return error(name, e.errorCode());
                }
                topic = partitions.metadata().topic(name);
            }
            catch (final IOException e)
            {
                LOG.error("Could not auto-create topic {}", name, e);
                return error(name, ErrorCode.KAFKA_STORAGE_ERROR);
            }
        }
        return describe(topic);
    }

    /** Kafka's internal topics that Osprey has: {@code __consumer_offsets}. */
    static boolean isInternal(final String topic)
    {
        return GroupCoordinatorService.OFFSETS_TOPIC.equals(topic);
    }

    private TopicInfo findById(final UUID id)
    {
        for (final TopicInfo t : partitions.metadata().topics())
        {
            if (t.id().equals(id))
            {
                return t;
            }
        }
        return null;
    }

    private MetadataResponse.Topic describe(final TopicInfo topic)
    {
        final List<MetadataResponse.Partition> out = new ArrayList<>(topic.partitions());
        final List<Integer> replicas = List.of(settings.nodeId());
        for (int i = 0; i < topic.partitions(); i++)
        {
            final Partition p = partitions.partition(topic.name(), i);
            if (p == null)
            {
                out.add(new MetadataResponse.Partition(ErrorCode.LEADER_NOT_AVAILABLE.code, i, -1, -1, replicas, List.of(), List.of()));
            }
            else
            {
                out.add(new MetadataResponse.Partition(ErrorCode.NONE.code, i, settings.nodeId(), p.leaderEpoch(), replicas, replicas,
                    List.of()));
            }
        }
        return new MetadataResponse.Topic(ErrorCode.NONE.code, topic.name(), topic.id(), isInternal(topic.name()), out,
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static MetadataResponse.Topic error(final String name, final ErrorCode code)
    {
        return new MetadataResponse.Topic(code.code, name, MetadataRequest.ZERO_UUID, false, List.of(),
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }
}
