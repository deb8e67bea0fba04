package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.config.BrokerConfig;
import io.osprey.config.StorageFormat;
import io.osprey.testing.BrokerProcess;

/** The admin HTTP port of a live node: /health, /ready, /metrics after Kafka-client traffic, 404. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminHttpTest
{
    private static final String TOPIC = "admin-http-events";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestBroker broker;
    private String base;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"), Map.of("osprey.admin.http.listener", "127.0.0.1:0"));
        base = "http://127.0.0.1:" + broker.node().admin().address().getPort();
    }

    @AfterAll
    void stop()
    {
        if (broker != null)
        {
            broker.close();
        }
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerHealthWithOk() throws Exception
    {
        final HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().trim()).isEqualTo("ok");
    }

    @Test
    void shouldBeReadyOnceServing()
    {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        {
            final HttpResponse<String> r = get("/ready");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        });
    }

    @Test
    void shouldAnswerUnknownPathWithNotFound() throws Exception
    {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldCountRequestsAndTopicBytesAfterProduceAndFetch() throws Exception
    {
        final long bytesInBefore = sample(get("/metrics").body(), "osprey_topic_bytes_in_total{topic=\"" + TOPIC + "\"}");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "value-" + i)).get();
            }
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG, "admin-http-group",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())))
        {
            consumer.subscribe(List.of(TOPIC));
            int seen = 0;
            final long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen < 10 && System.nanoTime() < deadlineNs)
            {
                final ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                seen += records.count();
            }
            assertThat(seen).isEqualTo(10);
            consumer.commitSync();
        }

        final HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        final String body = r.body();
        assertThat(sample(body, "osprey_requests_total{api=\"Produce\"}")).isGreaterThanOrEqualTo(10);
        assertThat(sample(body, "osprey_requests_total{api=\"Fetch\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(body, "osprey_request_total_time_seconds_count{api=\"Produce\"}")).isGreaterThanOrEqualTo(10);
        assertThat(body).contains("osprey_request_queue_time_seconds_bucket{api=\"Fetch\",le=\"+Inf\"}");
        assertThat(sample(body, "osprey_topic_bytes_in_total{topic=\"" + TOPIC + "\"}")).isGreaterThan(bytesInBefore);
        assertThat(sample(body, "osprey_topic_messages_in_total{topic=\"" + TOPIC + "\"}")).isEqualTo(10);
        assertThat(sample(body, "osprey_topic_bytes_out_total{topic=\"" + TOPIC + "\"}")).isGreaterThan(0);
        assertThat(sample(body, "osprey_topic_messages_out_total{topic=\"" + TOPIC + "\"}")).isEqualTo(10);
        assertThat(sample(body, "osprey_offline_partitions")).isZero();
        assertThat(sample(body, "osprey_under_replicated_partitions")).isZero();
        // One replica: nothing to shrink, expand or lag behind.
        assertThat(sample(body, "osprey_isr_shrinks_total")).isZero();
        assertThat(sample(body, "osprey_isr_expands_total")).isZero();
        assertThat(sample(body, "osprey_replica_max_lag_records")).isZero();
        // The group committed everything it read: every partition it committed shows lag 0; the
        // topic's high watermarks add up to the 10 records.
        final List<String> lagLines = body.lines()
            .filter(l -> l.startsWith("osprey_consumer_group_lag{group=\"admin-http-group\",topic=\"" + TOPIC + "\""))
            .toList();
        assertThat(lagLines).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(" 0"));
        assertThat(body.lines().filter(l -> l.startsWith("osprey_partition_high_watermark{topic=\"" + TOPIC + "\""))
            .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum()).isEqualTo(10);
        assertThat(body).contains("osprey_consumer_group_committed_offset{group=\"admin-http-group\",topic=\"" + TOPIC + "\"");
        assertThat(sample(body, "osprey_active_controller")).isEqualTo(1);
        assertThat(body).contains("# TYPE osprey_log_flush_time_seconds histogram");
    }

    @Test
    void shouldReportControllerOnlyNodeReadyOnceTheQuorumHasALeader(@TempDir final Path tmp) throws Exception
    {
        final Path dir = tmp.resolve("controller");
        StorageFormat.format(dir, StorageFormat.randomClusterId(), 2);
        final int port = BrokerProcess.freePortWithQuorumPorts();
        try (OspreyNode node = OspreyNode.start(BrokerConfig.parse(Map.of(
            "node.id", "2",
            "process.roles", "controller",
            "listeners", "CONTROLLER://127.0.0.1:" + port,
            "controller.listener.names", "CONTROLLER",
            "log.dirs", dir.toString(),
            "osprey.admin.http.listener", "127.0.0.1:0"))))
        {
            final String controllerBase = "http://127.0.0.1:" + node.admin().address().getPort();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controllerBase + "/ready")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            });
            final String body = http.send(HttpRequest.newBuilder(URI.create(controllerBase + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertThat(sample(body, "osprey_active_controller")).isEqualTo(1);
            assertThat(sample(body, "osprey_controller_elections_total")).isGreaterThanOrEqualTo(1);
            assertThat(sample(body, "osprey_offline_partitions")).isZero();
            assertThat(body).doesNotContain("osprey_requests_total");
        }
    }

    /** The value of the sample line {@code series} (name with labels), as a whole number; -1 when absent. */
    private static long sample(final String body, final String series)
    {
        final Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        return m.find() ? (long)Double.parseDouble(m.group(1)) : -1;
    }
}
