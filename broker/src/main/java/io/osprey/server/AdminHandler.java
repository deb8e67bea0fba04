package io.osprey.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.config.BrokerConfig;
import io.osprey.config.DescribedConfig;
import io.osprey.config.TopicConfigs;
import io.osprey.controller.Command;
import io.osprey.controller.Response;
import io.osprey.controller.TopicInfo;
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
 * The admin and producer-id APIs. Topic changes (CreateTopics, DeleteTopics, CreatePartitions,
 * topic IncrementalAlterConfigs) and producer-id blocks are checked here against this broker's
 * metadata image, then forwarded to the controller quorum and answered once committed: the
 * committed records reach this broker's image (and its logs) before the controller's answer,
 * so a client that asks this broker next sees the change. validateOnly requests are answered
 * from the image without the controller.
 * <p>
 * Threads: request parsing and local checks run on one admin thread, never on a network event
 * loop; answers are sent from the controller client's callback thread when the commit arrives.
 * Nothing waits on the controller while holding a thread.
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
    private final ControllerLink controller;
    private final BrokerSettings settings;
    private final BrokerConfig brokerConfig;
    private final TopicConfigs topicConfigs;
    private final ExecutorService executor;
    private final ProducerIdBlocks producerIds;

    public AdminHandler(final PartitionManager partitions, final ControllerLink controller, final BrokerSettings settings,
        final BrokerConfig brokerConfig, final TopicConfigs topicConfigs, final ExecutorService executor)
    {
        this.partitions = partitions;
        this.controller = controller;
        this.producerIds = new ProducerIdBlocks(controller, settings.nodeId());
        this.settings = settings;
        this.brokerConfig = brokerConfig;
        this.topicConfigs = topicConfigs;
        this.executor = executor;
    }

    private void async(final RequestContext ctx, final Runnable work)
    {
        runAsync(executor, ctx, work);
    }

    /**
     * Runs admin work off the network thread on {@code executor}; a failure is logged and closes
     * the connection (its response would otherwise never come). Shared by the admin handlers.
     */
    static void runAsync(final java.util.concurrent.Executor executor, final RequestContext ctx, final Runnable work)
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
            if (request.producerId() >= 0 && request.producerEpoch() >= 0 && request.producerEpoch() < Short.MAX_VALUE - 1)
            {
                // An idempotent producer bumping its own epoch after an error (KIP-360).
                ctx.respond(new InitProducerIdResponse(0, ErrorCode.NONE.code, request.producerId(),
                    (short)(request.producerEpoch() + 1)));
                return;
            }
            producerIds.next().whenComplete((id, e) ->
            {
                if (e != null)
                {
                    LOG.warn("Could not allocate a producer id: {}", e.toString());
                    ctx.respond(new InitProducerIdResponse(0, errorOf(e).code, -1, (short)-1));
                }
                else
                {
                    ctx.respond(new InitProducerIdResponse(0, ErrorCode.NONE.code, id, (short)0));
                }
            });
        });
    }

    /** The error code to answer when a forwarded command failed (the controller did not answer in time, or the client closed). */
    static ErrorCode errorOf(final Throwable e)
    {
        final Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof OspreyException o)
        {
            return o.errorCode();
        }
        return cause instanceof java.util.concurrent.TimeoutException ? ErrorCode.REQUEST_TIMED_OUT : ErrorCode.NOT_CONTROLLER;
    }

    private static String messageOf(final Throwable e)
    {
        final Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return "The controller quorum did not answer: " + cause.getMessage();
    }

    public void createTopics(final RequestContext ctx, final CreateTopicsRequest request)
    {
        async(ctx, () ->
        {
            final List<CreateTopicsResponse.CreatableTopicResult> results = new ArrayList<>();
            final List<Command.NewTopic> forward = new ArrayList<>();
            final Map<String, Integer> forwardIndex = new HashMap<>();
            for (final CreateTopicsRequest.CreatableTopic t : request.topics())
            {
                final CreateTopicsResponse.CreatableTopicResult checked = checkCreate(t);
                results.add(checked);
                if (checked.errorCode() == ErrorCode.NONE.code && !request.validateOnly())
                {
                    if (forwardIndex.containsKey(t.name()))
                    {
                        results.set(results.size() - 1, createError(t.name(), ErrorCode.INVALID_REQUEST, "Topic named twice in one request"));
                        continue;
                    }
                    forwardIndex.put(t.name(), results.size() - 1);
                    forward.add(new Command.NewTopic(t.name(), checked.numPartitions(), checked.replicationFactor(),
                        new TreeMap<>(topicConfigs.validate(configsOf(t)))));
                }
            }
            if (forward.isEmpty())
            {
                ctx.respond(new CreateTopicsResponse(0, results));
                return;
            }
            controller.submit(new Command.CreateTopics("", 0, forward)).whenComplete((response, e) ->
            {
                for (final Map.Entry<String, Integer> f : forwardIndex.entrySet())
                {
                    final int i = f.getValue();
                    if (e != null)
                    {
                        results.set(i, createError(f.getKey(), errorOf(e), messageOf(e)));
                        continue;
                    }
                    final Response.Simple r = response instanceof Response.PerItem items ? items.results().get(f.getKey())
                        : new Response.Simple(response.error(), String.valueOf(response));
                    if (r == null || r.error() != ErrorCode.NONE)
                    {
                        results.set(i, createError(f.getKey(), r == null ? ErrorCode.UNKNOWN_SERVER_ERROR : r.error(),
                            r == null ? "no result from the controller" : r.message()));
                        continue;
                    }
                    final TopicInfo created = partitions.metadata().image().topic(f.getKey());
                    final CreateTopicsResponse.CreatableTopicResult ok = results.get(i);
                    results.set(i, new CreateTopicsResponse.CreatableTopicResult(ok.name(),
                        created == null ? CreateTopicsResponse.NO_TOPIC_ID : created.id(), ErrorCode.NONE.code, null, (short)0,
                        ok.numPartitions(), ok.replicationFactor(), ok.configs()));
                }
                ctx.respond(new CreateTopicsResponse(0, results));
            });
        });
    }

    private static Map<String, String> configsOf(final CreateTopicsRequest.CreatableTopic t)
    {
        final Map<String, String> configs = new LinkedHashMap<>();
        for (final CreateTopicsRequest.CreatableTopicConfig c : t.configs())
        {
            configs.put(c.name(), c.value());
        }
        return configs;
    }

    private static CreateTopicsResponse.CreatableTopicResult createError(final String name, final ErrorCode code, final String message)
    {
        return new CreateTopicsResponse.CreatableTopicResult(name, CreateTopicsResponse.NO_TOPIC_ID, code.code, message, (short)0, -1,
            (short)-1, null);
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

    /**
     * Checks one topic against this broker's image and settings; on success the result holds
     * the effective partition count, replication factor and configs (what is forwarded
     * carries the configs in their canonical form).
     */
    private CreateTopicsResponse.CreatableTopicResult checkCreate(final CreateTopicsRequest.CreatableTopic t)
    {
        final int count = t.numPartitions() == -1 ? settings.numPartitions() : t.numPartitions();
        final short rf = t.replicationFactor() == -1 ? settings.defaultReplicationFactor() : t.replicationFactor();
        try
        {
            if (t.assignments() != null && !t.assignments().isEmpty())
            {
                throw new OspreyException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "Manual replica assignment is not supported; give numPartitions and replicationFactor");
            }
            refuseInternal(t.name(), "created");
            final Map<String, String> canonical = topicConfigs.validate(configsOf(t));
            partitions.validateCreate(t.name(), count, rf, canonical);
            return new CreateTopicsResponse.CreatableTopicResult(t.name(), CreateTopicsResponse.NO_TOPIC_ID, ErrorCode.NONE.code, null,
                (short)0, count, rf, describeForCreate(canonical));
        }
        catch (final OspreyException e)
        {
            return createError(t.name(), e.errorCode(), e.getMessage());
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
            for (final DeleteTopicsRequest.DeleteTopicState st : request.topics())
            {
                names.add(st.name());
                ids.add(st.topicId());
            }
            final List<String> forward = new ArrayList<>();
            final Map<String, Integer> forwardIndex = new HashMap<>();
            for (int i = 0; i < names.size(); i++)
            {
                String name = names.get(i);
                final UUID id = i >= request.topicNames().size() ? ids.get(i - request.topicNames().size()) : CreateTopicsResponse.NO_TOPIC_ID;
                if (name == null)
                {
                    final TopicInfo byId = partitions.metadata().topicById(id);
                    name = byId == null ? null : byId.name();
                }
                final DeleteTopicsResponse.DeletableTopicResult checked = checkDelete(name, id);
                results.add(checked);
                if (checked.errorCode() == ErrorCode.NONE.code && !forwardIndex.containsKey(name))
                {
                    forwardIndex.put(name, i);
                    forward.add(name);
                }
            }
            if (forward.isEmpty())
            {
                ctx.respond(new DeleteTopicsResponse(0, results));
                return;
            }
            controller.submit(new Command.DeleteTopics("", 0, forward)).whenComplete((response, e) ->
            {
                for (final Map.Entry<String, Integer> f : forwardIndex.entrySet())
                {
                    final DeleteTopicsResponse.DeletableTopicResult ok = results.get(f.getValue());
                    final Response.Simple r = e != null ? new Response.Simple(errorOf(e), messageOf(e))
                        : response instanceof Response.PerItem items ? items.results().get(f.getKey())
                        : new Response.Simple(response.error(), String.valueOf(response));
                    if (r != null && r.error() != ErrorCode.NONE)
                    {
                        results.set(f.getValue(), new DeleteTopicsResponse.DeletableTopicResult(ok.name(), ok.topicId(), r.error().code,
                            r.message()));
                    }
                }
                ctx.respond(new DeleteTopicsResponse(0, results));
            });
        });
    }

    private DeleteTopicsResponse.DeletableTopicResult checkDelete(final String name, final UUID requestedId)
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
            final TopicInfo topic = partitions.metadata().image().topic(name);
            if (topic == null)
            {
                throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            }
            return new DeleteTopicsResponse.DeletableTopicResult(name, topic.id(), ErrorCode.NONE.code, null);
        }
        catch (final OspreyException e)
        {
            return new DeleteTopicsResponse.DeletableTopicResult(name, requestedId, e.errorCode().code, e.getMessage());
        }
    }

    public void createPartitions(final RequestContext ctx, final CreatePartitionsRequest request)
    {
        async(ctx, () ->
        {
            final List<CreatePartitionsResponse.CreatePartitionsTopicResult> results = new ArrayList<>();
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (final CreatePartitionsRequest.CreatePartitionsTopic t : request.topics())
            {
                final int index = results.size();
                results.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), ErrorCode.NONE.code, null));
                try
                {
                    checkCreatePartitions(t);
                }
                catch (final OspreyException e)
                {
                    results.set(index, new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), e.errorCode().code,
                        e.getMessage()));
                    continue;
                }
                if (request.validateOnly())
                {
                    continue;
                }
                // One command per topic, one after the other: the client sends them in order anyway.
                chain = chain.thenCompose(v -> controller.submit(new Command.CreatePartitions("", 0, t.name(), t.count()))
                    .handle((r, e) ->
                    {
                        final ErrorCode code = e != null ? errorOf(e) : r.error();
                        if (code != ErrorCode.NONE)
                        {
                            final String message = e != null ? messageOf(e) : r instanceof Response.Simple x ? x.message() : r.toString();
                            results.set(index, new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), code.code, message));
                        }
                        return null;
                    }));
            }
            chain.whenComplete((v, e) -> ctx.respond(new CreatePartitionsResponse(0, results)));
        });
    }

    private void checkCreatePartitions(final CreatePartitionsRequest.CreatePartitionsTopic t)
    {
        if (t.assignments() != null && !t.assignments().isEmpty())
        {
            throw new OspreyException(ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Manual replica assignment is not supported");
        }
        refuseInternal(t.name(), "repartitioned");
        final TopicInfo topic = partitions.metadata().image().topic(t.name());
        if (topic == null)
        {
            throw new OspreyException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + t.name() + "' does not exist.");
        }
        final int current = topic.partitions().size();
        if (t.count() <= current)
        {
            throw new OspreyException(ErrorCode.INVALID_PARTITIONS,
                "Topic '" + t.name() + "' has " + current + " partitions; the new count " + t.count() + " must be larger");
        }
        if (t.count() - current > PartitionManager.PARTITIONS_PER_REQUEST_MAX)
        {
            throw new OspreyException(ErrorCode.POLICY_VIOLATION, "Excessively large number of partitions per request: " +
                (t.count() - current) + " new (at most " + PartitionManager.PARTITIONS_PER_REQUEST_MAX + ")");
        }
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
            final TopicInfo topic = partitions.metadata().image().topic(r.resourceName());
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
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (final IncrementalAlterConfigsRequest.AlterConfigsResource r : request.resources())
            {
                final int index = results.size();
                results.add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(ErrorCode.NONE.code, null, r.resourceType(),
                    r.resourceName()));
                if (r.resourceType() == RESOURCE_BROKER && onlyDeletes(r))
                {
                    // Osprey has no dynamic broker configs: deleting one removes nothing, as in Kafka
                    // for a key never set. Kafka's reassignment tool clears its throttles this way.
                    continue;
                }
                final Command.AlterConfigs command;
                try
                {
                    command = alter(r);
                }
                catch (final OspreyException e)
                {
                    results.set(index, new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(e.errorCode().code, e.getMessage(),
                        r.resourceType(), r.resourceName()));
                    continue;
                }
                if (request.validateOnly())
                {
                    continue;
                }
                chain = chain.thenCompose(v -> controller.submit(command).handle((resp, e) ->
                {
                    final ErrorCode code = e != null ? errorOf(e) : resp.error();
                    if (code != ErrorCode.NONE)
                    {
                        final String message = e != null ? messageOf(e) : resp instanceof Response.Simple x ? x.message() : resp.toString();
                        results.set(index, new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(code.code, message,
                            r.resourceType(), r.resourceName()));
                    }
                    return null;
                }));
            }
            chain.whenComplete((v, e) -> ctx.respond(new IncrementalAlterConfigsResponse(0, results)));
        });
    }

    private static boolean onlyDeletes(final IncrementalAlterConfigsRequest.AlterConfigsResource r)
    {
        return r.configs().stream().allMatch(c -> c.configOperation() == OP_DELETE);
    }

    /** Checks one resource's changes and returns the controller command that makes them. */
    private Command.AlterConfigs alter(final IncrementalAlterConfigsRequest.AlterConfigsResource r)
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
        final TopicInfo topic = partitions.metadata().image().topic(r.resourceName());
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
        partitions.validateConfigs(canonical);
        final List<String> delete = new ArrayList<>();
        for (final String key : topic.configs().keySet())
        {
            if (!canonical.containsKey(key))
            {
                delete.add(key);
            }
        }
        return new Command.AlterConfigs("", 0, r.resourceName(), new TreeMap<>(canonical), delete);
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
        final List<DescribeClusterResponse.DescribeClusterBroker> brokers = new ArrayList<>();
        for (final io.osprey.protocol.message.MetadataResponse.Broker b : MetadataHandler.liveBrokers(partitions.metadata().image()))
        {
            brokers.add(new DescribeClusterResponse.DescribeClusterBroker(b.nodeId(), b.host(), b.port(), b.rack()));
        }
        ctx.respond(new DescribeClusterResponse(0, ErrorCode.NONE.code, null, request.endpointType(), settings.clusterId(),
            controller.activeControllerId(), brokers, DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED));
    }
}
