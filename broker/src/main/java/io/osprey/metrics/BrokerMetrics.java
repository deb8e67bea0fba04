package io.osprey.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters and histograms a broker updates as it works: per topic traffic, per API
 * requests and the log agents' flushes. Gauges (partition counts, controller state) are not
 * here: they are computed from the metadata image when scraped. Thread-safe.
 */
public final class BrokerMetrics
{
    private final Map<String, TopicMetrics> topics = new ConcurrentHashMap<>();
    private final RequestMetrics requests = new RequestMetrics();
    private final Histogram logFlushTime = new Histogram();
    private final java.util.concurrent.atomic.LongAdder isrShrinks = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder isrExpands = new java.util.concurrent.atomic.LongAdder();

    /** A committed ISR change of a partition this broker leads: smaller or larger than before. */
    public void onIsrChange(final int oldSize, final int newSize)
    {
        if (newSize < oldSize)
        {
            isrShrinks.increment();
        }
        else if (newSize > oldSize)
        {
            isrExpands.increment();
        }
    }

    /** The counters of {@code topic}, created on first use; looked up once per partition when it is opened. */
    public TopicMetrics topic(final String topic)
    {
        return topics.computeIfAbsent(topic, t -> new TopicMetrics());
    }

    /** Drops a deleted topic's series. Partitions still holding the old counters keep updating them, unseen. */
    public void removeTopic(final String topic)
    {
        topics.remove(topic);
    }

    public RequestMetrics requests()
    {
        return requests;
    }

    /** fsync time of the log agents' group commits (one sample per log flushed). */
    public Histogram logFlushTime()
    {
        return logFlushTime;
    }

    public void write(final PrometheusText out)
    {
        final Map<String, TopicMetrics> sorted = new java.util.TreeMap<>(topics);
        out.family("osprey_topic_bytes_in_total", "counter", "Bytes appended to the topic's logs by produce requests.");
        sorted.forEach((t, m) -> out.sample("osprey_topic_bytes_in_total", PrometheusText.label("topic", t), m.bytesIn()));
        out.family("osprey_topic_messages_in_total", "counter", "Records appended to the topic's logs by produce requests.");
        sorted.forEach((t, m) -> out.sample("osprey_topic_messages_in_total", PrometheusText.label("topic", t), m.messagesIn()));
        out.family("osprey_topic_bytes_out_total", "counter", "Bytes of the topic sent in consumer fetch responses.");
        sorted.forEach((t, m) -> out.sample("osprey_topic_bytes_out_total", PrometheusText.label("topic", t), m.bytesOut()));
        out.family("osprey_topic_messages_out_total", "counter", "Records of the topic sent in consumer fetch responses.");
        sorted.forEach((t, m) -> out.sample("osprey_topic_messages_out_total", PrometheusText.label("topic", t), m.messagesOut()));
        out.family("osprey_isr_shrinks_total", "counter", "ISR shrinks committed for partitions this broker leads.");
        out.sample("osprey_isr_shrinks_total", "", isrShrinks.sum());
        out.family("osprey_isr_expands_total", "counter", "ISR expansions committed for partitions this broker leads.");
        out.sample("osprey_isr_expands_total", "", isrExpands.sum());
        requests.write(out);
        out.family("osprey_log_flush_time_seconds", "histogram", "Time to fsync a partition log at a log agent's group commit.");
        logFlushTime.write(out, "osprey_log_flush_time_seconds", "");
    }
}
