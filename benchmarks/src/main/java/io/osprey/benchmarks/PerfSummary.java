package io.osprey.benchmarks;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The machine-readable result of one perf-tool run, printed last: one line
 * {@code summary key=value key=value ...} (values never contain spaces), or with {@code --json}
 * one JSON object on one line. {@code scripts/bench-vs-kafka.sh} reads the key=value form.
 * Latencies are microseconds ({@code _us}); MB is 2^20 bytes, as in Kafka's tools.
 */
final class PerfSummary
{
    static final double MB = 1024.0 * 1024.0;

    private final Map<String, Object> values = new LinkedHashMap<>();

    PerfSummary put(final String key, final Object value)
    {
        values.put(key, value);
        return this;
    }

    /** Adds {@code <prefix>count, mean, p50, p95, p99, p999, max} (µs) of a histogram of microseconds. */
    PerfSummary putLatency(final String prefix, final Histogram us)
    {
        put(prefix + "latency_count", us.getTotalCount());
        put(prefix + "mean_us", round1(us.getTotalCount() == 0 ? 0 : us.getMean()));
        put(prefix + "p50_us", us.getValueAtPercentile(50));
        put(prefix + "p95_us", us.getValueAtPercentile(95));
        put(prefix + "p99_us", us.getValueAtPercentile(99));
        put(prefix + "p999_us", us.getValueAtPercentile(99.9));
        put(prefix + "max_us", us.getMaxValue());
        return this;
    }

    static double round1(final double v)
    {
        return Math.round(v * 10) / 10.0;
    }

    static double round2(final double v)
    {
        return Math.round(v * 100) / 100.0;
    }

    void print(final PrintStream out, final boolean json)
    {
        final StringBuilder sb = new StringBuilder(json ? "{" : "summary");
        boolean first = true;
        for (final Map.Entry<String, Object> e : values.entrySet())
        {
            final Object v = e.getValue();
            if (json)
            {
                sb.append(first ? "" : ",").append('"').append(e.getKey()).append("\":");
                sb.append(v instanceof Number ? format(v) : "\"" + String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
            else
            {
                sb.append(' ').append(e.getKey()).append('=').append(format(v).replace(' ', '_'));
            }
            first = false;
        }
        out.println(json ? sb.append('}') : sb);
        out.flush();
    }

    private static String format(final Object v)
    {
        if (v instanceof Double d)
        {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : String.format(Locale.ROOT, "%s", d);
        }
        return String.valueOf(v);
    }

    /** One human-readable line of percentiles: {@code p50 1,234 us, p95 ..., max ...}. */
    static String latencyLine(final Histogram us)
    {
        return String.format(Locale.ROOT, "mean %,.0f us, p50 %,d us, p95 %,d us, p99 %,d us, p99.9 %,d us, max %,d us",
            us.getTotalCount() == 0 ? 0.0 : us.getMean(), us.getValueAtPercentile(50), us.getValueAtPercentile(95),
            us.getValueAtPercentile(99), us.getValueAtPercentile(99.9), us.getMaxValue());
    }
}
