package io.osprey.admin;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Admin#describeConsumerGroups}, one future per group id. As in Kafka, a
 * group that does not exist is described as {@link GroupState#DEAD} with no members, not as a
 * failure. Thread-safe; the futures complete on the
 * admin client's I/O thread: callbacks attached to them must not block.
 */
public final class DescribeConsumerGroupsResult
{
    private final Map<String, CompletableFuture<ConsumerGroupDescription>> futures;

    DescribeConsumerGroupsResult(final Map<String, CompletableFuture<ConsumerGroupDescription>> futures)
    {
        this.futures = Collections.unmodifiableMap(futures);
    }

    public Map<String, CompletableFuture<ConsumerGroupDescription>> describedGroups()
    {
        return futures;
    }

    /** Every description by group id once all succeed; else fails with the first failure. */
    public CompletableFuture<Map<String, ConsumerGroupDescription>> all()
    {
        return Futures.allValues(futures);
    }
}
