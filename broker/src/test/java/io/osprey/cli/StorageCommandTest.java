package io.osprey.cli;

import static io.osprey.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.config.MetaProperties;
import io.osprey.config.StorageFormat;

/** {@code osprey storage format}: what {@code io.osprey.Node format} does. */
class StorageCommandTest
{
    private static final String CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qk";

    @TempDir
    Path tmp;

    private Path config(final Path data) throws Exception
    {
        final Path file = tmp.resolve("server.properties");
        Files.writeString(file, "node.id=3\nprocess.roles=broker,controller\nlisteners=PLAINTEXT://127.0.0.1:9092\nlog.dirs=" + data + "\n");
        return file;
    }

    @Test
    void shouldFormatOnceAndRefuseToReformatUnlessIgnored() throws Exception
    {
        final Path data = tmp.resolve("data");
        final Path config = config(data);

        final CliRun first = run("storage", "format", "--config", config.toString(), "--cluster-id", CLUSTER_ID);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("Formatted " + data + " for cluster " + CLUSTER_ID + ", node 3")
            .endsWith("Cluster id: " + CLUSTER_ID + System.lineSeparator());
        final MetaProperties meta = StorageFormat.read(data);
        assertThat(meta.clusterId()).isEqualTo(CLUSTER_ID);
        assertThat(meta.nodeId()).isEqualTo(3);

        final CliRun again = run("storage", "format", "--config", config.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("ERROR: " + data + " is already formatted (cluster " + CLUSTER_ID + ", node 3)")
            .contains("--ignore-formatted");

        final CliRun ignored = run("storage", "--output", "json", "format", "--config", config.toString(), "--ignore-formatted");
        assertThat(ignored.code()).as(ignored.err()).isZero();
        assertThat(ignored.out().trim()).isEqualTo("{\"clusterId\":\"" + CLUSTER_ID + "\",\"directories\":[{\"dir\":\""
            + data + "\",\"formatted\":false,\"clusterId\":\"" + CLUSTER_ID + "\",\"nodeId\":3}]}");
        assertThat(StorageFormat.read(data)).isEqualTo(meta);
    }

    @Test
    void shouldGenerateAClusterIdAndRejectBadInput() throws Exception
    {
        final Path data = tmp.resolve("fresh");
        final CliRun generated = run("storage", "format", "--config", config(data).toString(), "--output", "json");
        assertThat(generated.code()).as(generated.err()).isZero();
        final String id = StorageFormat.read(data).clusterId();
        assertThat(id).hasSize(22);
        assertThat(generated.out()).startsWith("{\"clusterId\":\"" + id + "\"").contains("\"formatted\":true");

        final CliRun badId = run("storage", "format", "--config", config(tmp.resolve("other")).toString(), "--cluster-id", "not an id!");
        assertThat(badId.code()).isEqualTo(1);
        assertThat(badId.err()).startsWith("ERROR: ").contains("not an id!");

        final CliRun noFile = run("storage", "format", "--config", tmp.resolve("missing.properties").toString());
        assertThat(noFile.code()).isEqualTo(1);
        assertThat(noFile.err()).startsWith("ERROR: ");
    }
}
