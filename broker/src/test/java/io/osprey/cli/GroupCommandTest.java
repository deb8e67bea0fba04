package io.osprey.cli;

import static io.osprey.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/** {@code osprey group ...} against a real broker whose group is run by Kafka's own consumer. */
@Tag("integration")
class GroupCommandTest
{
    private static final int PARTITIONS = 2;
    private static final int RECORDS_PER_PARTITION = 10;
    private static final long WAIT_S = 30;

    @TempDir
    Path tmp;

    private static CliRun group(final String bootstrap, final String... args)
    {
        final String[] all = new String[args.length + 3];
        all[0] = "group";
        all[1] = "--bootstrap-server";
        all[2] = bootstrap;
        System.arraycopy(args, 0, all, 3, args.length);
        return run(all);
    }

    private static CliRun ok(final String bootstrap, final String... args)
    {
        final CliRun r = group(bootstrap, args);
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        return r;
    }

    private static void produce(final String bootstrap, final String topic)
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p))
        {
            for (int partition = 0; partition < PARTITIONS; partition++)
            {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++)
                {
                    producer.send(new ProducerRecord<>(topic, partition, null, "v" + i));
                }
            }
            producer.flush();
        }
    }

    /** Kafka's consumer in {@code group}, having read everything and committed offset 6 in each partition. */
    private static KafkaConsumer<String, String> consumer(final String bootstrap, final String group, final String topic)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cli-test-consumer");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
        final int[] read = {0};
        await().atMost(Duration.ofSeconds(WAIT_S)).until(() ->
        {
            read[0] += consumer.poll(Duration.ofMillis(100)).count();
            return read[0] == PARTITIONS * RECORDS_PER_PARTITION;
        });
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++)
        {
            offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(6));
        }
        consumer.commitSync(offsets);
        return consumer;
    }

    @Test
    void shouldListDescribeResetAndDeleteAGroup() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(run("topic", "--bootstrap-server", bs, "create", "--topic", "clicks", "--partitions", "2").code()).isZero();
            produce(bs, "clicks");
            try (KafkaConsumer<String, String> consumer = consumer(bs, "clicks-app", "clicks"))
            {
                assertThat(consumer.assignment()).hasSize(PARTITIONS);
                assertThat(ok(bs, "list").out()).containsPattern("clicks-app\\s+Stable\\s+consumer");
                assertThat(ok(bs, "--output", "json", "list").out())
                    .contains("{\"group\":\"clicks-app\",\"state\":\"Stable\",\"protocolType\":\"consumer\"}");
                assertThat(ok(bs, "list", "--state", "Empty").out()).doesNotContain("clicks-app");

                final String describe = ok(bs, "describe", "clicks-app").out();
                assertThat(describe.lines().findFirst().orElseThrow()).containsPattern(
                    "GROUP\\s+TOPIC\\s+PARTITION\\s+CURRENT-OFFSET\\s+LOG-END-OFFSET\\s+LAG\\s+CONSUMER-ID\\s+HOST\\s+CLIENT-ID");
                assertThat(describe).containsPattern("clicks-app\\s+clicks\\s+0\\s+6\\s+10\\s+4\\s+\\S+\\s+\\S+\\s+cli-test-consumer")
                    .containsPattern("clicks-app\\s+clicks\\s+1\\s+6\\s+10\\s+4\\s").contains("Total lag: 8");
                assertThat(ok(bs, "--output", "json", "describe", "clicks-app").out()).contains("\"state\":\"Stable\"")
                    .contains("\"totalLag\":8").contains("\"topic\":\"clicks\",\"partition\":1,\"currentOffset\":6,\"logEndOffset\":10,\"lag\":4");
                assertThat(ok(bs, "describe", "clicks-app", "--members").out())
                    .containsPattern("cli-test-consumer\\s+2\\s+clicks\\(0,1\\)");
                assertThat(ok(bs, "describe", "clicks-app", "--state").out()).containsPattern("clicks-app\\s+127.0.0.1:\\d+ \\(1\\)\\s+\\S+\\s+Stable\\s+1");

                final CliRun refused = group(bs, "reset-offsets", "clicks-app", "--all-topics", "--to-earliest", "--execute");
                assertThat(refused.code()).isEqualTo(1);
                assertThat(refused.err()).contains("Group 'clicks-app' is not empty (state Stable, 1 member(s)): stop its consumers first");
                final CliRun notDeleted = group(bs, "delete", "clicks-app");
                assertThat(notDeleted.code()).isEqualTo(1);
                assertThat(notDeleted.err()).contains("is not empty").contains("NON_EMPTY_GROUP");
            }
            await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> ok(bs, "describe", "clicks-app", "--state").out().contains("Empty"));

            final CliRun dryRun = ok(bs, "reset-offsets", "clicks-app", "--topic", "clicks", "--to-earliest");
            assertThat(dryRun.out()).containsPattern("GROUP\\s+TOPIC\\s+PARTITION\\s+NEW-OFFSET")
                .containsPattern("clicks-app\\s+clicks\\s+0\\s+0").containsPattern("clicks-app\\s+clicks\\s+1\\s+0");
            assertThat(dryRun.err()).contains("Dry run");
            final String unchanged = ok(bs, "describe", "clicks-app").out();
            assertThat(unchanged).contains("has no active members").containsPattern("clicks\\s+0\\s+6\\s+10\\s+4").contains("Total lag: 8");

            ok(bs, "reset-offsets", "clicks-app", "--topic", "clicks:1", "--shift-by", "-2", "--execute");
            assertThat(ok(bs, "describe", "clicks-app").out()).containsPattern("clicks\\s+0\\s+6\\s+10\\s+4")
                .containsPattern("clicks\\s+1\\s+4\\s+10\\s+6").contains("Total lag: 10");

            final CliRun json = ok(bs, "--output", "json", "reset-offsets", "clicks-app", "--all-topics", "--to-offset", "999", "--execute");
            assertThat(json.out()).contains("{\"group\":\"clicks-app\",\"executed\":true,\"offsets\":[{\"topic\":\"clicks\",\"partition\":0,"
                + "\"newOffset\":10},{\"topic\":\"clicks\",\"partition\":1,\"newOffset\":10}]}");
            assertThat(ok(bs, "describe", "clicks-app").out()).contains("Total lag: 0");

            ok(bs, "reset-offsets", "clicks-app", "--all-topics", "--to-datetime", "2000-01-01T00:00:00Z", "--execute");
            assertThat(ok(bs, "describe", "clicks-app").out()).contains("Total lag: 20");
            ok(bs, "reset-offsets", "clicks-app", "--all-topics", "--to-latest", "--execute");
            assertThat(ok(bs, "describe", "clicks-app").out()).contains("Total lag: 0");

            final CliRun twoScenarios = group(bs, "reset-offsets", "clicks-app", "--all-topics", "--to-latest", "--to-earliest");
            assertThat(twoScenarios.code()).isEqualTo(1);
            assertThat(twoScenarios.err()).contains("exactly one of");

            assertThat(ok(bs, "delete-offsets", "clicks-app", "--topic", "clicks", "--partition", "1").out())
                .contains("Deleted the offset of clicks-1 for group 'clicks-app'.");
            assertThat(ok(bs, "describe", "clicks-app").out()).containsPattern("clicks-app\\s+clicks\\s+0\\s+10")
                .doesNotContainPattern("clicks-app\\s+clicks\\s+1\\s");
            final CliRun noGroup = group(bs, "delete-offsets", "no-such-app", "--topic", "clicks");
            assertThat(noGroup.code()).isEqualTo(1);
            assertThat(noGroup.err()).contains("GROUP_ID_NOT_FOUND");

            assertThat(ok(bs, "delete", "clicks-app").out()).contains("Deleted consumer group 'clicks-app'.");
            assertThat(ok(bs, "list").out()).doesNotContain("clicks-app");
            final CliRun gone = group(bs, "describe", "clicks-app");
            assertThat(gone.code()).isEqualTo(1);
            assertThat(gone.err()).contains("Group 'clicks-app' does not exist").contains("GROUP_ID_NOT_FOUND");

            // The topic command's delete-records (DeleteRecords), on the same records.
            final CliRun cut = run("topic", "--bootstrap-server", bs, "delete-records", "--topic", "clicks", "--partition", "0",
                "--before-offset", "4");
            assertThat(cut.code()).as(cut.err()).isZero();
            assertThat(cut.out()).contains("Partition clicks-0: low watermark 4.");
            final CliRun all = run("topic", "--bootstrap-server", bs, "--output", "json", "delete-records", "--topic", "clicks",
                "--before-offset", "-1");
            assertThat(all.code()).as(all.err()).isZero();
            assertThat(all.out()).contains("{\"topic\":\"clicks\",\"partitions\":[{\"partition\":0,\"lowWatermark\":10},"
                + "{\"partition\":1,\"lowWatermark\":10}]}");
            final CliRun beyond = run("topic", "--bootstrap-server", bs, "delete-records", "--topic", "clicks", "--before-offset", "11");
            assertThat(beyond.code()).isEqualTo(1);
            assertThat(beyond.err()).contains("OFFSET_OUT_OF_RANGE");
        }
    }

    @Test
    void shouldParseIsoDateTimesWithAndWithoutAZone() throws Exception
    {
        assertThat(GroupResetOffsetsCommand.parseDateTime("1970-01-01T00:00:01Z")).isEqualTo(1000L);
        assertThat(GroupResetOffsetsCommand.parseDateTime("1970-01-01T02:00:01.500+02:00")).isEqualTo(1500L);
        assertThat(GroupResetOffsetsCommand.parseDateTime("2024-05-01T12:00:00"))
            .isEqualTo(java.time.LocalDateTime.parse("2024-05-01T12:00:00").atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> GroupResetOffsetsCommand.parseDateTime("yesterday")))
            .isInstanceOf(CliException.class).hasMessageContaining("ISO-8601");
    }
}
