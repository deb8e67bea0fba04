package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
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
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeClusterResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.testing.BrokerProcess;

/**
 * Three combined nodes (broker and controller each) as real processes: one metadata truth
 * shared by every broker through the controller quorum. The tests run in order on one cluster
 * (starting three JVMs and a quorum costs seconds): topic spread and visibility, the official
 * Kafka clients on every partition, a killed broker fenced and back, then a killed active
 * controller replaced without fencing the surviving brokers. Timings are printed, not asserted.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterProcessTest
{
    private static final short METADATA_V = 12;
    private static final short DESCRIBE_CLUSTER_V = 0;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_PARTITION = 50;
    /** The default broker.session.timeout.ms, which the nodes run with. */
    private static final long SESSION_TIMEOUT_MS = 1_500;

    private Path dir;
    private List<BrokerProcess> nodes;

    @BeforeAll
    void startCluster() throws Exception
    {
        // Under target/, and the node logs are kept after the run: they are what explains a failure.
        dir = Files.createDirectories(Path.of("target", "cluster-process-test-" + System.currentTimeMillis()));
        nodes = BrokerProcess.cluster(dir, 3, Map.of());
        final long startNs = System.nanoTime();
        for (final BrokerProcess n : nodes)
        {
            n.launch();
        }
        for (final BrokerProcess n : nodes)
        {
            n.awaitReady();
        }
        System.out.printf("three combined nodes: all serving %d ms after launch%n", msSince(startNs));
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        for (final BrokerProcess n : nodes)
        {
            n.close();
            deleteRecursively(n.dataDir());
        }
    }

    @Test
    @Order(1)
    void shouldSpreadLeadersOfATopicCreatedThroughAnyBrokerOverAllBrokers() throws Exception
    {
        try (Admin admin = admin(nodes.get(1)))
        {
            admin.createTopics(List.of(new NewTopic("spread", PARTITIONS, (short)1))).all().get(30, TimeUnit.SECONDS);
        }
        for (final BrokerProcess n : nodes)
        {
            await("topic visible from node " + n.nodeId()).atMost(WAIT).untilAsserted(() ->
            {
                final MetadataResponse m = metadata(n);
                assertThat(m.brokers()).extracting(MetadataResponse.Broker::nodeId).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(leaders(m, "spread")).hasSize(PARTITIONS).doesNotContainValue(-1);
                assertThat(new HashSet<>(leaders(m, "spread").values())).containsExactlyInAnyOrder(1, 2, 3);
            });
        }
    }

    @Test
    @Order(2)
    void shouldRefuseMoreReplicasThanBrokers() throws Exception
    {
        try (Admin admin = admin(nodes.get(2)))
        {
            final var result = admin.createTopics(List.of(new NewTopic("over-replicated", 3, (short)4))).all();
            final Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> result.get(30, TimeUnit.SECONDS));
            assertThat(failure).hasCauseInstanceOf(InvalidReplicationFactorException.class);
            assertThat(failure.getCause()).hasMessageContaining("must be between 1 and the 3 available broker(s)");
        }
    }

    @Test
    @Order(3)
    void shouldWriteAndReadEveryPartitionWithTheKafkaClients() throws Exception
    {
        produce("spread", "before-kill");
        assertThat(consume("spread", bootstrap(nodes))).hasSize(PARTITIONS * RECORDS_PER_PARTITION);

        // Group offsets across brokers: __consumer_offsets is spread over all three, the group's
        // coordinator is whichever broker leads its partition, and it takes commits for partitions
        // led elsewhere.
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(nodes));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "spread-committer");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            offsets.put(new TopicPartition("spread", p), new OffsetAndMetadata(p + 1));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props))
        {
            consumer.commitSync(offsets, WAIT);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props))
        {
            assertThat(consumer.committed(offsets.keySet(), WAIT)).isEqualTo(offsets);
        }
    }

    @Test
    @Order(4)
    void shouldFenceAKilledBrokerAndServeItsPartitionsWithTheirDataAfterItsRestart() throws Exception
    {
        final int controllerId = activeController(nodes.get(0));
        final BrokerProcess victim = nodes.stream().filter(n -> n.nodeId() != controllerId).findFirst().orElseThrow();
        final BrokerProcess observer = nodes.stream().filter(n -> n != victim).findFirst().orElseThrow();
        final Set<Integer> itsPartitions = partitionsLedBy(metadata(observer), "spread", victim.nodeId());
        assertThat(itsPartitions).isNotEmpty();

        final long killNs = System.nanoTime();
        victim.kill();
        await("node " + victim.nodeId() + " fenced").atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
            assertThat(metadata(observer).brokers()).extracting(MetadataResponse.Broker::nodeId).doesNotContain(victim.nodeId()));
        final long fencedMs = msSince(killNs);
        final Map<Integer, Integer> leaders = leaders(metadata(observer), "spread");
        for (final int p : itsPartitions)
        {
            assertThat(leaders.get(p)).as("leader of spread-%d after its broker was fenced", p).isEqualTo(-1);
        }
        System.out.printf("broker kill -9 -> fenced (gone from Metadata, its %d partitions leaderless): %d ms%n",
            itsPartitions.size(), fencedMs);

        final long restartNs = System.nanoTime();
        victim.start();
        await("node " + victim.nodeId() + " leads its partitions again").atMost(WAIT).untilAsserted(() ->
        {
            final Map<Integer, Integer> now = leaders(metadata(victim), "spread");
            for (final int p : itsPartitions)
            {
                assertThat(now.get(p)).isEqualTo(victim.nodeId());
            }
        });
        System.out.printf("restarted broker serves its partitions again %d ms after launch%n", msSince(restartNs));
        assertThat(consume("spread", bootstrap(nodes))).hasSize(PARTITIONS * RECORDS_PER_PARTITION);
    }

    @Test
    @Order(5)
    void shouldElectANewControllerWhenTheActiveOneIsKilledAndKeepCreatingTopics() throws Exception
    {
        final int oldController = activeController(nodes.get(0));
        assertThat(oldController).isBetween(1, 3);
        final BrokerProcess victim = nodes.get(oldController - 1);
        final List<BrokerProcess> survivors = nodes.stream().filter(n -> n != victim).toList();
        final List<Integer> survivorIds = survivors.stream().map(BrokerProcess::nodeId).toList();
        // Leader and leader epoch of every partition a survivor leads: fencing a survivor would
        // take its partitions offline and bump their epochs, even if its next heartbeat unfenced it.
        final Map<Integer, MetadataResponse.Partition> survivorsLed = new TreeMap<>();
        partitions(metadata(survivors.get(0)), "spread").forEach((p, state) ->
        {
            if (survivorIds.contains(state.leaderId()))
            {
                survivorsLed.put(p, state);
            }
        });
        assertThat(survivorsLed).isNotEmpty();
        final List<String> fencedSurvivors = new CopyOnWriteArrayList<>();

        final long killNs = System.nanoTime();
        victim.kill();
        await("a new active controller").atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        {
            watchSurvivors(survivors, survivorIds, fencedSurvivors);
            assertThat(activeController(survivors.get(0))).isNotIn(oldController, -1);
        });
        final long electedMs = msSince(killNs);
        await("node " + victim.nodeId() + " fenced").atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        {
            watchSurvivors(survivors, survivorIds, fencedSurvivors);
            assertThat(metadata(survivors.get(0)).brokers()).extracting(MetadataResponse.Broker::nodeId)
                .doesNotContain(victim.nodeId());
        });
        System.out.printf("controller kill -9 -> new active controller %d reported by a broker: %d ms; -> its broker fenced: %d ms%n",
            activeController(survivors.get(0)), electedMs, msSince(killNs));

        // A new controller renews every live lease from the start of its term: no survivor may be
        // fenced, however the failover's timing falls. Watch for a whole session past the election.
        final long watchUntilNs = killNs + TimeUnit.MILLISECONDS.toNanos(electedMs + SESSION_TIMEOUT_MS + 1_000);
        while (System.nanoTime() < watchUntilNs)
        {
            watchSurvivors(survivors, survivorIds, fencedSurvivors);
            Thread.sleep(50);
        }
        assertThat(fencedSurvivors).as("surviving brokers missing from Metadata after the controller's kill").isEmpty();
        for (final BrokerProcess n : survivors)
        {
            final Map<Integer, MetadataResponse.Partition> now = partitions(metadata(n), "spread");
            survivorsLed.forEach((p, before) ->
            {
                assertThat(now.get(p).leaderId()).as("leader of spread-%d seen by node %d", p, n.nodeId()).isEqualTo(before.leaderId());
                assertThat(now.get(p).leaderEpoch()).as("leader epoch of spread-%d seen by node %d (a survivor was fenced)", p,
                    n.nodeId()).isEqualTo(before.leaderEpoch());
            });
        }
        System.out.printf("controller kill -9: surviving brokers %s never fenced (%d of their partitions kept leader and epoch)%n",
            survivorIds, survivorsLed.size());

        final long createNs = System.nanoTime();
        try (Admin admin = admin(survivors.get(1)))
        {
            admin.createTopics(List.of(new NewTopic("after-failover", 4, (short)1))).all().get(30, TimeUnit.SECONDS);
        }
        System.out.printf("topic created through a surviving broker after the failover in %d ms%n", msSince(createNs));
        await("after-failover led by the survivors").atMost(WAIT).untilAsserted(() ->
            assertThat(new HashSet<>(leaders(metadata(survivors.get(0)), "after-failover").values()))
                .containsExactlyInAnyOrderElementsOf(survivors.stream().map(BrokerProcess::nodeId).toList()));
        produce("after-failover", "after");
        assertThat(consume("after-failover", bootstrap(survivors))).hasSize(4 * RECORDS_PER_PARTITION);
    }

    // ---- helpers

    private void produce(final String topic, final String prefix) throws Exception
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(nodes.stream().filter(BrokerProcess::isAlive).toList()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props))
        {
            final int partitions = producer.partitionsFor(topic).size();
            final List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++)
                {
                    sent.add(producer.send(new ProducerRecord<>(topic, p, "k" + i, prefix + "-" + p + "-" + i)));
                }
            }
            for (final java.util.concurrent.Future<?> f : sent)
            {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<ConsumerRecord<String, String>> consume(final String topic, final String bootstrap)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props))
        {
            final List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            final long total = ends.values().stream().mapToLong(Long::longValue).sum();
            await("all " + total + " records of " + topic).atMost(WAIT).until(() ->
            {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= total;
            });
        }
        return out;
    }

    private static Admin admin(final BrokerProcess n)
    {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, n.bootstrap()));
    }

    private static String bootstrap(final List<BrokerProcess> ns)
    {
        return String.join(",", ns.stream().map(BrokerProcess::bootstrap).toList());
    }

    /** Metadata for every topic, asked of that one broker. */
    private static MetadataResponse metadata(final BrokerProcess n) throws Exception
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(n.port()))
        {
            return c.request(ApiKey.METADATA, METADATA_V, new MetadataRequest(null, false, false, false), MetadataResponse::read);
        }
    }

    private static int activeController(final BrokerProcess n) throws Exception
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(n.port()))
        {
            return c.request(ApiKey.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V, new DescribeClusterRequest(false, (byte)1),
                DescribeClusterResponse::read).controllerId();
        }
    }

    /** Notes in {@code fenced} every survivor that some survivor's Metadata no longer lists as live. */
    private static void watchSurvivors(final List<BrokerProcess> survivors, final List<Integer> survivorIds, final List<String> fenced)
        throws Exception
    {
        for (final BrokerProcess n : survivors)
        {
            final List<Integer> live = metadata(n).brokers().stream().map(MetadataResponse.Broker::nodeId).toList();
            for (final int id : survivorIds)
            {
                if (!live.contains(id))
                {
                    fenced.add("node " + n.nodeId() + " listed " + live + " without " + id);
                }
            }
        }
    }

    private static Map<Integer, MetadataResponse.Partition> partitions(final MetadataResponse m, final String topic)
    {
        final Map<Integer, MetadataResponse.Partition> out = new TreeMap<>();
        for (final MetadataResponse.Topic t : m.topics())
        {
            if (topic.equals(t.name()))
            {
                for (final MetadataResponse.Partition p : t.partitions())
                {
                    out.put(p.partitionIndex(), p);
                }
            }
        }
        return out;
    }

    private static Map<Integer, Integer> leaders(final MetadataResponse m, final String topic)
    {
        final Map<Integer, Integer> out = new TreeMap<>();
        for (final MetadataResponse.Topic t : m.topics())
        {
            if (topic.equals(t.name()))
            {
                for (final MetadataResponse.Partition p : t.partitions())
                {
                    out.put(p.partitionIndex(), p.leaderId());
                }
            }
        }
        return out;
    }

    private static Set<Integer> partitionsLedBy(final MetadataResponse m, final String topic, final int broker)
    {
        final Set<Integer> out = new HashSet<>();
        leaders(m, topic).forEach((p, leader) ->
        {
            if (leader == broker)
            {
                out.add(p);
            }
        });
        return out;
    }

    private static long msSince(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private static void deleteRecursively(final Path root) throws Exception
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try (var paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
