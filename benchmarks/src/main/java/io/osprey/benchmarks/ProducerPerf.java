package io.osprey.benchmarks;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Producer throughput and latency, in the shape of Kafka's {@code ProducerPerformance} so the two
 * can be compared line by line, with Osprey's producer or Kafka's ({@code --client}).
 * <p>
 * Latency is from just before {@code send()} (so time blocked in it counts) to the
 * acknowledgement callback, recorded in HdrHistograms at microsecond resolution: one for the
 * whole run and one for the <em>steady state</em>, the records after the first
 * {@code --warmup-fraction} of them (JIT, connections, first batches and page-cache growth
 * excluded). Rates: whole run = records / (last acknowledgement - first send); steady state =
 * steady records / (last acknowledgement - send of the first steady record). Every
 * {@code --reporting-interval} ms a window line like Kafka's is printed; at the end the
 * Kafka-shaped total line, the two summaries, and one machine-readable line
 * ({@link PerfSummary}).
 * <p>
 * The payload is the same for every record: {@code --record-size} random upper-case letters, as
 * Kafka's tool sends. Records have no key, so both clients use their sticky partitioner.
 * With {@code --throughput R} records are paced by {@link Throttle}; {@code -1} sends as fast as
 * the producer accepts them.
 */
public final class ProducerPerf
{
    static final String USAGE = """
        producer-perf [--client osprey|kafka] [--bootstrap-server H:P] [--topic T] [--num-records N] [--record-size B]
                      [--throughput R|-1] [--acks 0|1|all] [--linger-ms MS] [--batch-size B] [--compression none|gzip|lz4|zstd]
                      [--partitions P] [--warmup-fraction F] [--reporting-interval MS] [--producer-props k=v ...] [--json]
          --partitions P          create the topic with P partitions if it does not exist (default 0: leave it to auto-creation)
          --warmup-fraction F     share of the records left out of the steady-state figures (default 0.2)
          --throughput R          records/s to send at; -1 (default) as fast as possible
          acks, linger, batch size and compression are passed to the producer only when given (else its defaults);
          --producer-props are applied last and win.""";

