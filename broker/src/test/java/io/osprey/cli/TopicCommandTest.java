package io.osprey.cli;

import static io.osprey.cli.CliRun.runFields;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

@Tag("integration")
class TopicCommandTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldCreateListDescribeAndDeleteTopicsAndPrintBrokerErrors() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(runFields("topic", "--bootstrap-server", bs, "create", "--topic", "cli-topic", "--partitions", "3",
                "--config", "retention.ms=60000")[0]).isEqualTo("0");
            assertThat(runFields("topic", "--bootstrap-server", bs, "list")[1]).contains("cli-topic");

            final String[] describe = runFields("topic", "--bootstrap-server", bs, "describe", "--topic", "cli-topic");
            assertThat(describe[0]).isEqualTo("0");
            assertThat(describe[1]).contains("PartitionCount: 3").contains("Partition: 2\tLeader: 1\tReplicas: 1\tIsr: 1");
            final String[] json = runFields("topic", "--bootstrap-server", bs, "--output", "json", "describe", "--topic", "cli-topic");
            assertThat(json[1]).contains("\"topic\":\"cli-topic\"").contains("\"underReplicated\":false");

            final String[] exists = runFields("topic", "--bootstrap-server", bs, "create", "--topic", "cli-topic");
            assertThat(exists[0]).isEqualTo("1");
            assertThat(exists[2]).contains("already exists").contains("TOPIC_ALREADY_EXISTS");
            final String[] badConfig = runFields("topic", "--bootstrap-server", bs, "create", "--topic", "other", "--config", "retention.ms=soon");
            assertThat(badConfig[0]).isEqualTo("1");
            assertThat(badConfig[2]).contains("retention.ms").contains("soon");

            assertThat(runFields("topic", "--bootstrap-server", bs, "delete", "--topic", "cli-topic")[0]).isEqualTo("0");
            assertThat(runFields("topic", "--bootstrap-server", bs, "list")[1]).doesNotContain("cli-topic");
        }
    }

    @Test
    void shouldAlterPartitionsAndGetAndSetConfigs() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(runFields("topic", "--bootstrap-server", bs, "create", "--topic", "grow", "--partitions", "1")[0]).isEqualTo("0");

            final String[] grown = runFields("topic", "--bootstrap-server", bs, "alter-partitions", "--topic", "grow", "--partitions", "3");
            assertThat(grown[0]).as(grown[2]).isEqualTo("0");
            assertThat(grown[1]).contains("Topic grow now has 3 partitions.");
            final String[] grownJson = runFields("topic", "alter-partitions", "--topic", "grow", "--partitions", "4",
                "--bootstrap-server", bs, "--output", "json");
            assertThat(grownJson[1].trim()).isEqualTo("{\"topic\":\"grow\",\"partitions\":4}");
            final String[] describe = runFields("topic", "--bootstrap-server", bs, "describe", "--topic", "grow");
            assertThat(describe[1]).contains("PartitionCount: 4").doesNotContain("Offline").doesNotContain("Under-replicated");
            assertThat(runFields("topic", "--bootstrap-server", bs, "--output", "json", "describe", "--topic", "grow")[1])
                .contains("\"offline\":false");

            final String[] shrink = runFields("topic", "--bootstrap-server", bs, "alter-partitions", "--topic", "grow", "--partitions", "2");
            assertThat(shrink[0]).isEqualTo("1");
            assertThat(shrink[2]).contains("ERROR: Topic 'grow' has 4 partitions; the new count 2 must be larger").contains("INVALID_PARTITIONS");

            final String[] set = runFields("topic", "--bootstrap-server", bs, "config", "set", "--topic", "grow",
                "--config", "retention.ms=60000", "--config", "cleanup.policy=compact");
            assertThat(set[0]).as(set[2]).isEqualTo("0");
            assertThat(set[1]).contains("Set retention.ms=60000 on topic grow.");

            final String[] all = runFields("topic", "--bootstrap-server", bs, "config", "get", "--topic", "grow");
            assertThat(all[0]).as(all[2]).isEqualTo("0");
            assertThat(all[1]).contains("KEY").contains("SOURCE").containsPattern("retention.ms +60000 +DYNAMIC_TOPIC_CONFIG")
                .containsPattern("segment.bytes +\\d+ +(DEFAULT_CONFIG|STATIC_BROKER_CONFIG)");
            final String[] one = runFields("topic", "config", "get", "--topic", "grow", "--key", "cleanup.policy",
                "--bootstrap-server", bs, "--output", "json");
            assertThat(one[0]).as(one[2]).isEqualTo("0");
            assertThat(one[1].trim()).startsWith("{\"topic\":\"grow\",\"configs\":[{\"name\":\"cleanup.policy\",\"value\":\"compact\","
                + "\"source\":\"DYNAMIC_TOPIC_CONFIG\"").endsWith("]}").doesNotContain("retention.ms");
            final String[] missingKey = runFields("topic", "--bootstrap-server", bs, "config", "get", "--topic", "grow", "--key", "no.such.key");
            assertThat(missingKey[0]).isEqualTo("1");
            assertThat(missingKey[2]).contains("no.such.key");

            final String[] deleted = runFields("topic", "--bootstrap-server", bs, "--output", "json", "config", "set", "--topic", "grow",
                "--delete-config", "retention.ms");
            assertThat(deleted[0]).as(deleted[2]).isEqualTo("0");
            assertThat(deleted[1].trim()).isEqualTo("{\"topic\":\"grow\",\"set\":{},\"deleted\":[\"retention.ms\"]}");
            assertThat(runFields("topic", "--bootstrap-server", bs, "config", "get", "--topic", "grow", "--key", "retention.ms")[1])
                .doesNotContain("DYNAMIC_TOPIC_CONFIG");

            final String[] unknown = runFields("topic", "--bootstrap-server", bs, "config", "set", "--topic", "grow", "--config", "no.such.key=1");
            assertThat(unknown[0]).isEqualTo("1");
            assertThat(unknown[2]).startsWith("ERROR: ").contains("no.such.key");
            final String[] nothing = runFields("topic", "--bootstrap-server", bs, "config", "set", "--topic", "grow");
            assertThat(nothing[0]).isEqualTo("1");
            assertThat(nothing[2]).contains("Nothing to change");
            final String[] noTopic = runFields("topic", "--bootstrap-server", bs, "config", "get", "--topic", "absent");
            assertThat(noTopic[0]).isEqualTo("1");
            assertThat(noTopic[2]).startsWith("ERROR: ");
        }
    }
}
