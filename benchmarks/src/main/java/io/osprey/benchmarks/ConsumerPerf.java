package io.osprey.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Consumer throughput, in the spirit of Kafka's {@code ConsumerPerformance}, with Osprey's
 * consumer or Kafka's ({@code --client}): assigns every partition of the topic (assign mode, no
 * group, so no rebalance or offset commit is measured), starts each at its beginning, and polls
 * until {@code --messages} records arrived or none arrived for {@code --timeout} ms.
 * <p>
 * Reported: records and bytes (key + value) consumed; the <em>time to first record</em>, from
 * creating the consumer to the first poll that returned records (metadata, connection, offset
 * lookup and first fetch); records/s and MB/s over the whole read (creation to the last record);
 * and the <em>fetch</em> rates from the first record to the last, which is the steady catch-up
 * rate. Ends with one machine-readable line ({@link PerfSummary}).
 */
public final class ConsumerPerf
{
    static final String USAGE = """
        consumer-perf [--client osprey|kafka] [--bootstrap-server H:P] [--topic T] [--messages N|-1] [--timeout MS]
                      [--fetch-max-bytes B] [--consumer-props k=v ...] [--json]
          --messages N   stop after N records (default -1: read until idle)
          --timeout MS   stop after MS without a record (default 5000); also bounds the wait for the first record (x6)""";

    private static final Duration POLL = Duration.ofMillis(100);

    private ConsumerPerf()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        PerfArgs.run(args, ConsumerPerf::run);
    }

    private static void run(final String[] args) throws Exception
    {
        final PerfArgs a = new PerfArgs(args, Set.of("--consumer-props"), Set.of("--json"), USAGE);
        final PerfClient client = a.client();
        final String bootstrap = a.string("--bootstrap-server", "127.0.0.1:9092");
        final String topic = a.string("--topic", "perf");
        final long messages = a.longValue("--messages", -1);
        final long idleTimeoutMs = a.longValue("--timeout", 5000);
        final boolean json = a.flag("--json");
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("client.id", client.name() + "-consumer-perf");
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        ProducerPerf.putIfGiven(config, "fetch.max.bytes", a.string("--fetch-max-bytes", null));
        config.putAll(a.properties("--consumer-props"));
        a.checkAllUsed();

        final long[] counts = new long[2];
        final PerfClient.RecordSink sink = (key, value) ->
        {
            counts[0]++;
            counts[1] += (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        };
        final long startNs = System.nanoTime();
        long firstRecordNs = 0;
        long lastRecordNs = 0;
        final int partitions;
        try (PerfClient.Consumer consumer = client.consumer(config))
        {
            partitions = consumer.assignAll(topic, true, Duration.ofSeconds(30));
            long lastProgressNs = System.nanoTime();
            while (messages < 0 || counts[0] < messages)
            {
                final int n = consumer.poll(POLL, sink);
                final long nowNs = System.nanoTime();
                if (n > 0)
                {
                    if (firstRecordNs == 0)
                    {
                        firstRecordNs = nowNs;
                    }
                    lastRecordNs = nowNs;
                    lastProgressNs = nowNs;
                }
                else if (nowNs - lastProgressNs > idleTimeoutMs * (firstRecordNs == 0 ? 6 : 1) * 1_000_000L)
                {
                    break;
                }
            }
        }
        final long records = counts[0];
        final long bytes = counts[1];
        if (records == 0)
        {
            System.out.println("no records consumed from " + topic);
        }
        final double seconds = Math.max(1, lastRecordNs - startNs) / 1e9;
        final double fetchSeconds = Math.max(1, lastRecordNs - firstRecordNs) / 1e9;
        final double firstMs = records == 0 ? -1 : (firstRecordNs - startNs) / 1e6;
        final double recordsPerSec = records == 0 ? 0 : records / seconds;
        final double mbPerSec = records == 0 ? 0 : bytes / PerfSummary.MB / seconds;
        final double fetchRecordsPerSec = records == 0 ? 0 : records / fetchSeconds;
        final double fetchMbPerSec = records == 0 ? 0 : bytes / PerfSummary.MB / fetchSeconds;
        System.out.printf(Locale.ROOT, "%,d records (%.2f MB) from %d partitions; first record after %.1f ms; "
            + "%,.0f records/s, %.2f MB/s overall; %,.0f records/s, %.2f MB/s from the first record%n",
            records, bytes / PerfSummary.MB, partitions, firstMs, recordsPerSec, mbPerSec, fetchRecordsPerSec, fetchMbPerSec);
        new PerfSummary()
            .put("tool", "consumer-perf").put("client", client.name()).put("topic", topic).put("partitions", partitions)
            .put("records", records).put("bytes", bytes)
            .put("time_to_first_record_ms", PerfSummary.round1(firstMs))
            .put("seconds", PerfSummary.round2(records == 0 ? 0 : seconds))
            .put("records_per_sec", PerfSummary.round1(recordsPerSec)).put("mb_per_sec", PerfSummary.round2(mbPerSec))
            .put("fetch_records_per_sec", PerfSummary.round1(fetchRecordsPerSec))
            .put("fetch_mb_per_sec", PerfSummary.round2(fetchMbPerSec))
            .print(System.out, json);
        if (records == 0 || messages > 0 && records < messages)
        {
            System.exit(1);
        }
    }
}
