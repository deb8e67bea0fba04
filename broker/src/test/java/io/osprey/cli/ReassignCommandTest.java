package io.osprey.cli;

import static io.osprey.cli.CliRun.runFields;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.server.TestBroker;

/**
 * {@code leader elect} and {@code reassign} against one node: what a single broker can show
 * (plans, nothing to elect, nothing moving) and the broker's refusals, printed with exit code 1.
 * The moves themselves need several brokers: {@code ReassignmentProcessTest}.
 */
@Tag("integration")
class ReassignCommandTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldPlanVerifyAndRefuseMovesOnOneBroker() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node")))
        {
            final String bs = broker.bootstrap();
            assertThat(runFields("topic", "--bootstrap-server", bs, "create", "--topic", "t", "--partitions", "2")[0]).isEqualTo("0");

            final Path planFile = tmp.resolve("plan.json");
            final String[] plan = runFields("reassign", "--bootstrap-server", bs, "plan", "--topics", "t", "--output-file", planFile.toString());
            assertThat(plan[0]).as(plan[2]).isEqualTo("0");
            final String expected = "{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1]},"
                + "{\"topic\":\"t\",\"partition\":1,\"replicas\":[1]}]}";
            assertThat(plan[1].trim()).isEqualTo(expected);
            assertThat(Files.readString(planFile, StandardCharsets.UTF_8).trim()).isEqualTo(expected);
            assertThat(plan[2]).contains("0 of 2 partition(s)");

            final String[] verify = runFields("reassign", "--bootstrap-server", bs, "verify", "--plan", planFile.toString());
            assertThat(verify[0]).isEqualTo("0");
            assertThat(verify[1]).contains("2 of 2 partition(s) done.");
            final String[] execute = runFields("reassign", "--bootstrap-server", bs, "execute", "--plan", planFile.toString(), "--wait");
            assertThat(execute[0]).as(execute[2]).isEqualTo("0");
            assertThat(execute[1]).contains("Started the reassignment of 2 partition(s).").contains("2/2 partitions done (100%)");

            final Path bad = tmp.resolve("bad.json");
            Files.writeString(bad, "{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[7]},"
                + "{\"topic\":\"t\",\"partition\":9,\"replicas\":[1]}]}", StandardCharsets.UTF_8);
            final String[] refused = runFields("reassign", "--bootstrap-server", bs, "execute", "--plan", bad.toString());
            assertThat(refused[0]).isEqualTo("1");
            assertThat(refused[2]).contains("broker 7, which is not registered (INVALID_REPLICA_ASSIGNMENT)")
                .contains("t-9 does not exist (UNKNOWN_TOPIC_OR_PARTITION)").contains("ERROR: The reassignment of 2 partition(s) could not start");
            final String[] notMoving = runFields("reassign", "--bootstrap-server", bs, "verify", "--plan", bad.toString());
            assertThat(notMoving[0]).isEqualTo("1");
            assertThat(notMoving[1]).contains("not moving").contains("unknown partition");

            final String[] cancel = runFields("reassign", "--bootstrap-server", bs, "--output", "json", "cancel", "--plan", planFile.toString());
            assertThat(cancel[0]).as(cancel[2]).isEqualTo("0");
            assertThat(cancel[1]).contains("\"result\":\"not moving\"");
            assertThat(runFields("reassign", "--bootstrap-server", bs, "list")[1]).contains("No partition is moving.");

            final String[] elect = runFields("leader", "--bootstrap-server", bs, "elect", "--preferred", "--topic", "t");
            assertThat(elect[0]).as(elect[2]).isEqualTo("0");
            assertThat(elect[1]).contains("already preferred");
            final String[] all = runFields("leader", "--bootstrap-server", bs, "elect", "--preferred", "--all-topic-partitions");
            assertThat(all[1]).contains("Every partition is already led by its preferred replica.");
            final String[] unknown = runFields("leader", "--bootstrap-server", bs, "elect", "--preferred", "--topic", "t", "--partition", "5");
            assertThat(unknown[0]).isEqualTo("1");
            assertThat(unknown[1]).contains("failed:").contains("UNKNOWN_TOPIC_OR_PARTITION");
            assertThat(unknown[2]).contains("ERROR: Preferred leader election failed for 1 partition(s)");
            assertThat(runFields("leader", "--bootstrap-server", bs, "elect", "--preferred")[0]).as("--topic or --all-topic-partitions")
                .isEqualTo("2");
        }
    }
}
