package io.osprey.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.osprey.common.TopicPartition;

/** The plan maker, the plan file and the progress line, without a broker. */
class ReassignmentPlannerTest
{
    private static Map<TopicPartition, List<Integer>> partitions(final String topic, final List<List<Integer>> replicas)
    {
        final Map<TopicPartition, List<Integer>> out = new LinkedHashMap<>();
        for (int p = 0; p < replicas.size(); p++)
        {
            out.put(new TopicPartition(topic, p), replicas.get(p));
        }
        return out;
    }

    private static Map<Integer, Integer> replicaLoad(final Map<TopicPartition, List<Integer>> plan)
    {
        final Map<Integer, Integer> load = new HashMap<>();
        plan.values().forEach(rs -> rs.forEach(r -> load.merge(r, 1, Integer::sum)));
        return load;
    }

    private static Map<Integer, Integer> leaderLoad(final Map<TopicPartition, List<Integer>> plan)
    {
        final Map<Integer, Integer> load = new HashMap<>();
        plan.values().forEach(rs -> load.merge(rs.get(0), 1, Integer::sum));
        return load;
    }

    @Test
    void shouldSpreadReplicasAndPreferredLeadersEvenlyOverANewBroker() throws Exception
    {
        final Map<TopicPartition, List<Integer>> current = partitions("t",
            List.of(List.of(1, 2), List.of(2, 1), List.of(1, 2), List.of(2, 1), List.of(1, 2), List.of(2, 1)));

        final Map<TopicPartition, List<Integer>> plan = ReassignmentPlanner.plan(current, List.of(1, 2, 3));

        assertThat(plan.keySet()).containsExactlyElementsOf(current.keySet());
        plan.values().forEach(rs -> assertThat(rs).hasSize(2).doesNotHaveDuplicates());
        assertThat(replicaLoad(plan)).containsOnly(Map.entry(1, 4), Map.entry(2, 4), Map.entry(3, 4));
        assertThat(leaderLoad(plan)).containsOnly(Map.entry(1, 2), Map.entry(2, 2), Map.entry(3, 2));
        final long moved = plan.entrySet().stream().filter(e -> !e.getValue().containsAll(current.get(e.getKey()))).count();
        assertThat(moved).as("only the replicas the new broker takes move").isEqualTo(4);
    }

    @Test
    void shouldChangeNothingThatIsAlreadyBalanced() throws Exception
    {
        final Map<TopicPartition, List<Integer>> current = partitions("t", List.of(List.of(1, 2), List.of(2, 3), List.of(3, 1)));

        assertThat(ReassignmentPlanner.plan(current, List.of(1, 2, 3))).isEqualTo(current);
    }

    @Test
    void shouldMoveEveryReplicaOffABrokerLeftOut() throws Exception
    {
        final Map<TopicPartition, List<Integer>> current = partitions("t",
            List.of(List.of(3, 1), List.of(1, 3), List.of(2, 3), List.of(3, 2)));

        final Map<TopicPartition, List<Integer>> plan = ReassignmentPlanner.plan(current, List.of(1, 2));

        assertThat(replicaLoad(plan)).containsOnly(Map.entry(1, 4), Map.entry(2, 4));
        assertThat(leaderLoad(plan)).containsOnly(Map.entry(1, 2), Map.entry(2, 2));
    }

    @Test
    void shouldBalanceWhenReplicasDoNotDivideEvenly() throws Exception
    {
        final Map<TopicPartition, List<Integer>> current = partitions("t", List.of(List.of(1), List.of(1), List.of(1), List.of(1), List.of(1)));

        final Map<TopicPartition, List<Integer>> plan = ReassignmentPlanner.plan(current, List.of(1, 2, 3));

        assertThat(replicaLoad(plan).values()).allMatch(n -> n == 1 || n == 2);
        assertThat(replicaLoad(plan).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(5);
    }

    @Test
    void shouldRefuseMoreReplicasThanBrokers()
    {
        assertThatThrownBy(() -> ReassignmentPlanner.plan(partitions("t", List.of(List.of(1, 2, 3))), List.of(1, 2)))
            .isInstanceOf(CliException.class).hasMessageContaining("has 3 replicas but only 2 broker(s)");
    }

    @Test
    void shouldReadKafkasPlanFormatAndWriteItBack() throws Exception
    {
        final String kafka = "{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[3,1],"
            + "\"log_dirs\":[\"any\",\"any\"]},\n {\"topic\":\"a-\\\"b\",\"partition\":2,\"replicas\":[2]}]}";

        final ReassignmentPlan plan = ReassignmentPlan.parse(kafka);

        assertThat(plan.targets()).containsExactly(Map.entry(new TopicPartition("orders", 0), List.of(3, 1)),
            Map.entry(new TopicPartition("a-\"b", 2), List.of(2)));
        assertThat(ReassignmentPlan.parse(plan.toJson())).isEqualTo(plan);
        assertThat(plan.toJson()).isEqualTo("{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[3,1]},"
            + "{\"topic\":\"a-\\\"b\",\"partition\":2,\"replicas\":[2]}]}");
    }

    @Test
    void shouldNameWhatIsWrongWithABadPlan()
    {
        assertThatThrownBy(() -> ReassignmentPlan.parse("{\"partitions\":[")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ReassignmentPlan.parse("[]")).hasMessageContaining("\"partitions\" array");
        assertThatThrownBy(() -> ReassignmentPlan.parse("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,1]}]}"))
            .hasMessageContaining("distinct");
        assertThatThrownBy(() -> ReassignmentPlan.parse("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[]}]}"))
            .hasMessageContaining("empty replica list");
        assertThatThrownBy(() -> ReassignmentPlan.parse("{\"partitions\":[{\"topic\":\"t\",\"replicas\":[1]}]}"))
            .hasMessageContaining("\"partition\" (number)");
        assertThatThrownBy(() -> ReassignmentPlan.parse("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1]},"
            + "{\"topic\":\"t\",\"partition\":0,\"replicas\":[2]}]}")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> ReassignmentPlan.parse("[".repeat(1000))).hasMessageContaining("nested deeper");
    }

    @Test
    void shouldDrawTheProgressLine()
    {
        assertThat(ProgressBar.render(2, 5, 3_250, "partitions"))
            .isEqualTo("[############------------------] 2/5 partitions done (40%) 3.3 s");
        assertThat(ProgressBar.render(0, 0, 0, "partitions")).startsWith("[" + "#".repeat(ProgressBar.WIDTH) + "] 0/0");
    }
}
