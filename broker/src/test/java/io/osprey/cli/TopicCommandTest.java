package io.osprey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    private static String[] run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = OspreyCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void shouldCreateListDescribeAndDeleteTopicsAndPrintBrokerErrors() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(run("topic", "--bootstrap-server", bs, "create", "--topic", "cli-topic", "--partitions", "3",
                "--config", "retention.ms=60000")[0]).isEqualTo("0");
            assertThat(run("topic", "--bootstrap-server", bs, "list")[1]).contains("cli-topic");

            final String[] describe = run("topic", "--bootstrap-server", bs, "describe", "--topic", "cli-topic");
            assertThat(describe[0]).isEqualTo("0");
            assertThat(describe[1]).contains("PartitionCount: 3").contains("Partition: 2\tLeader: 1\tReplicas: 1\tIsr: 1");
            final String[] json = run("topic", "--bootstrap-server", bs, "--output", "json", "describe", "--topic", "cli-topic");
            assertThat(json[1]).contains("\"topic\":\"cli-topic\"").contains("\"underReplicated\":false");

            final String[] exists = run("topic", "--bootstrap-server", bs, "create", "--topic", "cli-topic");
            assertThat(exists[0]).isEqualTo("1");
            assertThat(exists[2]).contains("already exists").contains("TOPIC_ALREADY_EXISTS");
            final String[] badConfig = run("topic", "--bootstrap-server", bs, "create", "--topic", "other", "--config", "retention.ms=soon");
            assertThat(badConfig[0]).isEqualTo("1");
            assertThat(badConfig[2]).contains("retention.ms").contains("soon");

            assertThat(run("topic", "--bootstrap-server", bs, "delete", "--topic", "cli-topic")[0]).isEqualTo("0");
            assertThat(run("topic", "--bootstrap-server", bs, "list")[1]).doesNotContain("cli-topic");
        }
    }
}
