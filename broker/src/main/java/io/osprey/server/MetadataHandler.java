package io.osprey.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.config.HostPort;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.TopicInfo;
import io.osprey.group.GroupCoordinatorService;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * Metadata, answered from this broker's copy of the controller's image: the unfenced brokers,
 * and per partition its leader (-1 with LEADER_NOT_AVAILABLE while offline), leader epoch,
 * replicas and ISR. The controller id is the voter that leads the quorum.
 * <p>
 * Unknown topics are created on request when both the client asks for it and
 * {@code auto.create.topics.enable} allows it, with {@code num.partitions} partitions: the
 * creation is sent to the controller without waiting, and the topic is answered with
 * LEADER_NOT_AVAILABLE meanwhile (as Kafka does), so the client asks again. Never blocks the
 * network thread.
 */
public final class MetadataHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(MetadataHandler.class);

    private static volatile LiveBrokers lastLiveBrokers;

    private final PartitionManager partitions;
    private final ControllerLink controller;
    private final BrokerSettings settings;
    /** Auto-creations sent and not yet answered, so a client asking again does not send another. */
    private final Set<String> creating = ConcurrentHashMap.newKeySet();

    public MetadataHandler(final PartitionManager partitions, final ControllerLink controller, final BrokerSettings settings)
    {
        this.partitions = partitions;
        this.controller = controller;
        this.settings = settings;
    }

    public void handle(final RequestContext ctx, final MetadataRequest request)
    {
        final MetadataImage image = partitions.metadata().image();
        final List<MetadataResponse.Topic> topics = new ArrayList<>();
        if (request.allTopics(ctx.version()))
        {
            for (final TopicInfo t : image.topics().values())
            {
                topics.add(describe(image, t));
            }
        }
        else
        {
            for (final MetadataRequest.Topic requested : request.topics())
            {
                // Before v4 the field does not exist and decodes as true, which is what those versions mean.
                topics.add(lookup(image, requested, request.allowAutoTopicCreation()));
            }
        }
        ctx.respond(new MetadataResponse(0, liveBrokers(image), settings.clusterId(),
            controllerIdForClients(image, controller.activeControllerId(), settings.nodeId()), topics,
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
    }

    /**
     * The controller id clients are told: the active voter when it is also a live broker
     * (combined nodes), else this broker. Kafka's admin client sends CreateTopics and the like to
     * that id and must find it among the brokers; with controller-only voters it would find none
     * and wait forever, while any broker forwards admin requests to the quorum (as KRaft brokers
     * answer with a broker, not the controller).
     */
    static int controllerIdForClients(final MetadataImage image, final int activeControllerId, final int localBrokerId)
    {
        return activeControllerId >= 0 && image.isLive(activeControllerId) ? activeControllerId : localBrokerId;
    }

    /** The unfenced brokers with their first endpoint; worked out once per image. */
    static List<MetadataResponse.Broker> liveBrokers(final MetadataImage image)
    {
        final LiveBrokers last = lastLiveBrokers;
        if (last != null && last.image() == image)
        {
            return last.brokers();
        }
        final List<MetadataResponse.Broker> out = new ArrayList<>();
        for (final BrokerInfo b : image.brokers().values())
        {
            if (b.fenced() || b.endpoints().isEmpty())
            {
                continue;
            }
            final HostPort endpoint = HostPort.parseEndpoint(b.endpoints().get(0));
            out.add(new MetadataResponse.Broker(b.id(), endpoint.host(), endpoint.port(), b.rack()));
        }
        final List<MetadataResponse.Broker> brokers = List.copyOf(out);
        lastLiveBrokers = new LiveBrokers(image, brokers);
        return brokers;
    }

    /** {@link #liveBrokers} of the last image asked about. */
    private record LiveBrokers(MetadataImage image, List<MetadataResponse.Broker> brokers)
    {
    }

    private MetadataResponse.Topic lookup(final MetadataImage image, final MetadataRequest.Topic requested,
        final boolean clientAllowsCreate)
    {
        final String name = requested.name();
        if (name == null)
        {
            final TopicInfo byId = partitions.metadata().topicById(requested.topicId());
            if (byId == null)
            {
                return new MetadataResponse.Topic(ErrorCode.UNKNOWN_TOPIC_ID.code, null, requested.topicId(), false, List.of(),
                    MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
            }
            return describe(image, byId);
        }
        final TopicInfo topic = image.topic(name);
        if (topic != null)
        {
            return describe(image, topic);
        }
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
            partitions.validateReplicationFactor(settings.defaultReplicationFactor());
        }
        catch (final OspreyException e)
        {
            return error(name, e.errorCode());
        }
        if (creating.add(name))
        {
            controller.submit(new Command.CreateTopics("", 0, List.of(new Command.NewTopic(name, settings.numPartitions(),
                settings.defaultReplicationFactor(), new TreeMap<String, String>()))))
                .whenComplete((r, e) ->
                {
                    creating.remove(name);
                    if (e != null)
                    {
                        LOG.warn("Auto-creation of topic {} failed: {}", name, e.toString());
                    }
                });
        }
        return error(name, ErrorCode.LEADER_NOT_AVAILABLE);
    }

    /** Kafka's internal topics that Osprey has: {@code __consumer_offsets}. */
    static boolean isInternal(final String topic)
    {
        return GroupCoordinatorService.OFFSETS_TOPIC.equals(topic);
    }

    private static MetadataResponse.Topic describe(final MetadataImage image, final TopicInfo topic)
    {
        final List<MetadataResponse.Partition> out = new ArrayList<>(topic.partitions().size());
        for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
        {
            final PartitionInfo p = e.getValue();
            final List<Integer> offline = new ArrayList<>();
            for (final int r : p.replicas())
            {
                if (!image.isLive(r))
                {
                    offline.add(r);
                }
            }
            final short code = p.hasLeader() ? ErrorCode.NONE.code : ErrorCode.LEADER_NOT_AVAILABLE.code;
            out.add(new MetadataResponse.Partition(code, e.getKey(), p.leader(), p.leaderEpoch(), p.replicas(), p.isr(), offline));
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
