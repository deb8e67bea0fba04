package io.osprey.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * End-to-end latency: a producer sends at a low fixed rate, a consumer in the same JVM reads the
 * records back, and each record's latency is the consumer's {@code System.nanoTime()} as the
 * record is handed out of {@code poll()}, minus the producer's {@code System.nanoTime()} just before
 * {@code send()}, which the record carries in its value. One process and one clock, so the
 * figure is exact to the clock's resolution; it is recorded in an HdrHistogram in microseconds.
 * <p>
 * Value layout, big-endian: {@code sendNs int64, sequence int64}, then filler up to
 * {@code --record-size} (at least 16). The first {@code --warmup-records} records (by sequence)
 * are left out of the histogram. The consumer assigns every partition at its end before the
 * producer starts, so it sees every record. The producer defaults to {@code linger.ms=0} and
 * {@code acks=1}: this measures how soon a record can travel, not how well it batches.
 * <p>
 * Threads: the producer sends from its own thread ({@link Throttle}), the consumer polls on
 * {@code main}.
 */
public final class EndToEndLatency
{
    static final String USAGE = """
        e2e-latency [--client osprey|kafka] [--bootstrap-server H:P] [--topic T] [--num-records N] [--throughput R]
                    [--record-size B] [--warmup-records W] [--acks 0|1|all] [--linger-ms MS] [--partitions P] [--timeout MS]
                    [--print-slow-us US] [--producer-props k=v ...] [--consumer-props k=v ...] [--json]
          defaults: 10,000 records at 1,000 records/s, 100 bytes, the first 1,000 left out, acks=1, linger.ms=0;
          --partitions P creates the topic if missing (default 1); --timeout MS: give up MS after the last send (default 10000);
          --print-slow-us US: print each measured record slower than US to stderr as "slow <epoch ms seen> <sequence> <us>",
          to line the tail up with GC logs or a scheduler trace""";

    private static final int HEADER_BYTES = 16;

    private EndToEndLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        PerfArgs.run(args, EndToEndLatency::run);
    }

    private static void run(final String[] args) throws Exception
    {
        final PerfArgs a = new PerfArgs(args, Set.of("--producer-props", "--consumer-props"), Set.of("--json"), USAGE);
        final PerfClient client = a.client();
        final String bootstrap = a.string("--bootstrap-server", "127.0.0.1:9092");
        final String topic = a.string("--topic", "e2e-latency");
        final long numRecords = a.longValue("--num-records", 10_000);
        final double throughput = a.doubleValue("--throughput", 1000);
        final int recordSize = a.intValue("--record-size", 100);
        final long warmupRecords = a.longValue("--warmup-records", Math.min(1000, numRecords / 10));
        final int partitions = a.intValue("--partitions", 1);
        final long timeoutMs = a.longValue("--timeout", 10_000);
        final long printSlowUs = a.longValue("--print-slow-us", Long.MAX_VALUE);
        final boolean json = a.flag("--json");
        final Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put("bootstrap.servers", bootstrap);
        producerConfig.put("client.id", client.name() + "-e2e-producer");
        producerConfig.put("acks", a.string("--acks", "1"));
        producerConfig.put("linger.ms", a.string("--linger-ms", "0"));
        producerConfig.putAll(a.properties("--producer-props"));
        final Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put("bootstrap.servers", bootstrap);
        consumerConfig.put("client.id", client.name() + "-e2e-consumer");
        consumerConfig.put("enable.auto.commit", "false");
        consumerConfig.putAll(a.properties("--consumer-props"));
        a.checkAllUsed();
        if (recordSize < HEADER_BYTES || numRecords <= warmupRecords || throughput <= 0)
        {
            throw a.fail("--record-size must be at least " + HEADER_BYTES + ", --num-records above --warmup-records, --throughput positive");
        }

        if (partitions > 0)
        {
            client.ensureTopic(bootstrap, topic, partitions);
        }
        final Histogram us = new Histogram(3_600_000_000L, 3);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong lastSendNs = new AtomicLong();
        long received = 0;
        try (PerfClient.Consumer consumer = client.consumer(consumerConfig);
            PerfClient.Producer producer = client.producer(producerConfig))
        {
            consumer.assignAll(topic, false, Duration.ofSeconds(30));
            final Thread sender = new Thread(() -> send(producer, topic, numRecords, throughput, recordSize, failure, lastSendNs),
                "e2e-sender");
            sender.start();
            final long[] count = {0};
            final PerfClient.RecordSink sink = (key, value) ->
            {
                final long seenNs = System.nanoTime();
                final ByteBuffer b = ByteBuffer.wrap(value);
                if (b.getLong(8) >= warmupRecords)
                {
                    final long latencyUs = Math.max(1, (seenNs - b.getLong(0)) / 1000);
                    us.recordValue(latencyUs);
                    if (latencyUs > printSlowUs)
                    {
                        System.err.println("slow " + System.currentTimeMillis() + " " + b.getLong(8) + " " + latencyUs);
                    }
                }
                count[0]++;
            };
            final Duration poll = Duration.ofMillis(100);
            while (count[0] < numRecords && failure.get() == null)
            {
                consumer.poll(poll, sink);
                if (!sender.isAlive() && System.nanoTime() - lastSendNs.get() > timeoutMs * 1_000_000L)
                {
                    break;
                }
            }
            sender.join();
            received = count[0];
        }
        if (failure.get() != null)
        {
            throw new IllegalStateException("send failed", failure.get());
        }
        System.out.printf(Locale.ROOT, "%,d of %,d records received; end-to-end latency of %,d (first %,d left out): %s%n",
            received, numRecords, us.getTotalCount(), warmupRecords, PerfSummary.latencyLine(us));
        new PerfSummary()
            .put("tool", "e2e-latency").put("client", client.name()).put("topic", topic)
            .put("records", received).put("record_size", recordSize).put("target_rate", throughput)
            .putLatency("", us)
            .print(System.out, json);
        if (received < numRecords)
        {
            System.exit(1);
        }
    }

    private static void send(final PerfClient.Producer producer, final String topic, final long numRecords, final double throughput,
        final int recordSize, final AtomicReference<Throwable> failure, final AtomicLong lastSendNs)
    {
        try
        {
            final byte[] value = ProducerPerf.payload(recordSize);
            final ByteBuffer header = ByteBuffer.wrap(value);
            final Throttle throttle = new Throttle(throughput, System.nanoTime());
            for (long i = 0; i < numRecords && failure.get() == null; i++)
            {
                throttle.awaitTurn(i);
                final long nowNs = System.nanoTime();
                header.putLong(0, nowNs).putLong(8, i);
                // send() copies the value into the batch before it returns, so the array is reused.
                producer.send(topic, value, error ->
                {
                    if (error != null)
                    {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        catch (final RuntimeException e)
        {
            failure.compareAndSet(null, e);
        }
        finally
        {
            lastSendNs.set(System.nanoTime());
        }
    }
}
