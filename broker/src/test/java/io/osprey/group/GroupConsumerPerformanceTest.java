package io.osprey.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/**
 * Kafka's consumer load tool, {@code org.apache.kafka.tools.ConsumerPerformance} (behind
 * kafka-consumer-perf-test.sh), run in-process against a live Osprey node: it joins a group,
 * consumes every record and commits, to completion.
 * <p>
 * Its package-private {@code run(String[], Function)} does the whole run (main adds only
 * Exit.exit on errors), so the test calls it by reflection with Kafka's exit procedure
 * replaced by one that throws, and reads the CSV summary line it prints.
 */
@Tag("integration")
class GroupConsumerPerformanceTest
{
    static final int RECORDS = 20_000;
    static final int RECORD_SIZE = 100;

    @Test
    void shouldRunKafkasConsumerPerformanceWithAGroupToCompletion(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"), GroupKafkaClientsTest.GROUP_TEST_CONFIG);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(new NewTopic("consumer-perf", 3, (short)1))).all().get();
            final Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p))
            {
                for (int i = 0; i < RECORDS; i++)
                {
                    producer.send(new ProducerRecord<>("consumer-perf", i % 3, null, new byte[RECORD_SIZE]));
                }
                producer.flush();
            }

            final String output = run(Duration.ofMinutes(3),
                "--bootstrap-server", broker.bootstrap(),
                "--topic", "consumer-perf",
                "--group", "perf-group",
                "--messages", Integer.toString(RECORDS),
                "--timeout", "60000");

            // Header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
            // Rows start with the start time as yyyy-MM-dd HH:mm:ss:SSS; log lines share stdout, so match the shape.
            final List<String> rows = output.lines()
                .filter(l -> l.matches("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}, .*") && l.split(",").length >= 6)
                .toList();
            assertThat(rows).as("summary rows in:%n%s", output).isNotEmpty();
            final String[] summary = rows.get(rows.size() - 1).split(",");
            assertThat(Long.parseLong(summary[4].strip())).as("messages consumed").isEqualTo(RECORDS);
            System.out.println("ConsumerPerformance summary: " + rows.get(rows.size() - 1));

            final Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets("perf-group").partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(RECORDS);
        }
    }

    /** Runs {@code ConsumerPerformance.run(args, KafkaConsumer::new)}, bounded, returning what it printed. */
    static String run(final Duration timeout, final String... args) throws Exception
    {
        final Class<?> tool = Class.forName("org.apache.kafka.tools.ConsumerPerformance");
        final Method run = tool.getDeclaredMethod("run", String[].class, Function.class);
        run.setAccessible(true);
        final Function<Properties, Consumer<byte[], byte[]>> factory = KafkaConsumer::new;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "consumer-performance");
            t.setDaemon(true);
            return t;
        });
        Exit.setExitProcedure((status, message) ->
        {
            throw new IllegalStateException("ConsumerPerformance called Exit.exit(" + status + "): " + message);
        });
        System.setOut(new PrintStream(new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(final byte[] b, final int off, final int len)
            {
                original.write(b, off, len);
                captured.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        try
        {
            final Future<?> future = executor.submit(() ->
            {
                run.invoke(null, args, factory);
                return null;
            });
            try
            {
                future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (final ExecutionException e)
            {
                final Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
                throw new AssertionError("ConsumerPerformance failed: " + cause, cause);
            }
        }
        finally
        {
            System.out.flush();
            System.setOut(original);
            Exit.resetExitProcedure();
            executor.shutdownNow();
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
