package io.osprey.metrics;

import java.util.concurrent.atomic.LongAdder;

import io.osprey.protocol.ApiKey;

/**
 * Request counts and latencies per API. A request's life is split as Kafka splits it:
 * <ul>
 *   <li>queue: from the frame reaching the router to the handler starting (header decode);</li>
 *   <li>local: the handler's own work on the network thread (body decode, validation, reads);</li>
 *   <li>total: from the frame reaching the router to the response being handed to the
 *   connection, which includes waiting on the log agent, a delayed fetch or the controller.</li>
 * </ul>
 * A request that gets no response (acks=0 produce) counts in requests, queue and local but
 * not in total; one whose body does not decode (the connection is closed) counts nowhere. Thread-safe; arrays indexed by
 * {@link ApiKey#ordinal()}, so recording allocates nothing.
 */
public final class RequestMetrics
{
    private static final ApiKey[] APIS = ApiKey.values();

    private final LongAdder[] requests = new LongAdder[APIS.length];
    private final Histogram[] queueTime = new Histogram[APIS.length];
    private final Histogram[] localTime = new Histogram[APIS.length];
    private final Histogram[] totalTime = new Histogram[APIS.length];
    private final String[] labels = new String[APIS.length];

    public RequestMetrics()
    {
        for (int i = 0; i < APIS.length; i++)
        {
            requests[i] = new LongAdder();
            queueTime[i] = new Histogram();
            localTime[i] = new Histogram();
            totalTime[i] = new Histogram();
            labels[i] = PrometheusText.label("api", apiName(APIS[i]));
        }
    }

    /** Kafka's spelling of the API name: PRODUCE is Produce, LIST_OFFSETS is ListOffsets. */
    static String apiName(final ApiKey api)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String word : api.name().split("_"))
        {
            sb.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    /** The handler for {@code api} returned; times in nanoseconds. */
    public void onHandled(final ApiKey api, final long queueNs, final long localNs)
    {
        final int i = api.ordinal();
        requests[i].increment();
        queueTime[i].recordNs(queueNs);
        localTime[i].recordNs(localNs);
    }

    /** The response to an {@code api} request went to the connection {@code totalNs} after the request arrived. */
    public void onResponded(final ApiKey api, final long totalNs)
    {
        totalTime[api.ordinal()].recordNs(totalNs);
    }

    public long requests(final ApiKey api)
    {
        return requests[api.ordinal()].sum();
    }

    /** Writes the families; APIs never requested are left out. */
    public void write(final PrometheusText out)
    {
        out.family("osprey_requests_total", "counter", "Requests received, by API.");
        for (int i = 0; i < APIS.length; i++)
        {
            final long n = requests[i].sum();
            if (n > 0)
            {
                out.sample("osprey_requests_total", labels[i], n);
            }
        }
        writeHistograms(out, "osprey_request_queue_time_seconds", "Time from a request's arrival to its handler starting.",
            queueTime);
        writeHistograms(out, "osprey_request_local_time_seconds", "Time the handler spends on the network thread.", localTime);
        writeHistograms(out, "osprey_request_total_time_seconds", "Time from a request's arrival to its response being sent.",
            totalTime);
    }

    private void writeHistograms(final PrometheusText out, final String name, final String help, final Histogram[] byApi)
    {
        out.family(name, "histogram", help);
        for (int i = 0; i < APIS.length; i++)
        {
            if (requests[i].sum() > 0 || byApi[i].count() > 0)
            {
                byApi[i].write(out, name, labels[i]);
            }
        }
    }
}
