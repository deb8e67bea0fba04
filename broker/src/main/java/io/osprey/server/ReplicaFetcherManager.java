package io.osprey.server;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

import io.osprey.common.TopicPartition;

/**
 * The replica fetchers of this broker: one per source broker, each fetching every partition
 * this broker follows from that leader ({@code num.replica.fetchers} is 1 per source here).
 * A partition is moved between fetchers when its leader changes and dropped when this broker
 * leads it, no longer hosts it, or it has no leader. Metadata thread (and close).
 */
final class ReplicaFetcherManager implements AutoCloseable
{
    private final ReplicaFetcher.Settings settings;
    private final IntFunction<String> endpoints;
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, ReplicaFetcher> assigned = new HashMap<>();
    private boolean closed;

    ReplicaFetcherManager(final ReplicaFetcher.Settings settings, final IntFunction<String> endpoints)
    {
        this.settings = settings;
        this.endpoints = endpoints;
    }

    /** Fetches {@code partition} from {@code leaderId} in {@code leaderEpoch} from now on. */
    synchronized void follow(final Partition partition, final int leaderId, final int leaderEpoch)
    {
        if (closed)
        {
            return;
        }
        final TopicPartition tp = partition.topicPartition();
        final ReplicaFetcher current = assigned.get(tp);
        if (current != null && current.sourceBrokerId() != leaderId)
        {
            unfollow(tp);
        }
        final ReplicaFetcher fetcher = fetchers.computeIfAbsent(leaderId, id ->
        {
            final ReplicaFetcher f = new ReplicaFetcher(id, settings, endpoints);
            f.start();
            return f;
        });
        fetcher.add(partition, leaderEpoch);
        assigned.put(tp, fetcher);
    }

    /** Stops fetching {@code tp}; a fetcher left with nothing to fetch stops. */
    synchronized void unfollow(final TopicPartition tp)
    {
        final ReplicaFetcher fetcher = assigned.remove(tp);
        if (fetcher == null)
        {
            return;
        }
        fetcher.remove(tp);
        if (fetcher.isEmpty())
        {
            fetchers.remove(fetcher.sourceBrokerId());
            fetcher.close();
        }
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        for (final ReplicaFetcher f : fetchers.values())
        {
            f.close();
        }
        fetchers.clear();
        assigned.clear();
    }
}
