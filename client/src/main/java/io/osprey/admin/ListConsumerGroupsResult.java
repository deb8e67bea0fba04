package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The outcome of {@link Admin#listConsumerGroups}: the groups of every broker, merged and sorted
 * by group id. A broker that could not be asked makes {@link #all()} fail, while
 * {@link #valid()} still lists what the others answered and {@link #errors()} says what went
 * wrong. Thread-safe; the futures complete on the admin client's I/O thread: callbacks attached
 * to them must not block.
 */
public final class ListConsumerGroupsResult
{
    private final CompletableFuture<List<CompletableFuture<Collection<ConsumerGroupListing>>>> perBroker;

    /** @param perBroker one future per broker, once the brokers are known; fails when they could not be found */
    ListConsumerGroupsResult(final CompletableFuture<List<CompletableFuture<Collection<ConsumerGroupListing>>>> perBroker)
    {
        this.perBroker = perBroker;
    }

    /** Every group, once every broker answered; else fails with the first failure. */
    public CompletableFuture<Collection<ConsumerGroupListing>> all()
    {
        return perBroker.thenCompose(futures -> Futures.allOf(futures).thenApply(ignored -> merge(futures)));
    }

    /** The groups of the brokers that answered. Fails only when the brokers themselves could not be found. */
    public CompletableFuture<Collection<ConsumerGroupListing>> valid()
    {
        return perBroker.thenCompose(futures -> settled(futures).thenApply(ignored -> merge(futures)));
    }

    /** Why brokers could not be asked (or why the brokers could not be found); empty when all answered. */
    public CompletableFuture<Collection<Throwable>> errors()
    {
        return perBroker.handle((futures, error) -> error == null
            ? settled(futures).thenApply(ignored -> failures(futures))
            : CompletableFuture.<Collection<Throwable>>completedFuture(List.of(unwrap(error))))
            .thenCompose(f -> f);
    }

    private static Collection<Throwable> failures(final List<CompletableFuture<Collection<ConsumerGroupListing>>> futures)
    {
        final List<Throwable> errors = new ArrayList<>();
        for (final CompletableFuture<Collection<ConsumerGroupListing>> f : futures)
        {
            try
            {
                f.join();
            }
            catch (final CompletionException | CancellationException e)
            {
                errors.add(unwrap(e));
            }
        }
        return Collections.unmodifiableList(errors);
    }

    /** Completes once every future has, successfully or not. */
    private static CompletableFuture<Void> settled(final List<CompletableFuture<Collection<ConsumerGroupListing>>> futures)
    {
        final List<CompletableFuture<Object>> handled = new ArrayList<>();
        for (final CompletableFuture<Collection<ConsumerGroupListing>> f : futures)
        {
            handled.add(f.handle((v, e) -> null));
        }
        return Futures.allOf(handled);
    }

    /** The successful brokers' groups, one listing per id (a group lives on one coordinator), by id. */
    private static Collection<ConsumerGroupListing> merge(final List<CompletableFuture<Collection<ConsumerGroupListing>>> futures)
    {
        final Map<String, ConsumerGroupListing> byId = new TreeMap<>();
        for (final CompletableFuture<Collection<ConsumerGroupListing>> f : futures)
        {
            if (f.isDone() && !f.isCompletedExceptionally())
            {
                for (final ConsumerGroupListing listing : f.join())
                {
                    byId.putIfAbsent(listing.groupId(), listing);
                }
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(byId.values()));
    }

    private static Throwable unwrap(final Throwable error)
    {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
