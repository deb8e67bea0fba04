package io.osprey.admin;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * Splits config resources between requests as Kafka does: a broker's own resource goes to that
 * broker, since only it knows its settings; every other resource (topics, the cluster default)
 * goes to any broker. Stateless.
 */
final class ConfigCalls
{
    private ConfigCalls()
    {
    }

    /**
     * Groups the futures by the node their resource must be asked of. A broker resource whose
     * name is not a node id fails its future here.
     */
    static <V> Map<CallTarget, Map<ConfigResource, CompletableFuture<V>>> byTarget(final Map<ConfigResource, CompletableFuture<V>> futures)
    {
        final Map<CallTarget, Map<ConfigResource, CompletableFuture<V>>> groups = new LinkedHashMap<>();
        futures.forEach((resource, future) ->
        {
            final CallTarget target;
            try
            {
                target = target(resource);
            }
            catch (final OspreyException e)
            {
                future.completeExceptionally(e);
                return;
            }
            groups.computeIfAbsent(target, t -> new LinkedHashMap<>()).put(resource, future);
        });
        return groups;
    }

    /** Where a resource's configs are asked for or changed. */
    static CallTarget target(final ConfigResource resource)
    {
        final boolean brokerOwn = resource.type() == ConfigResource.Type.BROKER || resource.type() == ConfigResource.Type.BROKER_LOGGER;
        if (!brokerOwn || resource.isDefault())
        {
            return CallTarget.LEAST_LOADED;
        }
        try
        {
            return CallTarget.broker(Integer.parseInt(resource.name()));
        }
        catch (final NumberFormatException e)
        {
            throw new OspreyException(ErrorCode.INVALID_REQUEST, "A " + resource.type() + " resource is named by the broker's node id "
                + "(or \"\" for the cluster default), not '" + resource.name() + "'");
        }
    }

    /** Builds one call per group and hands each to {@code submit}. */
    static <V, C extends AdminCall> void submitGrouped(final Map<ConfigResource, CompletableFuture<V>> futures,
        final BiFunction<CallTarget, Map<ConfigResource, CompletableFuture<V>>, C> newCall, final Consumer<AdminCall> submit)
    {
        for (final Map.Entry<CallTarget, Map<ConfigResource, CompletableFuture<V>>> group : byTarget(futures).entrySet())
        {
            submit.accept(newCall.apply(group.getKey(), group.getValue()));
        }
    }

    /** One new future per distinct resource, in the order given. */
    static <V> Map<ConfigResource, CompletableFuture<V>> futures(final Collection<ConfigResource> resources)
    {
        final Map<ConfigResource, CompletableFuture<V>> futures = new LinkedHashMap<>();
        for (final ConfigResource resource : resources)
        {
            futures.putIfAbsent(Objects.requireNonNull(resource, "resource"), new CompletableFuture<>());
        }
        return futures;
    }
}
