package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/**
 * Connections cut while batches are in flight, over and over: a proxy between the idempotent
 * producer and the broker closes every connection at random intervals while 20,000 records are
 * sent. Requests die half-written, responses are lost after the broker appended, and the
 * producer resends. Read back with Kafka's consumer, every record must be there exactly once
 * and in send order per partition.
 */
@Tag("integration")
class ConnectionChaosTest
{
    private static final String TOPIC = "chaos";
    private static final int PARTITIONS = 3;
    private static final int COUNT = 20_000;
    private static final long SEED = 0xC4A05L;

    @Test
    void shouldLoseAndDuplicateNothingWhenConnectionsAreKilledMidFlight(@TempDir final Path tmp) throws Exception
    {
        try (TcpProxy proxy = new TcpProxy())
        {
            try (TestBroker broker = new TestBroker(tmp.resolve("node"), Map.of("advertised.listeners", "PLAINTEXT://" + proxy.bootstrap())))
            {
                proxy.start(broker.port());
                KafkaReferee.createTopics(proxy.bootstrap(), Map.of(TOPIC, PARTITIONS));

                final Map<String, Object> config = new HashMap<>();
                config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, proxy.bootstrap());
                config.put(ProducerConfig.ACKS_CONFIG, "all");
                config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                // Small batches and no linger keep several requests in flight when the cut comes.
                config.put(ProducerConfig.BATCH_SIZE_CONFIG, 2048);
                config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
                config.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
                config.put("reconnect.backoff.max.ms", 200);
                // A producer that stalls fails the test in seconds rather than after the default two minutes.
                config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
                config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);

                final AtomicBoolean chaos = new AtomicBoolean(true);
                final Thread killer = new Thread(() ->
                {
                    final Random random = new Random(SEED);
                    while (chaos.get())
                    {
                        try
                        {
                            Thread.sleep(20 + random.nextInt(80));
                        }
                        catch (final InterruptedException e)
                        {
                            return;
                        }
                        proxy.killAll();
                    }
                }, "connection-killer");

                final List<Future<RecordMetadata>> futures = new ArrayList<>(COUNT);
                try (OspreyProducer<String, String> producer = new OspreyProducer<>(config, new io.osprey.serialization.Serdes.StringSerializer(),
                    new io.osprey.serialization.Serdes.StringSerializer()))
                {
                    producer.send(new ProducerRecord<>(TOPIC, 0, "warm-up", "warm-up")).get(10, TimeUnit.SECONDS);
                    killer.start();
                    for (int i = 0; i < COUNT; i++)
                    {
                        futures.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, value(i))));
                        if (i % 100 == 0)
                        {
                            // Spread the sends over the chaos rather than buffering them all at once.
                            Thread.sleep(5);
                        }
                    }
                    producer.flush();
                    chaos.set(false);
                    killer.join();
                }
                final int cut = proxy.killed.get();
                for (int i = 0; i < COUNT; i++)
                {
                    assertThat(futures.get(i).get(0, TimeUnit.SECONDS).partition()).isEqualTo(i % PARTITIONS);
                }
                assertThat(cut).as("connections cut while sending (seed %d)", SEED).isGreaterThanOrEqualTo(10);

                final List<ConsumerRecord<byte[], byte[]>> read = KafkaReferee.readAll(proxy.bootstrap(),
                    KafkaReferee.partitions(TOPIC, PARTITIONS));
                final Map<Integer, List<Integer>> byPartition = new HashMap<>();
                for (final ConsumerRecord<byte[], byte[]> r : read)
                {
                    final String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (!v.equals("warm-up"))
                    {
                        byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(Integer.parseInt(v.substring(6)));
                    }
                }
                for (int p = 0; p < PARTITIONS; p++)
                {
                    final List<Integer> expected = new ArrayList<>();
                    for (int i = p; i < COUNT; i += PARTITIONS)
                    {
                        expected.add(i);
                    }
                    assertThat(byPartition.get(p)).as("partition %d: every record exactly once, in order, after %d cuts (seed %d)", p, cut,
                        SEED).containsExactlyElementsOf(expected);
                }
            }
        }
    }

    private static String value(final int i)
    {
        return String.format("value-%06d", i);
    }
}
