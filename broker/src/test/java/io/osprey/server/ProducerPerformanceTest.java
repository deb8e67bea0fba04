package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Kafka's own load generator, {@code org.apache.kafka.tools.ProducerPerformance} (the class behind
 * kafka-producer-perf-test.sh), run in-process against a live Osprey node to completion.
 *
 * <p>Its {@code main} ends with {@code Exit.exit} only on bad arguments and its package-private
 * {@code start(String[])} does the whole run, so the test calls {@code start} by reflection, with
 * Kafka's exit procedure replaced by one that throws (a bad argument fails the test instead of
 * ending the surefire JVM) and {@code System.out} teed into a buffer for the summary line.
 */
@Tag("integration")
class ProducerPerformanceTest
{
    static final int RECORDS = 50_000;
    static final int RECORD_SIZE = 100;
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    /**
     * The final line of ProducerPerformance 4.x: Stats.printTotal,
     * {@code "%d%s records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,
     * %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n"} where %s is "" or " steady state". The
     * periodic window lines have no percentiles. Decimals follow the default locale, hence [.,].
     */
    static final Pattern SUMMARY = Pattern.compile(
        "^(\\d+)( steady state)? records sent, ([0-9.,]+) records/sec \\(([0-9.,]+) MB/sec\\), " +
        "([0-9.,]+) ms avg latency, ([0-9.,]+) ms max latency, " +
        "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th\\.$");

    /** One parsed summary line of ProducerPerformance. */
    record Summary(long records, boolean steadyState, double recordsPerSec, double mbPerSec, double avgLatencyMs,
        double maxLatencyMs, long p50Ms, long p95Ms, long p99Ms, long p999Ms)
    {
        static Optional<Summary> parse(final String line)
        {
            final Matcher m = SUMMARY.matcher(line.strip());
            if (!m.matches())
            {
                return Optional.empty();
            }
            return Optional.of(new Summary(Long.parseLong(m.group(1)), m.group(2) != null, decimal(m.group(3)),
                decimal(m.group(4)), decimal(m.group(5)), decimal(m.group(6)), Long.parseLong(m.group(7)),
                Long.parseLong(m.group(8)), Long.parseLong(m.group(9)), Long.parseLong(m.group(10))));
        }

        private static double decimal(final String s)
        {
            return Double.parseDouble(s.replace(',', '.'));
        }
    }

    @Test
    void shouldParseTheSummaryLineOfProducerPerformance()
    {
        final Summary s = Summary.parse("50000 records sent, 81168.831169 records/sec (7.74 MB/sec), " +
            "31.85 ms avg latency, 350.00 ms max latency, 23 ms 50th, 80 ms 95th, 92 ms 99th, 97 ms 99.9th.").orElseThrow();
        assertThat(s).isEqualTo(new Summary(50000, false, 81168.831169, 7.74, 31.85, 350.0, 23, 80, 92, 97));
        assertThat(Summary.parse("24998 records sent, 4999.6 records/sec (0.48 MB/sec), 2.3 ms avg latency, " +
            "150.0 ms max latency.")).isEmpty();
    }

    @Test
    void shouldRunKafkasProducerPerformanceAgainstOspreyToCompletion(@TempDir final Path tmp) throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap())))
        {
            admin.createTopics(List.of(new NewTopic("perf", 1, (short)1))).all().get();

            final String output = runProducerPerformance(TIMEOUT,
                "--topic", "perf",
                "--num-records", Integer.toString(RECORDS),
                "--record-size", Integer.toString(RECORD_SIZE),
                "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + broker.bootstrap(), "acks=1");

            final List<String> summaryLines = output.lines().filter(l -> Summary.parse(l).isPresent()).toList();
            assertThat(summaryLines).as("summary lines in:%n%s", output).hasSize(1);
            System.out.println("ProducerPerformance summary: " + summaryLines.get(0));
            final Summary s = Summary.parse(summaryLines.get(0)).orElseThrow();
            assertThat(s.records()).isEqualTo(RECORDS);
            assertThat(s.steadyState()).isFalse();
            assertThat(s.recordsPerSec()).isPositive();
            assertThat(s.mbPerSec()).isGreaterThanOrEqualTo(0.0);
            assertThat(s.avgLatencyMs()).isGreaterThanOrEqualTo(0.0).isLessThanOrEqualTo(s.maxLatencyMs());
            assertThat(s.p50Ms()).isLessThanOrEqualTo(s.p95Ms());
            assertThat(s.p95Ms()).isLessThanOrEqualTo(s.p99Ms());
            assertThat(s.p99Ms()).isLessThanOrEqualTo(s.p999Ms());
            assertThat((double)s.p999Ms()).isLessThanOrEqualTo(s.maxLatencyMs());

            final TopicPartition tp = new TopicPartition("perf", 0);
            final Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp))
            {
                assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isEqualTo((long)RECORDS);
                assertThat(consumer.beginningOffsets(List.of(tp)).get(tp)).isZero();

                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long expectedOffset = 0;
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (expectedOffset < RECORDS && System.nanoTime() < deadline)
                {
                    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500)))
                    {
                        assertThat(r.offset()).isEqualTo(expectedOffset);
                        assertThat(r.key()).isNull();
                        assertThat(r.value()).hasSize(RECORD_SIZE);
                        expectedOffset++;
                    }
                }
                assertThat(expectedOffset).as("records read back").isEqualTo(RECORDS);
            }
        }
    }

    /**
     * Runs {@code new ProducerPerformance().start(args)} on a daemon thread, bounded by the timeout,
     * and returns everything printed to {@code System.out} meanwhile (also passed through).
     */
    static String runProducerPerformance(final Duration timeout, final String... args) throws Exception
    {
        final Class<?> tool = Class.forName("org.apache.kafka.tools.ProducerPerformance");
        final Object instance = tool.getDeclaredConstructor().newInstance();
        final Method start = tool.getDeclaredMethod("start", String[].class);
        start.setAccessible(true);

        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        final Logger kafkaLogger = (Logger)LoggerFactory.getLogger("org.apache.kafka");
        final Level kafkaLevel = kafkaLogger.getLevel();
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "producer-performance");
            t.setDaemon(true);
            return t;
        });
        Exit.setExitProcedure((status, message) ->
        {
            throw new IllegalStateException("ProducerPerformance called Exit.exit(" + status + "): " + message);
        });
        kafkaLogger.setLevel(Level.INFO);
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try
        {
            final Future<?> run = executor.submit(() ->
            {
                start.invoke(instance, (Object)args);
                return null;
            });
            try
            {
                run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (final ExecutionException e)
            {
                final Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
                throw new AssertionError("ProducerPerformance failed; output:\n" + captured.toString(StandardCharsets.UTF_8), cause);
            }
            catch (final TimeoutException e)
            {
                throw new AssertionError("ProducerPerformance did not finish in " + timeout + "; output:\n" +
                    captured.toString(StandardCharsets.UTF_8), e);
            }
        }
        finally
        {
            executor.shutdownNow();
            System.out.flush();
            System.setOut(original);
            kafkaLogger.setLevel(kafkaLevel);
            Exit.resetExitProcedure();
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(final OutputStream first, final OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(final int b) throws IOException
        {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len) throws IOException
        {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException
        {
            first.flush();
            second.flush();
        }
    }
}
