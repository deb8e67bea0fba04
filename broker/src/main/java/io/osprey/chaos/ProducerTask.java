package io.osprey.chaos;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.osprey.producer.OspreyProducer;
import io.osprey.producer.ProducerRecord;
import io.osprey.serialization.Serdes;

/**
 * One idempotent acks=all producer of the workload, on a thread of its own: it sends sequence
 * numbers 0, 1, 2, ... at a steady rate, record {@code s} to partition {@code s % partitions},
 * and records where each acknowledged one was written. Unanswered sends are bounded
 * ({@link #IN_FLIGHT_MAX}) so a cluster that stops answering slows the producer instead of filling
 * its memory; a producer that fell behind its schedule does not burst to catch up.
 */
final class ProducerTask implements Runnable
{
    /** A few seconds of sends at the usual rates: enough to keep batches flowing through a failover. */
    private static final int IN_FLIGHT_MAX = 5_000;
    /** Generous, so a send outlives any single fault and its recovery (Kafka's default is 120 s too). */
    static final int DELIVERY_TIMEOUT_MS = 120_000;

    private final int index;
    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final long intervalNs;
    private final int recordBytes;
    private final AckTable acks;
    private final SendFailures failures;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
    private volatile boolean running = true;
    private volatile Throwable crash;

    ProducerTask(final int index, final String bootstrap, final String topic, final int partitions, final double ratePerSecond,
        final int recordBytes, final AckTable acks, final SendFailures failures)
    {
        this.index = index;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.intervalNs = (long)(1e9 / ratePerSecond);
        this.recordBytes = recordBytes;
        this.acks = acks;
        this.failures = failures;
    }

    /** Ends the sending; the thread then waits for every send to be answered, and closes. */
    void stop()
    {
        running = false;
    }

    Throwable crash()
    {
        return crash;
    }

    int inFlight()
    {
        return IN_FLIGHT_MAX - inFlight.availablePermits();
    }

    @Override
    public void run()
    {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("client.id", "chaos-producer-" + index);
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        config.put("retries", Integer.MAX_VALUE);
        config.put("delivery.timeout.ms", DELIVERY_TIMEOUT_MS);
        config.put("request.timeout.ms", 30_000);
        config.put("linger.ms", 5L);
        config.put("max.block.ms", (long)DELIVERY_TIMEOUT_MS);
        try (OspreyProducer<byte[], byte[]> producer = new OspreyProducer<>(config, new Serdes.ByteArraySerializer(),
            new Serdes.ByteArraySerializer()))
        {
            long nextNs = System.nanoTime();
            while (running)
            {
                final long waitNs = nextNs - System.nanoTime();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(waitNs);
                    continue;
                }
                // Behind schedule after a stall: carry on at the rate from now rather than burst.
                nextNs = Math.max(nextNs + intervalNs, System.nanoTime() - intervalNs);
                if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS))
                {
                    continue;
                }
                final long sequence = acks.nextSequence();
                final int partition = (int)(sequence % partitions);
                try
                {
                    producer.send(new ProducerRecord<>(topic, partition, null, Values.toBytes(index, sequence, recordBytes)), (md, e) ->
                    {
                        if (e == null)
                        {
                            acks.onAcknowledged(sequence, md.partition(), md.offset());
                        }
                        else
                        {
                            failures.onFailure(e);
                        }
                        inFlight.release();
                    });
                }
                catch (final RuntimeException e)
                {
                    // send() itself refused (metadata or buffer wait ran out): not sent, not acknowledged.
                    failures.onFailure(e);
                    inFlight.release();
                }
            }
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
        catch (final Throwable t)
        {
            crash = t;
            ChaosLog.info("producer %d crashed: %s", index, t);
        }
    }
}
