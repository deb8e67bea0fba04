package io.osprey.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.osprey.producer.OspreyProducer;
import io.osprey.producer.ProducerRecord;
import io.osprey.serialization.Serdes;

/**
 * Producer throughput and latency with Osprey's own producer, printed in the shape of Kafka's
 * {@code ProducerPerformance} so the two can be compared line by line on the same broker.
 * Latency is send() to acknowledgement, recorded in an HdrHistogram (microsecond resolution).
 * <pre>
 *   ProducerPerf --topic T --num-records N --record-size B [--throughput R|-1] [--bootstrap-server H:P] [--producer-props k=v ...]
 * </pre>
 */
public final class ProducerPerf
{
    private ProducerPerf()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        String topic = "perf";
        long numRecords = 1_000_000;
        int recordSize = 100;
        long throughput = -1;
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--topic" -> topic = args[++i];
                case "--num-records" -> numRecords = Long.parseLong(args[++i]);
                case "--record-size" -> recordSize = Integer.parseInt(args[++i]);
                case "--throughput" -> throughput = Long.parseLong(args[++i]);
                case "--bootstrap-server" -> props.put("bootstrap.servers", args[++i]);
                case "--producer-props" ->
                {
                    while (i + 1 < args.length && !args[i + 1].startsWith("--"))
                    {
                        final String kv = args[++i];
                        final int eq = kv.indexOf('=');
                        props.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        props.putIfAbsent("client.id", "osprey-producer-perf");
        final byte[] value = new byte[recordSize];
        final Recorder recorder = new Recorder(3_600_000_000L, 3);
        final AtomicLong acked = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final long start = System.nanoTime();
        try (OspreyProducer<byte[], byte[]> producer = new OspreyProducer<>(props, new Serdes.ByteArraySerializer(),
            new Serdes.ByteArraySerializer()))
        {
            for (long i = 0; i < numRecords && failure.get() == null; i++)
            {
                if (throughput > 0)
                {
                    final long dueNs = start + (long)(i * 1e9 / throughput);
                    while (System.nanoTime() < dueNs)
                    {
                        Thread.onSpinWait();
                    }
                }
                final long sendNs = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value), (md, e) ->
                {
                    if (e != null)
                    {
                        failure.compareAndSet(null, e);
                        return;
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - sendNs) / 1000));
                    acked.incrementAndGet();
                });
            }
            producer.flush();
        }
        if (failure.get() != null)
        {
            throw failure.get();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final Histogram h = recorder.getIntervalHistogram();
        final long n = acked.get();
        System.out.printf("%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, " +
            "%d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n",
            n, n / seconds, n * (double)recordSize / seconds / (1024 * 1024), h.getMean() / 1000.0, h.getMaxValue() / 1000.0,
            h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(95) / 1000, h.getValueAtPercentile(99) / 1000,
            h.getValueAtPercentile(99.9) / 1000);
    }
}
