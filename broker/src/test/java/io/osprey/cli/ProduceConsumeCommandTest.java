package io.osprey.cli;

import static io.osprey.cli.CliRun.runFields;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

@Tag("integration")
class ProduceConsumeCommandTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldProduceLinesFromStdinAndConsumeThemBack() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(runFields("topic", "--bootstrap-server", bs, "create", "--topic", "lines", "--partitions", "1")[0]).isEqualTo("0");
            final InputStream stdin = System.in;
            try
            {
                System.setIn(new ByteArrayInputStream("a:one\nb:two\nno-key-here\n".getBytes(StandardCharsets.UTF_8)));
                final String[] produced = runFields("produce", "--bootstrap-server", bs, "--topic", "lines", "--parse-key",
                    "--property", "acks=all", "--property", "linger.ms=0");
                assertThat(produced[0]).as(produced[2]).isEqualTo("0");
                assertThat(produced[2]).contains("Produced 3 record(s)");
            }
            finally
            {
                System.setIn(stdin);
            }
            final String[] consumed = runFields("consume", "--bootstrap-server", bs, "--topic", "lines", "--from-beginning",
                "--max-messages", "3", "--property", "print.key=true");
            assertThat(consumed[0]).as(consumed[2]).isEqualTo("0");
            assertThat(consumed[1].lines()).containsExactly("a:one", "b:two", "null:no-key-here");

            final String[] unknownKey = runFields("consume", "--bootstrap-server", bs, "--topic", "lines", "--from-beginning",
                "--max-messages", "1", "--property", "fetch.max.wait=1");
            assertThat(unknownKey[0]).isNotEqualTo("0");
            assertThat(unknownKey[2]).contains("fetch.max.wait");

            // --group: each run resumes where the group's committed offset left off, even when
            // --max-messages stopped in the middle of a fetched batch.
            final String[] first = runFields("consume", "--bootstrap-server", bs, "--topic", "lines", "--group", "cli-group",
                "--from-beginning", "--max-messages", "2", "--property", "print.key=true");
            assertThat(first[0]).as(first[2]).isEqualTo("0");
            assertThat(first[1].lines()).containsExactly("a:one", "b:two");
            final String[] second = runFields("consume", "--bootstrap-server", bs, "--topic", "lines", "--group", "cli-group",
                "--from-beginning", "--max-messages", "1");
            assertThat(second[0]).as(second[2]).isEqualTo("0");
            assertThat(second[1].lines()).containsExactly("no-key-here");

            // Parent options may also follow the subcommand, as with Kafka's tools.
            final String[] described = runFields("group", "describe", "cli-group", "--bootstrap-server", bs, "--output", "json");
            assertThat(described[0]).as(described[2]).isEqualTo("0");
            assertThat(described[1]).contains("\"lines\"");
        }
    }
}
