package io.osprey.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic counters of one topic. The produce and fetch paths reach them through the
 * {@code Partition} they already hold, so a request costs one increment per partition and
 * nothing per record. Thread-safe.
 */
public final class TopicMetrics
{
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();

    /** An append wrote {@code bytes} holding {@code messages} records. */
    public void onAppend(final long bytes, final long messages)
    {
        bytesIn.add(bytes);
        messagesIn.add(messages);
    }

    /** A consumer fetch response carries {@code bytes} of this topic, holding {@code messages} records. */
    public void onFetch(final long bytes, final long messages)
    {
        bytesOut.add(bytes);
        messagesOut.add(messages);
    }

    public long messagesOut()
    {
        return messagesOut.sum();
    }

    public long bytesIn()
    {
        return bytesIn.sum();
    }

    public long messagesIn()
    {
        return messagesIn.sum();
    }

    public long bytesOut()
    {
        return bytesOut.sum();
    }
}
