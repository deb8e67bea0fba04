package io.osprey.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.osprey.admin.Admin;
import io.osprey.admin.NewTopic;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.ConsumerRecords;
import io.osprey.consumer.OspreyConsumer;
import io.osprey.producer.OspreyProducer;
import io.osprey.producer.ProducerRecord;
import io.osprey.serialization.Serdes;

/**
 * Shows a running node working with Osprey's own clients: creates a topic (if missing),
 * produces a few hundred thousand records, consumes them back, checks the count, and prints
 * both rates. {@code scripts/cluster.sh start} runs it after the node is ready.
 * <pre>
 *   Quickstart [bootstrap] [topic] [records] [recordBytes]
 * </pre>
 */
public final class Quickstart
{
    private Quickstart()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        final String topic = args.length > 1 ? args[1] : "quickstart";
        final int records = args.length > 2 ? Integer.parseInt(args[2]) : 300_000;
        final int recordBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        final int partitions = 3;

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "client.id", "quickstart")))
        {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get();
            System.out.printf("created topic %s with %d partitions%n", topic, partitions);
        }
        catch (final ExecutionException e)
        {
            if (!(e.getCause() instanceof OspreyException o) || o.errorCode() != ErrorCode.TOPIC_ALREADY_EXISTS)
            {
                throw e;
            }
            System.out.printf("topic %s exists; appending to it%n", topic);
        }

        try (OspreyConsumer<byte[], byte[]> consumer = new OspreyConsumer<>(
            Map.of("bootstrap.servers", bootstrap, "client.id", "quickstart-consumer"),
            new Serdes.ByteArrayDeserializer(), new Serdes.ByteArrayDeserializer()))
        {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            for (final TopicPartition tp : tps)
            {
                consumer.position(tp);
            }

            final byte[] value = new byte[recordBytes];
            final AtomicLong acked = new AtomicLong();
            final AtomicReference<Exception> failure = new AtomicReference<>();
            final long produceStart = System.nanoTime();
            try (OspreyProducer<byte[], byte[]> producer = new OspreyProducer<>(
                Map.of("bootstrap.servers", bootstrap, "client.id", "quickstart-producer", "linger.ms", 5),
                new Serdes.ByteArraySerializer(), new Serdes.ByteArraySerializer()))
            {
                for (int i = 0; i < records; i++)
                {
                    producer.send(new ProducerRecord<>(topic, value), (md, e) ->
                    {
                        if (e != null)
                        {
                            failure.compareAndSet(null, e);
                        }
                        else
                        {
                            acked.incrementAndGet();
                        }
                    });
                }
                producer.flush();
            }
            final double produceSec = (System.nanoTime() - produceStart) / 1e9;
            if (failure.get() != null)
            {
                throw failure.get();
            }
            System.out.printf("produced %,d records of %d bytes (acks=all, idempotent): %,.0f records/s, %.1f MB/s%n",
                acked.get(), recordBytes, acked.get() / produceSec, acked.get() * (double)recordBytes / produceSec / 1e6);

            final long consumeStart = System.nanoTime();
            long read = 0;
            final long deadline = System.currentTimeMillis() + 60_000;
            while (read < records && System.currentTimeMillis() < deadline)
            {
                final ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                read += batch.count();
            }
            final double consumeSec = (System.nanoTime() - consumeStart) / 1e9;
            System.out.printf("consumed %,d records: %,.0f records/s, %.1f MB/s%n", read, read / consumeSec,
                read * (double)recordBytes / consumeSec / 1e6);
            if (read != records)
            {
                System.out.printf("MISMATCH: produced %d, consumed %d%n", records, read);
                System.exit(1);
            }
        }
    }
}
