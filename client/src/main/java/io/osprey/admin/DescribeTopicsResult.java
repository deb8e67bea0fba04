package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#describeTopics}, one future per topic name; a topic that does not
 * exist fails with {@code UNKNOWN_TOPIC_OR_PARTITION}. Thread-safe; the futures complete on the admin client's
 * I/O thread: callbacks attached to them must not block.
 */
public final class DescribeTopicsResult
{
    private final Map<String, CompletableFuture<TopicDescription>> futures;

    DescribeTopicsResult(final Map<String, CompletableFuture<TopicDescription>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<String, CompletableFuture<TopicDescription>> topicNameValues()
    {
        return futures;
    }

    /** Every description by name once all succeed; else fails with the first failure. */
    public CompletableFuture<Map<String, TopicDescription>> allTopicNames()
    {
        return Futures.allValues(futures);
    }
}
