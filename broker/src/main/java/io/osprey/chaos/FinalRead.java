package io.osprey.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.osprey.common.TopicPartition;
import io.osprey.consumer.ConsumerRecord;
import io.osprey.consumer.OspreyConsumer;
import io.osprey.serialization.Serdes;

/**
 * Reads the whole topic back once the run is over: a new consumer, every partition assigned,
 * from the beginning to the end offsets (the high watermarks) taken when it starts. The
 * producers have stopped by then, so the end offsets do not move.
 */
final class FinalRead
{
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(30);

    /** @param complete whether every partition was read up to its end offset in time */
    record Result(OffsetTable table, long[] endOffsets, boolean complete)
    {
    }

    private FinalRead()
    {
    }

    /** The end offsets (high watermarks) of every partition. */
    static long[] endOffsets(final String bootstrap, final String topic, final int partitions)
    {
        try (OspreyConsumer<byte[], byte[]> consumer = newConsumer(bootstrap, "chaos-end-offsets"))
        {
            return endOffsets(consumer, partitions(topic, partitions));
        }
    }

    static Result read(final String bootstrap, final String topic, final int partitions, final long timeoutMs)
    {
        final OffsetTable table = new OffsetTable("final read", partitions);
        final List<TopicPartition> all = partitions(topic, partitions);
        try (OspreyConsumer<byte[], byte[]> consumer = newConsumer(bootstrap, "chaos-final-read"))
        {
            consumer.assign(all);
            consumer.seekToBeginning(all);
            final long[] ends = endOffsets(consumer, all);
            final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000;
            while (!reachedEnds(consumer, all, ends))
            {
                if (System.nanoTime() > deadlineNs)
                {
                    return new Result(table, ends, false);
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL_TIMEOUT))
                {
                    table.record(r.partition(), r.offset(), Values.parse(r.value()));
                }
            }
            return new Result(table, ends, true);
        }
    }

    private static boolean reachedEnds(final OspreyConsumer<byte[], byte[]> consumer, final List<TopicPartition> all, final long[] ends)
    {
        for (final TopicPartition tp : all)
        {
            if (consumer.position(tp) < ends[tp.partition()])
            {
                return false;
            }
        }
        return true;
    }

    private static long[] endOffsets(final OspreyConsumer<byte[], byte[]> consumer, final List<TopicPartition> all)
    {
        final Map<TopicPartition, Long> ends = consumer.endOffsets(all, END_OFFSETS_TIMEOUT);
        final long[] result = new long[all.size()];
        for (final TopicPartition tp : all)
        {
            result[tp.partition()] = ends.get(tp);
        }
        return result;
    }

    private static List<TopicPartition> partitions(final String topic, final int partitions)
    {
        final List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++)
        {
            all.add(new TopicPartition(topic, p));
        }
        return all;
    }

    private static OspreyConsumer<byte[], byte[]> newConsumer(final String bootstrap, final String clientId)
    {
        return new OspreyConsumer<>(Map.of("bootstrap.servers", bootstrap, "client.id", clientId, "auto.offset.reset", "none",
            "default.api.timeout.ms", 30_000), new Serdes.ByteArrayDeserializer(), new Serdes.ByteArrayDeserializer());
    }
}
