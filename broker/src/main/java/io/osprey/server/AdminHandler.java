package io.osprey.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.config.BrokerConfig;
import io.osprey.config.DescribedConfig;
import io.osprey.config.TopicConfigs;
import io.osprey.protocol.message.CreatePartitionsRequest;
import io.osprey.protocol.message.CreatePartitionsResponse;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;
import io.osprey.protocol.message.DeleteTopicsRequest;
import io.osprey.protocol.message.DeleteTopicsResponse;
import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeClusterResponse;
import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeConfigsResponse;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsResponse;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;

/**
 * The admin and producer-id APIs. They touch files and may wait for log agents, so they run on
 * one admin thread, never on a network event loop; that thread also serializes topic changes.
 */
public final class AdminHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);

    public static final byte RESOURCE_TOPIC = 2;
    public static final byte RESOURCE_BROKER = 4;
    public static final byte OP_SET = 0;
    public static final byte OP_DELETE = 1;
    public static final byte OP_APPEND = 2;
    public static final byte OP_SUBTRACT = 3;

    private final PartitionManager partitions;
    private final BrokerSettings settings;
    private final BrokerConfig brokerConfig;
    private final TopicConfigs topicConfigs;
    private final ExecutorService executor;

    public AdminHandler(final PartitionManager partitions, final BrokerSettings settings, final BrokerConfig brokerConfig,
        final TopicConfigs topicConfigs, final ExecutorService executor)
    {
        this.partitions = partitions;
        this.settings = settings;
        this.brokerConfig = brokerConfig;
        this.topicConfigs = topicConfigs;
        this.executor = executor;
    }

    private void async(final RequestContext ctx, final Runnable work)
    {
        executor.execute(() ->
        {
            try
            {
                work.run();
            }
            catch (final RuntimeException e)
            {
                LOG.error("{} failed", ctx.api(), e);
                ctx.connection().close();
            }
        });
    }

    public void initProducerId(final RequestContext ctx, final InitProducerIdRequest request)
    {
        async(ctx, () ->
        {
            if (request.transactionalId() != null)
            {
                ctx.respond(new InitProducerIdResponse(0, ErrorCode.INVALID_REQUEST.code, -1, (short)-1));
                LOG.info("Refused InitProducerId for transactional id '{}': transactions are not supported", request.transactionalId());
                return;
            }
            try
            {
                if (request.producerId() >= 0 && request.producerEpoch() >= 0 && request.producerEpoch() < Short.MAX_VALUE - 1)
                {
                    // An idempotent producer bumping its own epoch after an error (KIP-360).
                    ctx.respond(new InitProducerIdResponse(0, ErrorCode.NONE.code, request.producerId(),
                        (short)(request.producerEpoch() + 1)));
                    return;
                }
                ctx.respond(new InitProducerIdResponse(0, ErrorCode.NONE.code, partitions.metadata().nextProducerId(), (short)0));
            }
            catch (final IOException e)
            {
                LOG.error("Could not allocate a producer id", e);
                ctx.respond(new InitProducerIdResponse(0, ErrorCode.KAFKA_STORAGE_ERROR.code, -1, (short)-1));
            }
        });
    }

    public void createTopics(final RequestContext ctx, final CreateTopicsRequest request)
    {
        async(ctx, () ->
        {
            final List<CreateTopicsResponse.CreatableTopicResult> results = new ArrayList<>();
            for (final CreateTopicsRequest.CreatableTopic t : request.topics())
            {
                results.add(createTopic(t, request.validateOnly()));
            }
            ctx.respond(new CreateTopicsResponse(0, results));
        });
    }

    /**
     * {@code __consumer_offsets} belongs to the group coordinator: creating, deleting or
     * repartitioning it by hand would lose committed offsets or move groups to other partitions.
     */
    private static void refuseInternal(final String topic, final String what)
    {
        if (MetadataHandler.isInternal(topic))
        {
            throw new OspreyException(ErrorCode.INVALID_REQUEST,
                "Topic '" + topic + "' is internal to the group coordinator and cannot be " + what + " by a client");
        }
    }

    private CreateTopicsResponse.CreatableTopicResult createTopic(final CreateTopicsRequest.CreatableTopic t, final boolean validateOnly)
    {
        final int count = t.numPartitions() == -1 ? settings.numPartitions() : t.numPartitions();
        final short rf = t.replicationFactor() == -1 ? settings.defaultReplicationFactor() : t.replicationFactor();
        try
        {
            if (t.assignments() != null && !t.assignments().isEmpty())
            {
                throw new OspreyException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "Manual replica assignment is not supported on a single node; give numPartitions and replicationFactor");
            }
            refuseInternal(t.name(), "created");
            final Map<String, String> configs = new LinkedHashMap<>();
            for (final CreateTopicsRequest.CreatableTopicConfig c : t.configs())
            {
                configs.put(c.name(), c.value());
            }
            final Map<String, String> canonical = topicConfigs.validate(configs);
            partitions.validateCreate(t.name(), count, rf, canonical, 1);
            UUID id = CreateTopicsResponse.NO_TOPIC_ID;
            if (!validateOnly)
            {
                id = partitions.createTopic(t.name(), count, rf, canonical, System.currentTimeMillis()).id();
            }
            return new CreateTopicsResponse.CreatableTopicResult(t.name(), id, ErrorCode.NONE.code, null, (short)0, count, rf,
                describeForCreate(canonical));
        }
        catch (final OspreyException e)
        {
            return new CreateTopicsResponse.CreatableTopicResult(t.name(), CreateTopicsResponse.NO_TOPIC_ID, e.errorCode().code,
                e.getMessage(), (short)0, -1, (short)-1, null);
        }
        catch (final IOException e)
        {
            LOG.error("Could not create topic {}", t.name(), e);
            return new CreateTopicsResponse.CreatableTopicResult(t.name(), CreateTopicsResponse.NO_TOPIC_ID,
                ErrorCode.KAFKA_STORAGE_ERROR.code, e.toString(), (short)0, -1, (short)-1, null);
        }
    }

    private List<CreateTopicsResponse.CreatableTopicConfigs> describeForCreate(final Map<String, String> overrides)
    {
        final List<CreateTopicsResponse.CreatableTopicConfigs> out = new ArrayList<>();
        for (final DescribedConfig c : topicConfigs.describe(overrides))
        {
            out.add(new CreateTopicsResponse.CreatableTopicConfigs(c.name(), c.value(), c.readOnly(),
                (byte)c.source().kafkaId(), c.sensitive()));
        }
        return out;
    }

    public void deleteTopics(final RequestContext ctx, final DeleteTopicsRequest request)
    {
        async(ctx, () ->
        {
            final List<DeleteTopicsResponse.DeletableTopicResult> results = new ArrayList<>();
            final List<String> names = new ArrayList<>(request.topicNames());
            final List<UUID> ids = new ArrayList<>();
            for (final DeleteTopicsRequest.DeleteTopicState s : request.topics())
            {
                names.add(s.name());
                ids.add(s.topicId());
            }
            for (int i = 0; i < names.size(); i++)
            {
                String name = names.get(i);
                final UUID id = i >= request.topicNames().size() ? ids.get(i - request.topicNames().size()) : CreateTopicsResponse.NO_TOPIC_ID;
                if (name == null)
                {
                    name = nameForId(id);
                }
                results.add(deleteTopic(name, id));
            }
            ctx.respond(new DeleteTopicsResponse(0, results));
        });
    }

    private DeleteTopicsResponse.DeletableTopicResult deleteTopic(final String name, final UUID requestedId)
    {
        try
        {
            if (name == null)
            {
                throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_ID, "No topic has id " + requestedId);
            }
            if (!settings.deleteTopicEnable())
            {
                throw new OspreyException(ErrorCode.TOPIC_DELETION_DISABLED, "Topic deletion is disabled (delete.topic.enable=false)");
            }
            refuseInternal(name, "deleted");
            final TopicInfo topic = partitions.metadata().topic(name);
            if (topic == null)
            {
                throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            }
            partitions.deleteTopic(name);
            return new DeleteTopicsResponse.DeletableTopicResult(name, topic.id(), ErrorCode.NONE.code, null);
        }
        catch (final OspreyException e)
        {
            return new DeleteTopicsResponse.DeletableTopicResult(name, requestedId, e.errorCode().code, e.getMessage());
        }
        catch (final IOException e)
        {
            LOG.error("Could not delete topic {}", name, e);
            return new DeleteTopicsResponse.DeletableTopicResult(name, requestedId, ErrorCode.KAFKA_STORAGE_ERROR.code, e.toString());
        }
    }

    private String nameForId(final UUID id)
    {
        for (final TopicInfo t : partitions.metadata().topics())
        {
            if (t.id().equals(id))
            {
                return t.name();
            }
        }
        return null;
    }

    public void createPartitions(final RequestContext ctx, final CreatePartitionsRequest request)
    {
        async(ctx, () ->
        {
            final List<CreatePartitionsResponse.CreatePartitionsTopicResult> results = new ArrayList<>();
            for (final CreatePartitionsRequest.CreatePartitionsTopic t : request.topics())
            {
                try
                {
                    if (t.assignments() != null && !t.assignments().isEmpty())
                    {
                        throw new OspreyException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                            "Manual replica assignment is not supported on a single node");
                    }
                    refuseInternal(t.name(), "repartitioned");
                    partitions.createPartitions(t.name(), t.count(), request.validateOnly(), System.currentTimeMillis());
                    results.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), ErrorCode.NONE.code, null));
                }
                catch (final OspreyException e)
                {
                    results.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), e.errorCode().code, e.getMessage()));
                }
                catch (final IOException e)
                {
                    LOG.error("Could not add partitions to {}", t.name(), e);
                    results.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), ErrorCode.KAFKA_STORAGE_ERROR.code,
                        e.toString()));
                }
            }
            ctx.respond(new CreatePartitionsResponse(0, results));
        });
    }

    public void describeConfigs(final RequestContext ctx, final DescribeConfigsRequest request)
    {
        async(ctx, () ->
        {
            final List<DescribeConfigsResponse.DescribeConfigsResult> results = new ArrayList<>();
            for (final DescribeConfigsRequest.DescribeConfigsResource r : request.resources())
            {
                results.add(describe(r, request.includeDocumentation()));
            }
            ctx.respond(new DescribeConfigsResponse(0, results));
        });
    }

    private DescribeConfigsResponse.DescribeConfigsResult describe(final DescribeConfigsRequest.DescribeConfigsResource r,
        final boolean includeDocumentation)
    {
        final List<DescribedConfig> all;
        if (r.resourceType() == RESOURCE_TOPIC)
        {
            final TopicInfo topic = partitions.metadata().topic(r.resourceName());
            if (topic == null)
            {
                return new DescribeConfigsResponse.DescribeConfigsResult(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code,
                    "Topic '" + r.resourceName() + "' does not exist.", r.resourceType(), r.resourceName(), List.of());
            }
            all = topicConfigs.describe(topic.configs());
        }
        else if (r.resourceType() == RESOURCE_BROKER)
        {
            if (!r.resourceName().isEmpty() && !r.resourceName().equals(Integer.toString(settings.nodeId())))
            {
                return new DescribeConfigsResponse.DescribeConfigsResult(ErrorCode.INVALID_REQUEST.code,
                    "This is broker " + settings.nodeId() + ", not '" + r.resourceName() + "'", r.resourceType(), r.resourceName(),
                    List.of());
            }
            all = brokerConfig.describe();
        }
        else
        {
            return new DescribeConfigsResponse.DescribeConfigsResult(ErrorCode.INVALID_REQUEST.code,
                "Resource type " + r.resourceType() + " is not supported; topics (2) and brokers (4) are", r.resourceType(),
                r.resourceName(), List.of());
        }
        final List<DescribeConfigsResponse.DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (final DescribedConfig c : all)
        {
            if (r.configurationKeys() != null && !r.configurationKeys().contains(c.name()))
            {
                continue;
            }
            configs.add(new DescribeConfigsResponse.DescribeConfigsResourceResult(c.name(), c.value(), c.readOnly(),
                (byte)c.source().kafkaId(), c.sensitive(), List.of(), (byte)c.type().kafkaId(),
                includeDocumentation ? c.documentation() : null));
        }
        return new DescribeConfigsResponse.DescribeConfigsResult(ErrorCode.NONE.code, null, r.resourceType(), r.resourceName(), configs);
    }

    public void incrementalAlterConfigs(final RequestContext ctx, final IncrementalAlterConfigsRequest request)
    {
        async(ctx, () ->
        {
            final List<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> results = new ArrayList<>();
            for (final IncrementalAlterConfigsRequest.AlterConfigsResource r : request.resources())
            {
                short code = ErrorCode.NONE.code;
                String message = null;
                try
                {
                    alter(r, request.validateOnly());
                }
                catch (final OspreyException e)
                {
                    code = e.errorCode().code;
                    message = e.getMessage();
                }
                catch (final IOException e)
                {
                    code = ErrorCode.KAFKA_STORAGE_ERROR.code;
                    message = e.toString();
                }
                results.add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(code, message, r.resourceType(),
                    r.resourceName()));
            }
            ctx.respond(new IncrementalAlterConfigsResponse(0, results));
        });
    }

    private void alter(final IncrementalAlterConfigsRequest.AlterConfigsResource r, final boolean validateOnly) throws IOException
    {
        if (r.resourceType() == RESOURCE_BROKER)
        {
            throw new OspreyException(ErrorCode.INVALID_REQUEST,
                "Broker configuration is static in Osprey: edit server.properties and restart the node");
        }
        if (r.resourceType() != RESOURCE_TOPIC)
        {
            throw new OspreyException(ErrorCode.INVALID_REQUEST, "Resource type " + r.resourceType() + " is not supported");
        }
        final TopicInfo topic = partitions.metadata().topic(r.resourceName());
        if (topic == null)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + r.resourceName() + "' does not exist.");
        }
        final Map<String, String> next = new HashMap<>(topic.configs());
        for (final IncrementalAlterConfigsRequest.AlterableConfig c : r.configs())
        {
            switch (c.configOperation())
            {
                case OP_SET -> next.put(c.name(), c.value());
                case OP_DELETE -> next.remove(c.name());
                case OP_APPEND, OP_SUBTRACT -> next.put(c.name(), listEdit(current(topic, c.name()), c.value(),
                    c.configOperation() == OP_APPEND));
                default -> throw new OspreyException(ErrorCode.INVALID_REQUEST,
                    "Unknown config operation " + c.configOperation() + " for '" + c.name() + "'");
            }
        }
        final Map<String, String> canonical = topicConfigs.validate(next);
        partitions.alterConfigs(r.resourceName(), canonical, validateOnly);
    }

    private String current(final TopicInfo topic, final String key)
    {
        for (final DescribedConfig c : topicConfigs.describe(topic.configs()))
        {
            if (c.name().equals(key))
            {
                return c.value();
            }
        }
        throw new OspreyException(ErrorCode.INVALID_CONFIG, "Unknown topic configuration '" + key + "'");
    }

    private static String listEdit(final String current, final String value, final boolean append)
    {
        final List<String> items = new ArrayList<>();
        if (current != null && !current.isBlank())
        {
            for (final String s : current.split(","))
            {
                items.add(s.trim());
            }
        }
        for (final String s : (value == null ? "" : value).split(","))
        {
            final String v = s.trim();
            if (v.isEmpty())
            {
                continue;
            }
            if (append && !items.contains(v))
            {
                items.add(v);
            }
            else if (!append)
            {
                items.remove(v);
            }
        }
        return String.join(",", items);
    }

    public void describeCluster(final RequestContext ctx, final DescribeClusterRequest request)
    {
        ctx.respond(new DescribeClusterResponse(0, ErrorCode.NONE.code, null, request.endpointType(), settings.clusterId(),
            settings.nodeId(), List.of(new DescribeClusterResponse.DescribeClusterBroker(settings.nodeId(), settings.advertisedHost(),
                settings.advertisedPort(), settings.rack())), DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED));
    }
}