    private ProducerPerf()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        PerfArgs.run(args, ProducerPerf::run);
    }

    private static void run(final String[] args) throws Exception
    {
        final PerfArgs a = new PerfArgs(args, Set.of("--producer-props"), Set.of("--json"), USAGE);
        final PerfClient client = a.client();
        final String bootstrap = a.string("--bootstrap-server", "127.0.0.1:9092");
        final String topic = a.string("--topic", "perf");
        final long numRecords = a.longValue("--num-records", 1_000_000);
        final int recordSize = a.intValue("--record-size", 100);
        final double throughput = a.doubleValue("--throughput", -1);
        final int partitions = a.intValue("--partitions", 0);
        final double warmupFraction = a.doubleValue("--warmup-fraction", 0.2);
        final long reportingIntervalMs = a.longValue("--reporting-interval", 5000);
        final boolean json = a.flag("--json");
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("client.id", client.name() + "-producer-perf");
        putIfGiven(config, "acks", a.string("--acks", null));
        putIfGiven(config, "linger.ms", a.string("--linger-ms", null));
        putIfGiven(config, "batch.size", a.string("--batch-size", null));
        putIfGiven(config, "compression.type", a.string("--compression", null));
        config.putAll(a.properties("--producer-props"));
        a.checkAllUsed();
        if (numRecords <= 0 || recordSize <= 0 || warmupFraction < 0 || warmupFraction >= 1)
        {
            throw a.fail("--num-records and --record-size must be positive and --warmup-fraction in [0, 1)");
        }

        if (partitions > 0)
        {
            client.ensureTopic(bootstrap, topic, partitions);
        }
        final byte[] value = payload(recordSize);
        final long warmupRecords = (long)(numRecords * warmupFraction);
        // Each acknowledgement is recorded once, in the recorder of its part of the run: a record costs the client's
        // thread one recording (a few atomic updates), where three recorders (whole run, steady state, window) cost it
        // three, a measurable share of a fast client's I/O thread. The whole run and the windows are sums of the two.
        final Recorder warmUp = new Recorder(3_600_000_000L, 3);
        final Recorder steady = new Recorder(3_600_000_000L, 3);
        final Histogram warmUpUs = new Histogram(3_600_000_000L, 3);
        final Histogram steadyUs = new Histogram(3_600_000_000L, 3);
        final AtomicLong acked = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        long steadyStartNs = 0;
        final long startNs;
        final long endNs;
        try (PerfClient.Producer producer = client.producer(config))
        {
            startNs = System.nanoTime();
            final Throttle throttle = new Throttle(throughput, startNs);
            long windowStartNs = startNs;
            long windowStartAcked = 0;
            for (long i = 0; i < numRecords && failure.get() == null; i++)
            {
                throttle.awaitTurn(i);
                final long sendNs = System.nanoTime();
                if (i == warmupRecords)
                {
                    steadyStartNs = sendNs;
                }
                final Recorder recorder = i >= warmupRecords ? steady : warmUp;
                producer.send(topic, value, error ->
                {
                    if (error != null)
                    {
                        failure.compareAndSet(null, error);
                        return;
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - sendNs) / 1000));
                    acked.incrementAndGet();
                });
                if (reportingIntervalMs > 0 && (i & 1023) == 0 && sendNs - windowStartNs >= reportingIntervalMs * 1_000_000L)
                {
                    final long ackedNow = acked.get();
                    printWindow(ackedNow - windowStartAcked, sendNs - windowStartNs, recordSize,
                        collect(warmUp, warmUpUs, steady, steadyUs));
                    windowStartNs = sendNs;
                    windowStartAcked = ackedNow;
                }
            }
            producer.flush();
            endNs = System.nanoTime();
        }
        if (failure.get() != null)
        {
            throw failure.get();
        }

        collect(warmUp, warmUpUs, steady, steadyUs);
        final Histogram wholeUs = warmUpUs.copy();
        wholeUs.add(steadyUs);
        final long n = acked.get();
        final double seconds = (endNs - startNs) / 1e9;
        final double recordsPerSec = n / seconds;
        final double mbPerSec = recordsPerSec * recordSize / PerfSummary.MB;
        final long steadyRecords = numRecords - warmupRecords;
        final double steadySeconds = (endNs - steadyStartNs) / 1e9;
        final double steadyRecordsPerSec = steadyRecords / steadySeconds;
        final double steadyMbPerSec = steadyRecordsPerSec * recordSize / PerfSummary.MB;
        System.out.printf(Locale.ROOT, "%d records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, "
            + "%d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n",
            n, recordsPerSec, mbPerSec, wholeUs.getMean() / 1000.0, wholeUs.getMaxValue() / 1000.0,
            wholeUs.getValueAtPercentile(50) / 1000, wholeUs.getValueAtPercentile(95) / 1000, wholeUs.getValueAtPercentile(99) / 1000,
            wholeUs.getValueAtPercentile(99.9) / 1000);
        System.out.printf(Locale.ROOT, "whole run:    %,d records in %.2f s, %,.0f records/s, %.2f MB/s; latency %s%n",
            n, seconds, recordsPerSec, mbPerSec, PerfSummary.latencyLine(wholeUs));
        System.out.printf(Locale.ROOT, "steady state: %,d records after the first %,d, %,.0f records/s, %.2f MB/s; latency %s%n",
            steadyRecords, warmupRecords, steadyRecordsPerSec, steadyMbPerSec, PerfSummary.latencyLine(steadyUs));
        new PerfSummary()
            .put("tool", "producer-perf").put("client", client.name()).put("topic", topic)
            .put("records", n).put("record_size", recordSize).put("target_rate", throughput)
            .put("seconds", PerfSummary.round2(seconds))
            .put("records_per_sec", PerfSummary.round1(recordsPerSec)).put("mb_per_sec", PerfSummary.round2(mbPerSec))
            .putLatency("", wholeUs)
            .put("steady_records", steadyRecords)
            .put("steady_records_per_sec", PerfSummary.round1(steadyRecordsPerSec))
            .put("steady_mb_per_sec", PerfSummary.round2(steadyMbPerSec))
            .putLatency("steady_", steadyUs)
            .print(System.out, json);
    }

    static void putIfGiven(final Map<String, Object> config, final String key, final String value)
    {
        if (value != null)
        {
            config.put(key, value);
        }
    }

    /** {@code size} random upper-case ASCII letters, as Kafka's ProducerPerformance sends. */
    static byte[] payload(final int size)
    {
        final Random random = new Random(0);
        final byte[] value = new byte[size];
        for (int i = 0; i < size; i++)
        {
            value[i] = (byte)('A' + random.nextInt(26));
        }
        return value;
    }

    /**
     * Moves what the two recorders took since the last call into the two run totals.
     *
     * @return what they took since the last call, both parts together: one reporting window
     */
    private static Histogram collect(final Recorder warmUp, final Histogram warmUpUs, final Recorder steady, final Histogram steadyUs)
    {
        final Histogram window = warmUp.getIntervalHistogram();
        warmUpUs.add(window);
        final Histogram steadyWindow = steady.getIntervalHistogram();
        steadyUs.add(steadyWindow);
        window.add(steadyWindow);
        return window;
    }

    private static void printWindow(final long records, final long elapsedNs, final int recordSize, final Histogram us)
    {
        final double rate = records * 1e9 / elapsedNs;
        System.out.printf(Locale.ROOT, "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n",
            records, rate, rate * recordSize / PerfSummary.MB, us.getTotalCount() == 0 ? 0.0 : us.getMean() / 1000.0, us.getMaxValue() / 1000.0);
    }
}
