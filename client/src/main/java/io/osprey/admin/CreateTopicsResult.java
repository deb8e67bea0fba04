package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#createTopics}, one future per topic. A topic the broker refused
 * fails with an {@link io.osprey.common.OspreyException} carrying the broker's error code
 * ({@code TOPIC_ALREADY_EXISTS}, {@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_CONFIG}, ...)
 * and its message. Thread-safe; the futures complete on the admin client's I/O thread: callbacks attached to
 * them must not block.
 */
public final class CreateTopicsResult
{
    /**
     * What the broker reported about a created (or, with validateOnly, validated) topic.
     *
     * @param topicId all zero when the broker did not say (CreateTopics before v7, or validateOnly)
     * @param config  the topic's resulting configs, or null when the broker did not describe them
     */
    public record TopicMetadataAndConfig(UUID topicId, int numPartitions, int replicationFactor, Config config)
    {
    }

    private final Map<String, CompletableFuture<TopicMetadataAndConfig>> futures;
    private final Map<String, CompletableFuture<Void>> values;

    CreateTopicsResult(final Map<String, CompletableFuture<TopicMetadataAndConfig>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
        this.values = Futures.voids(futures);
    }

    /** One future per topic, by name. */
    public Map<String, CompletableFuture<Void>> values()
    {
        return values;
    }

    /** Succeeds when every topic was created; else fails with the first failure. */
    public CompletableFuture<Void> all()
    {
        return Futures.allOf(futures.values());
    }

    public CompletableFuture<UUID> topicId(final String topic)
    {
        return future(topic).thenApply(TopicMetadataAndConfig::topicId);
    }

    public CompletableFuture<Integer> numPartitions(final String topic)
    {
        return future(topic).thenApply(TopicMetadataAndConfig::numPartitions);
    }

    public CompletableFuture<Integer> replicationFactor(final String topic)
    {
        return future(topic).thenApply(TopicMetadataAndConfig::replicationFactor);
    }

    public CompletableFuture<Config> config(final String topic)
    {
        return future(topic).thenApply(TopicMetadataAndConfig::config);
    }

    private CompletableFuture<TopicMetadataAndConfig> future(final String topic)
    {
        final CompletableFuture<TopicMetadataAndConfig> future = futures.get(topic);
        if (future == null)
        {
            throw new IllegalArgumentException("Topic '" + topic + "' was not part of this createTopics call: " + futures.keySet());
        }
        return future;
    }
}
