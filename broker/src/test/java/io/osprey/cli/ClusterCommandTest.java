package io.osprey.cli;

import static io.osprey.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/** {@code osprey cluster status} against a real single-node cluster. */
@Tag("integration")
class ClusterCommandTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldPrintBrokersControllerAndPartitionCounts() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(run("topic", "--bootstrap-server", bs, "create", "--topic", "t", "--partitions", "2").code()).isZero();

            final CliRun text = run("cluster", "--bootstrap-server", bs, "status");
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(text.out()).contains("Controller: 1").containsPattern("(?m)^1 +" + bs.replace(".", "\\.") + " +- +controller$")
                .contains("Partitions: 2, offline: 0, under-replicated: 0");

            final CliRun json = run("cluster", "status", "--bootstrap-server", bs, "--output", "json");
            assertThat(json.code()).as(json.err()).isZero();
            assertThat(json.out().trim()).startsWith("{\"clusterId\":\"").contains("\"controller\":1")
                .contains("\"brokers\":[{\"id\":1,\"host\":\"127.0.0.1\",\"port\":" + broker.port() + ",\"rack\":null}]")
                .contains("\"partitions\":2,\"offlinePartitions\":0,\"underReplicatedPartitions\":0,\"healthy\":true}");

            final CliRun healthy = run("cluster", "--bootstrap-server", bs, "status", "--wait", "--brokers", "1", "--timeout-ms", "10000");
            assertThat(healthy.code()).as(healthy.err()).isZero();
            assertThat(healthy.out()).contains("offline: 0");

            final long start = System.nanoTime();
            final CliRun tooFew = run("cluster", "--bootstrap-server", bs, "status", "--wait", "--brokers", "2", "--timeout-ms", "1500");
            assertThat(tooFew.code()).isEqualTo(1);
            assertThat(tooFew.err()).contains("not healthy after 1500 ms: 1 of 2 broker(s) registered");
            assertThat((System.nanoTime() - start) / 1_000_000L).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void shouldFailWhenNoBrokerAnswers() throws Exception
    {
        final String nobody = "127.0.0.1:" + TestBroker.freePort();
        final CliRun down = run("cluster", "--bootstrap-server", nobody, "status", "--wait", "--timeout-ms", "1500");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).startsWith("ERROR: The cluster is not healthy after 1500 ms");
    }
}
