package io.osprey.metrics;

/**
 * Builds a scrape in the Prometheus text exposition format 0.0.4: {@code # HELP} and
 * {@code # TYPE} once per metric family, then one {@code name{labels} value} line per sample.
 * Hand-written rather than taken from client_java: the format is a few lines of text, and the
 * registries here are a handful of {@code LongAdder}s read at scrape time.
 * <p>
 * Not thread-safe: one per scrape.
 */
public final class PrometheusText
{
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder sb = new StringBuilder(4096);

    /** Starts a family; {@code type} is counter, gauge or histogram. */
    public PrometheusText family(final String name, final String type, final String help)
    {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    public PrometheusText sample(final String name, final String labels, final long value)
    {
        start(name, labels).append(value).append('\n');
        return this;
    }

    public PrometheusText sample(final String name, final String labels, final double value)
    {
        start(name, labels).append(value).append('\n');
        return this;
    }

    private StringBuilder start(final String name, final String labels)
    {
        sb.append(name);
        if (!labels.isEmpty())
        {
            sb.append('{').append(labels).append('}');
        }
        return sb.append(' ');
    }

    /** {@code name="value"} with the value escaped as the format requires (backslash, quote, newline). */
    public static String label(final String name, final String value)
    {
        final StringBuilder b = new StringBuilder(name.length() + value.length() + 3).append(name).append("=\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Override
    public String toString()
    {
        return sb.toString();
    }
}
