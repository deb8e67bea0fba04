package io.osprey.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The producers and consumers of a run, each on its own thread, and what they recorded: per
 * producer an {@link AckTable}, per consumer an {@link OffsetTable}. Memory is 8 bytes per
 * record per table (the acknowledgements, and one table per consumer), plus the producers'
 * bounded in-flight sends.
 */
final class Workload
{
    private final List<ProducerTask> producers = new ArrayList<>();
    private final List<AckTable> acks = new ArrayList<>();
    private final List<ConsumerTask> consumers = new ArrayList<>();
    private final List<Thread> producerThreads = new ArrayList<>();
    private final List<Thread> consumerThreads = new ArrayList<>();
    private final SendFailures failures = new SendFailures();
    private final int partitions;
    /** Availability as the producers saw it: the longest stretch with sends outstanding and no acknowledgement. */
    private long stallStartNs;
    private long lastAcknowledged = -1;
    private long stallMaxNs;
    private double stallMaxStartS;

    Workload(final ChaosOptions options, final String bootstrap, final String topic)
    {
        this.partitions = options.partitions();
        for (int i = 0; i < options.producers(); i++)
        {
            final AckTable table = new AckTable();
            acks.add(table);
            producers.add(new ProducerTask(i, bootstrap, topic, partitions, (double)options.ratePerSecond() / options.producers(),
                options.recordBytes(), table, failures));
        }
        consumers.add(new ConsumerTask("consumer-assigned", bootstrap, topic, partitions, null,
            new OffsetTable("consumer-assigned", partitions)));
        consumers.add(new ConsumerTask("consumer-group", bootstrap, topic, partitions, "chaos-" + options.seed(),
            new OffsetTable("consumer-group", partitions)));
    }

    void start()
    {
        for (final ConsumerTask c : consumers)
        {
            consumerThreads.add(start(c, c.table().name()));
        }
        for (int i = 0; i < producers.size(); i++)
        {
            producerThreads.add(start(producers.get(i), "chaos-producer-" + i));
        }
    }

    /**
     * Stops sending and waits for every send to be answered (acknowledged, or failed at its
     * delivery timeout).
     *
     * @return whether every producer finished within the time
     */
    boolean stopProducers(final long timeoutMs) throws InterruptedException
    {
        producers.forEach(ProducerTask::stop);
        return joinAll(producerThreads, timeoutMs);
    }

    /** Waits until every consumer has received every offset below the end offsets; false when the time ran out. */
    boolean awaitConsumersCaughtUp(final long[] endOffsets, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!caughtUp(endOffsets))
        {
            if (System.nanoTime() > deadlineNs)
            {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** The consumers that have not received everything below the end offsets, for the report. */
    List<String> laggingConsumers(final long[] endOffsets)
    {
        final List<String> lagging = new ArrayList<>();
        for (final ConsumerTask c : consumers)
        {
            for (int p = 0; p < partitions; p++)
            {
                if (c.table().end(p) < endOffsets[p])
                {
                    lagging.add(String.format("%s at partition %d: received up to offset %d of %d", c.table().name(), p,
                        c.table().end(p), endOffsets[p]));
                }
            }
        }
        return lagging;
    }

    void stopConsumers(final long timeoutMs) throws InterruptedException
    {
        consumers.forEach(ConsumerTask::stop);
        joinAll(consumerThreads, timeoutMs);
    }

    List<AckTable> acks()
    {
        return acks;
    }

    List<ConsumerTask> consumers()
    {
        return consumers;
    }

    SendFailures failures()
    {
        return failures;
    }

    List<ProducerTask> producers()
    {
        return producers;
    }

    long sent()
    {
        return acks.stream().mapToLong(AckTable::sent).sum();
    }

    long acknowledged()
    {
        return acks.stream().mapToLong(AckTable::acked).sum();
    }

    /**
     * Called every ~100 ms by the progress thread while the producers run: notes the longest time
     * the acknowledged count stood still while sends were outstanding.
     */
    synchronized void sampleStall(final long nowNs)
    {
        final long acknowledged = acknowledged();
        final boolean waiting = producers.stream().mapToInt(ProducerTask::inFlight).sum() > 0;
        if (acknowledged != lastAcknowledged || !waiting)
        {
            lastAcknowledged = acknowledged;
            stallStartNs = nowNs;
            return;
        }
        if (nowNs - stallStartNs > stallMaxNs)
        {
            stallMaxNs = nowNs - stallStartNs;
            stallMaxStartS = ChaosLog.secondsSinceStart() - stallMaxNs / 1e9;
        }
    }

    synchronized String longestStall()
    {
        return stallMaxNs == 0 ? "none" : String.format("%.1f s (from t=%.1f s)", stallMaxNs / 1e9, stallMaxStartS);
    }

    String progress()
    {
        final StringBuilder sb = new StringBuilder(String.format("sent %,d, acknowledged %,d, failed %,d, in flight %,d", sent(),
            acknowledged(), failures.total(), producers.stream().mapToInt(ProducerTask::inFlight).sum()));
        for (final ConsumerTask c : consumers)
        {
            sb.append(String.format("; %s received %,d", c.table().name(), c.table().records()));
        }
        return sb.toString();
    }

    private boolean caughtUp(final long[] endOffsets)
    {
        return laggingConsumers(endOffsets).isEmpty();
    }

    private static Thread start(final Runnable task, final String name)
    {
        final Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean joinAll(final List<Thread> threads, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (final Thread t : threads)
        {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            if (t.isAlive())
            {
                return false;
            }
        }
        return true;
    }
}
