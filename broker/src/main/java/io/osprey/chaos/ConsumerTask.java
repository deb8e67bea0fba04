package io.osprey.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.ConsumerRecord;
import io.osprey.consumer.ConsumerRecords;
import io.osprey.consumer.InvalidOffsetException;
import io.osprey.consumer.OspreyConsumer;
import io.osprey.serialization.Serdes;

/**
 * One consumer of the workload, on a thread of its own, recording every (partition, offset,
 * value) it receives into its {@link OffsetTable}. Either it assigns itself every partition from
 * the beginning (no group: it sees each leader change directly), or it subscribes in a consumer
 * group with auto-commit (the group coordinator and the offsets topic under faults too). The
 * assigned one runs with {@code auto.offset.reset=none}, so a position the cluster no longer
 * accepts is reported instead of silently moved; it then starts over from the beginning.
 */
final class ConsumerTask implements Runnable
{
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final long ERROR_BACKOFF_MS = 1_000;
    /** Errors printed per consumer: a fault can make one error repeat for seconds. */
    private static final int ERRORS_PRINTED_MAX = 20;

    private final String name;
    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final String groupId;
    private final OffsetTable table;
    private volatile boolean running = true;
    private volatile long outOfRange;
    private volatile long errors;

    /** @param groupId the group to subscribe in, or null to assign every partition */
    ConsumerTask(final String name, final String bootstrap, final String topic, final int partitions, final String groupId,
        final OffsetTable table)
    {
        this.name = name;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.groupId = groupId;
        this.table = table;
    }

    OffsetTable table()
    {
        return table;
    }

    long outOfRange()
    {
        return outOfRange;
    }

    long errors()
    {
        return errors;
    }

    void stop()
    {
        running = false;
    }

    @Override
    public void run()
    {
        while (running)
        {
            try (OspreyConsumer<byte[], byte[]> consumer = new OspreyConsumer<>(config(), new Serdes.ByteArrayDeserializer(),
                new Serdes.ByteArrayDeserializer()))
            {
                if (groupId == null)
                {
                    final List<TopicPartition> all = new ArrayList<>();
                    for (int p = 0; p < partitions; p++)
                    {
                        all.add(new TopicPartition(topic, p));
                    }
                    consumer.assign(all);
                    consumer.seekToBeginning(all);
                }
                else
                {
                    consumer.subscribe(List.of(topic));
                }
                pollUntilStopped(consumer);
            }
            catch (final RuntimeException e)
            {
                // Anything else: a new consumer (assigned: from the beginning; in the group: from its committed offsets).
                onError("restarting the consumer after", e);
                sleepQuietly(ERROR_BACKOFF_MS);
            }
        }
    }

    private void pollUntilStopped(final OspreyConsumer<byte[], byte[]> consumer)
    {
        while (running)
        {
            try
            {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                for (final ConsumerRecord<byte[], byte[]> r : records)
                {
                    table.record(r.partition(), r.offset(), Values.parse(r.value()));
                }
            }
            catch (final InvalidOffsetException e)
            {
                outOfRange++;
                onError("position out of range, starting over from the beginning of " + e.partitions() + ":", e);
                consumer.seekToBeginning(e.partitions());
            }
            catch (final OspreyException e)
            {
                onError("poll failed:", e);
                sleepQuietly(ERROR_BACKOFF_MS);
            }
        }
    }

    private Map<String, Object> config()
    {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("client.id", "chaos-" + name);
        config.put("default.api.timeout.ms", 30_000);
        if (groupId == null)
        {
            config.put("auto.offset.reset", "none");
        }
        else
        {
            config.put("group.id", groupId);
            config.put("auto.offset.reset", "earliest");
            config.put("enable.auto.commit", true);
        }
        return config;
    }

    private void onError(final String what, final Exception e)
    {
        errors++;
        if (errors <= ERRORS_PRINTED_MAX)
        {
            ChaosLog.info("%s: %s %s%s", name, what, e, errors == ERRORS_PRINTED_MAX ? " (further errors counted, not printed)" : "");
        }
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
