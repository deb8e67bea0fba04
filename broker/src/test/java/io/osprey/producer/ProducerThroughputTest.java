package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.serialization.Serdes;
import io.osprey.server.TestBroker;

/**
 * A rough side-by-side of Osprey's and Kafka's producers against one in-process broker, both with
 * their defaults (acks=all, idempotence, linger.ms=5, batch.size=16384): records per second
 * printed, nothing asserted about speed. Tagged slow; run with {@code -Dtest.excludedGroups=none}.
 */
@Tag("slow")
class ProducerThroughputTest
{
    private static final int RECORDS = 1_000_000;
    private static final int VALUE_BYTES = 100;

    @Test
    void shouldPrintRecordsPerSecondOfBothProducers(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            KafkaReferee.createTopics(broker.bootstrap(), Map.of("osprey-perf", 6, "kafka-perf", 6));
            final byte[] value = new byte[VALUE_BYTES];
            for (int round = 0; round < 2; round++)
            {
                final Map<String, Object> config = new HashMap<>();
                config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
                final AtomicLong failures = new AtomicLong();
                long startNs = System.nanoTime();
                try (OspreyProducer<byte[], byte[]> producer = new OspreyProducer<>(config, new Serdes.ByteArraySerializer(),
                    new Serdes.ByteArraySerializer()))
                {
                    for (int i = 0; i < RECORDS; i++)
                    {
                        producer.send(new ProducerRecord<>("osprey-perf", null, value), (md, e) ->
                        {
                            if (e != null)
                            {
                                failures.incrementAndGet();
                            }
                        });
                    }
                    producer.flush();
                }
                report("osprey round " + round, startNs);
                assertThat(failures.get()).isZero();

                final Properties props = new Properties();
                props.put("bootstrap.servers", broker.bootstrap());
                props.put("key.serializer", ByteArraySerializer.class.getName());
                props.put("value.serializer", ByteArraySerializer.class.getName());
                startNs = System.nanoTime();
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props))
                {
                    for (int i = 0; i < RECORDS; i++)
                    {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("kafka-perf", null, value), (md, e) ->
                        {
                            if (e != null)
                            {
                                failures.incrementAndGet();
                            }
                        });
                    }
                    producer.flush();
                }
                report("kafka  round " + round, startNs);
                assertThat(failures.get()).isZero();
            }
        }
    }

    private static void report(final String what, final long startNs)
    {
        final double seconds = (System.nanoTime() - startNs) / (double)TimeUnit.SECONDS.toNanos(1);
        System.out.printf("THROUGHPUT %s: %d records of %d bytes in %.2f s = %.0f records/s, %.1f MB/s%n", what, RECORDS, VALUE_BYTES,
            seconds, RECORDS / seconds, RECORDS * (double)VALUE_BYTES / seconds / 1e6);
    }
}
