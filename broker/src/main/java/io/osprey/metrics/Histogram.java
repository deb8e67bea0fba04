package io.osprey.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed buckets, written in Prometheus' histogram layout (cumulative
 * {@code _bucket} lines with {@code le} in seconds, then {@code _sum} and {@code _count}).
 * <p>
 * {@link #recordNs} costs a scan of ten bounds and two {@link LongAdder}
 * increments, allocates nothing, and may be called from any thread; a scrape reads the adders
 * without stopping writers, so a scrape racing a record may see its bucket but not yet its sum.
 */
public final class Histogram
{
    /** Upper bounds in nanoseconds: 100 us to 5 s, roughly two per decade, enough to see a tail move. */
    private static final long[] BOUNDS_NS = {
        100_000L, 500_000L, 1_000_000L, 5_000_000L, 10_000_000L, 50_000_000L, 100_000_000L, 500_000_000L,
        1_000_000_000L, 5_000_000_000L};
    private static final String[] BOUNDS_TEXT = {"0.0001", "0.0005", "0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1.0",
        "5.0"};

    /** Per bucket, not cumulative; the last one is +Inf. */
    private final LongAdder[] counts = new LongAdder[BOUNDS_NS.length + 1];
    private final LongAdder sumNs = new LongAdder();

    public Histogram()
    {
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = new LongAdder();
        }
    }

    public void recordNs(final long ns)
    {
        final long value = Math.max(0, ns);
        int i = 0;
        while (i < BOUNDS_NS.length && value > BOUNDS_NS[i])
        {
            i++;
        }
        counts[i].increment();
        sumNs.add(value);
    }

    public long count()
    {
        long n = 0;
        for (final LongAdder c : counts)
        {
            n += c.sum();
        }
        return n;
    }

    /** Writes the samples (not the HELP and TYPE lines) of {@code name}, with {@code labels} (may be empty) on each. */
    public void write(final PrometheusText out, final String name, final String labels)
    {
        final String prefix = labels.isEmpty() ? "" : labels + ",";
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++)
        {
            cumulative += counts[i].sum();
            out.sample(name + "_bucket", prefix + "le=\"" + (i < BOUNDS_TEXT.length ? BOUNDS_TEXT[i] : "+Inf") + "\"",
                cumulative);
        }
        out.sample(name + "_sum", labels, sumNs.sum() / 1e9);
        out.sample(name + "_count", labels, cumulative);
    }
}
