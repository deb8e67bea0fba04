package io.osprey.admin;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The combinators the result classes share. Stateless. */
final class Futures
{
    private Futures()
    {
    }

    /** Completes when every future has; fails with the first failure found once all are done (Kafka's {@code allOf}). */
    static CompletableFuture<Void> allOf(final Collection<? extends CompletableFuture<?>> futures)
    {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
    }

    /** Every value by key once all succeed; fails as {@link #allOf} does. */
    static <K, V> CompletableFuture<Map<K, V>> allValues(final Map<K, CompletableFuture<V>> futures)
    {
        return allOf(futures.values()).thenApply(ignored ->
        {
            final Map<K, V> values = new LinkedHashMap<>();
            futures.forEach((key, future) -> values.put(key, future.join()));
            return Collections.unmodifiableMap(values);
        });
    }

    /** The same futures with their values dropped, for the {@code values()} of calls that return nothing. */
    static <K, V> Map<K, CompletableFuture<Void>> voids(final Map<K, CompletableFuture<V>> futures)
    {
        final Map<K, CompletableFuture<Void>> out = new LinkedHashMap<>();
        futures.forEach((key, future) -> out.put(key, future.thenApply(v -> null)));
        return Collections.unmodifiableMap(out);
    }
}
