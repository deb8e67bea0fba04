package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.osprey.cli.CliRun;
import io.osprey.testing.AdminDescribe;
import io.osprey.testing.BrokerProcess;

/**
 * Replica moves and preferred-leader election on three combined nodes as real processes, with
 * a topic of replication factor 2: a partition moved with {@code osprey reassign} to another
 * replica set (its leader among the replicas removed) serves every record from its new leader
 * and the removed broker deletes its copy; a preferred leader killed with kill -9, restarted and
 * back in the ISR leads again after {@code osprey leader elect --preferred}; Kafka's own Admin
 * client elects, reorders, moves, lists and cancels through the same APIs. One cluster for the
 * class, tests in order.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReassignmentProcessTest
{
    private static final String TOPIC = "moves";
    private static final int RECORDS = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** No automatic preferred-leader election: the test elects by hand. */
    private static final Map<String, String> NODE_OVERRIDES = Map.of("auto.leader.rebalance.enable", "false");

    private Path dir;
    private List<BrokerProcess> nodes;
    private Admin admin;

    @BeforeAll
    void startCluster() throws Exception
    {
        dir = Files.createDirectories(Path.of("target", "reassignment-process-test-" + System.currentTimeMillis()));
        nodes = BrokerProcess.cluster(dir, 3, NODE_OVERRIDES);
        for (final BrokerProcess n : nodes)
        {
            n.launch();
        }
        for (final BrokerProcess n : nodes)
        {
            n.awaitReady();
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short)2))).all().get(30, TimeUnit.SECONDS);
        await("both partitions fully in sync").atMost(WAIT).ignoreExceptions().until(() ->
            describe().stream().allMatch(p -> p.leader() != null && p.isr().size() == 2));
    }

    @AfterAll
    void stopCluster()
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        for (final BrokerProcess n : nodes)
        {
            n.close();
        }
    }

    @Test
    @Order(1)
    void shouldMoveAPartitionWithTheCliAndServeItFromTheNewReplicas() throws Exception
    {
        produce(0, "before-move");
        final TopicPartitionInfo before = describe().get(0);
        final int oldLeader = before.leader().id();
        final int kept = ids(before.replicas()).stream().filter(r -> r != oldLeader).findFirst().orElseThrow();
        final int newcomer = nodes.stream().map(BrokerProcess::nodeId).filter(id -> !ids(before.replicas()).contains(id))
            .findFirst().orElseThrow();
        // The newcomer is preferred, and the current leader is among the replicas removed.
        final List<Integer> target = List.of(newcomer, kept);
        final Path plan = dir.resolve("plan.json");
        Files.writeString(plan, "{\"version\":1,\"partitions\":[{\"topic\":\"" + TOPIC + "\",\"partition\":0,\"replicas\":["
            + newcomer + "," + kept + "],\"log_dirs\":[\"any\",\"any\"]}]}", StandardCharsets.UTF_8);

        final long startNs = System.nanoTime();
        final CliRun execute = CliRun.run("reassign", "--bootstrap-server", bootstrap(), "execute", "--plan", plan.toString(), "--wait",
            "--timeout-ms", "60000");
        System.out.printf("reassign execute --wait: exit %d after %d ms%n%s%s", execute.code(), msSince(startNs), execute.out(), execute.err());

        assertThat(execute.code()).as(execute.err()).isZero();
        assertThat(execute.out()).contains("Current assignment").contains("\"replicas\":" + ids(before.replicas()).toString().replace(" ", ""))
            .contains("1/1 partitions done (100%)").contains("Every partition has its target replicas");
        // verify asks again while a broker's metadata lags behind the finished move, so one run suffices.
        final CliRun verify = CliRun.run("reassign", "--bootstrap-server", bootstrap(), "verify", "--plan", plan.toString());
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("done").contains("1 of 1 partition(s) done.");
        await("Metadata shows the target replicas, in sync, led by the newcomer").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        {
            final TopicPartitionInfo after = describe().get(0);
            assertThat(ids(after.replicas())).containsExactlyElementsOf(target);
            assertThat(ids(after.isr())).containsExactlyInAnyOrderElementsOf(target);
            assertThat(after.leader().id()).isEqualTo(newcomer);
        });
        assertThat(consume(0)).containsExactlyElementsOf(expected("before-move"));
        final Path removedCopy = node(oldLeader).dataDir().resolve(TOPIC + "-0");
        await("broker " + oldLeader + " deletes its copy").atMost(WAIT).until(() -> !Files.exists(removedCopy));
        assertThat(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    @Order(2)
    void shouldMoveLeadershipBackToThePreferredReplicaWithTheCli() throws Exception
    {
        final TopicPartitionInfo before = describe().get(1);
        final int preferred = before.replicas().get(0).id();
        assertThat(before.leader().id()).isEqualTo(preferred);
        final int other = before.replicas().get(1).id();
        final BrokerProcess victim = node(preferred);

        victim.kill();
        await("leadership moves to broker " + other).atMost(WAIT).ignoreExceptions().until(() -> describe().get(1).leader().id() == other);
        produce(1, "while-" + preferred + "-was-down");
        victim.start();
        await("broker " + preferred + " back in the ISR").atMost(WAIT).ignoreExceptions().until(() -> ids(describe().get(1).isr()).contains(preferred));
        assertThat(describe().get(1).leader().id()).as("no automatic election").isEqualTo(other);

        final CliRun elect = CliRun.run("leader", "--bootstrap-server", bootstrap(), "elect", "--preferred", "--topic", TOPIC, "--partition", "1");
        System.out.printf("leader elect --preferred:%n%s%s", elect.out(), elect.err());

        assertThat(elect.code()).as(elect.err()).isZero();
        assertThat(elect.out()).containsPattern(TOPIC + "\\s+1\\s+elected");
        await("broker " + preferred + " leads again").atMost(WAIT).ignoreExceptions().until(() -> describe().get(1).leader().id() == preferred);
        assertThat(consume(1)).containsExactlyElementsOf(expected("while-" + preferred + "-was-down"));
        // The kill may have moved other leaderships off the victim too (partition 0's): every partition gets its preferred leader back.
        final CliRun all = CliRun.run("leader", "--bootstrap-server", bootstrap(), "--output", "json", "elect", "--preferred",
            "--all-topic-partitions");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).doesNotContain("\"failed\"");
        final CliRun again = CliRun.run("leader", "--bootstrap-server", bootstrap(), "--output", "json", "elect", "--preferred",
            "--all-topic-partitions");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out().trim()).as("nothing left to elect").isEqualTo("{\"results\":[]}");
        // The elections are applied on the controller's broker when answered; Admin may ask one a little behind.
        await("every partition led by its preferred replica").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        {
            for (final TopicPartitionInfo p : describe())
            {
                assertThat(p.leader().id()).as("partition %d led by its preferred replica", p.partition()).isEqualTo(p.replicas().get(0).id());
            }
        });
    }

    @Test
    @Order(3)
    void shouldServeKafkasAdminClient() throws Exception
    {
        final TopicPartition tp = new TopicPartition(TOPIC, 1);
        final Throwable notNeeded = catchThrowable(() -> admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions()
            .get(10, TimeUnit.SECONDS).get(tp).ifPresent(e -> { throw new RuntimeException(e); }));
        assertThat(notNeeded).hasCauseInstanceOf(ElectionNotNeededException.class);

        // Reorder the replicas (done at once), then elect the new first one.
        final List<Integer> reversed = new ArrayList<>(ids(describe().get(1).replicas()));
        java.util.Collections.reverse(reversed);
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(reversed)))).all().get(10, TimeUnit.SECONDS);
        await("reordered").atMost(WAIT).ignoreExceptions().until(() -> ids(describe().get(1).replicas()).equals(reversed));
        final Map<TopicPartition, Optional<Throwable>> elected = admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions()
            .get(10, TimeUnit.SECONDS);
        assertThat(elected.get(tp)).isEmpty();
        await("the new preferred replica leads").atMost(WAIT).ignoreExceptions().until(() -> describe().get(1).leader().id() == reversed.get(0));

        // Grow to three replicas: the move is listed while the third copies the log, then done.
        final int third = nodes.stream().map(BrokerProcess::nodeId).filter(id -> !reversed.contains(id)).findFirst().orElseThrow();
        final List<Integer> grown = List.of(reversed.get(0), reversed.get(1), third);
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(grown)))).all().get(10, TimeUnit.SECONDS);
        await("grown to three in-sync replicas").atMost(WAIT).ignoreExceptions().until(() ->
            admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS).isEmpty()
                && ids(describe().get(1).replicas()).equals(grown) && describe().get(1).isr().size() == 3);

        final Throwable invalid = catchThrowable(() -> admin.alterPartitionReassignments(Map.of(tp,
            Optional.of(new NewPartitionReassignment(List.of(third, third))))).all().get(10, TimeUnit.SECONDS));
        assertThat(invalid).hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
        final Throwable noMove = catchThrowable(() -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all()
            .get(10, TimeUnit.SECONDS));
        assertThat(noMove).hasCauseInstanceOf(NoReassignmentInProgressException.class);
    }

    @Test
    @Order(4)
    void shouldWorkWithKafkasReassignAndLeaderElectionTools() throws Exception
    {
        // Partition 1 onto the two brokers that are not its preferred replica now (from three replicas after test 3).
        final int preferred = describe().get(1).replicas().get(0).id();
        final List<Integer> target = nodes.stream().map(BrokerProcess::nodeId).filter(id -> id != preferred).toList();
        final Path plan = dir.resolve("kafka-plan.json");
        Files.writeString(plan, "{\"version\":1,\"partitions\":[{\"topic\":\"" + TOPIC + "\",\"partition\":1,\"replicas\":["
            + target.get(0) + "," + target.get(1) + "],\"log_dirs\":[\"any\",\"any\"]}]}", StandardCharsets.UTF_8);

        final Tool execute = kafkaTool(() -> org.apache.kafka.tools.reassign.ReassignPartitionsCommand.main(new String[] {
            "--bootstrap-server", bootstrap(), "--execute", "--reassignment-json-file", plan.toString()}));
        System.out.printf("kafka-reassign-partitions --execute: exit %d%n%s", execute.exit, execute.out);
        assertThat(execute.exit).as(execute.out).isZero();
        assertThat(execute.out).contains("Successfully started partition reassignment");

        await("Kafka's --verify reports the move complete").atMost(WAIT).untilAsserted(() ->
        {
            final Tool verify = kafkaTool(() -> org.apache.kafka.tools.reassign.ReassignPartitionsCommand.main(new String[] {
                "--bootstrap-server", bootstrap(), "--verify", "--reassignment-json-file", plan.toString()}));
            assertThat(verify.exit).as(verify.out).isZero();
            assertThat(verify.out).contains("Reassignment of partition " + TOPIC + "-1 is completed");
        });
        // --verify saw the target on the broker its own Admin asked; ours may ask one a little behind.
        await("Metadata shows the target replicas").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
            assertThat(ids(describe().get(1).replicas())).containsExactlyElementsOf(target));
        final Tool list = kafkaTool(() -> org.apache.kafka.tools.reassign.ReassignPartitionsCommand.main(new String[] {
            "--bootstrap-server", bootstrap(), "--list"}));
        assertThat(list.exit).as(list.out).isZero();
        assertThat(list.out).contains("No partition reassignments found.");
        final Path topics = dir.resolve("kafka-topics.json");
        Files.writeString(topics, "{\"version\":1,\"topics\":[{\"topic\":\"" + TOPIC + "\"}]}", StandardCharsets.UTF_8);
        final Tool generate = kafkaTool(() -> org.apache.kafka.tools.reassign.ReassignPartitionsCommand.main(new String[] {
            "--bootstrap-server", bootstrap(), "--generate", "--topics-to-move-json-file", topics.toString(), "--broker-list", "1,2,3"}));
        assertThat(generate.exit).as(generate.out).isZero();
        assertThat(generate.out).contains("Proposed partition reassignment configuration");

        final Tool elect = kafkaTool(() -> org.apache.kafka.tools.LeaderElectionCommand.main("--bootstrap-server", bootstrap(),
            "--election-type", "PREFERRED", "--all-topic-partitions"));
        System.out.printf("kafka-leader-election --all-topic-partitions: exit %d%n%s", elect.exit, elect.out);
        assertThat(elect.exit).as(elect.out).isZero();
        await("preferred leaders everywhere").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        {
            for (final TopicPartitionInfo p : describe())
            {
                assertThat(p.leader().id()).isEqualTo(p.replicas().get(0).id());
            }
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private record Tool(int exit, String out)
    {
    }

    /** Runs one of Kafka's command-line tools in this JVM: its exit becomes an exception, its standard output is captured. */
    private static Tool kafkaTool(final ThrowingRunnable main)
    {
        final class ToolExit extends RuntimeException
        {
            private static final long serialVersionUID = 1L;
            final int code;

            ToolExit(final int code, final String message)
            {
                super(message);
                this.code = code;
            }
        }
        final java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream original = System.out;
        org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) ->
        {
            throw new ToolExit(code, message);
        });
        int exit = 0;
        try
        {
            System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            main.run();
        }
        catch (final ToolExit e)
        {
            exit = e.code;
        }
        catch (final Exception e)
        {
            throw new AssertionError("Kafka's tool failed: " + captured.toString(StandardCharsets.UTF_8), e);
        }
        finally
        {
            System.setOut(original);
            org.apache.kafka.common.utils.Exit.resetExitProcedure();
        }
        return new Tool(exit, captured.toString(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    private interface ThrowingRunnable
    {
        void run() throws Exception;
    }


    /** The topic's partitions as Admin describes them; a topic not yet known to the broker asked is asked about again. */
    private List<TopicPartitionInfo> describe() throws Exception
    {
        return AdminDescribe.topic(admin, TOPIC, Duration.ofSeconds(10), WAIT).partitions();
    }

    private static List<Integer> ids(final List<Node> nodes)
    {
        return nodes.stream().map(Node::id).collect(Collectors.toList());
    }

    private BrokerProcess node(final int id)
    {
        return nodes.stream().filter(n -> n.nodeId() == id).findFirst().orElseThrow();
    }

    private String bootstrap()
    {
        return nodes.stream().map(BrokerProcess::bootstrap).collect(Collectors.joining(","));
    }

    private static List<String> expected(final String prefix)
    {
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++)
        {
            values.add(prefix + "-" + i);
        }
        return values;
    }

    private void produce(final int partition, final String prefix) throws Exception
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props))
        {
            for (final String v : expected(prefix))
            {
                producer.send(new ProducerRecord<>(TOPIC, partition, null, v));
            }
            producer.flush();
            // Every send acknowledged by the in-sync replicas, or the test fails here.
            producer.send(new ProducerRecord<>(TOPIC, partition, null, "fence")).get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of the partition from the start up to the fence, read from its leader. */
    private List<String> consume(final int partition)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props))
        {
            final TopicPartition tp = new TopicPartition(TOPIC, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)))
                {
                    if ("fence".equals(r.value()))
                    {
                        return values;
                    }
                    values.add(r.value());
                }
            }
        }
        throw new AssertionError("no fence record in " + TOPIC + "-" + partition + " after " + values.size() + " records");
    }

    private static long msSince(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
