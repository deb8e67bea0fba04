package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import io.osprey.producer.OspreyProducer;
import io.osprey.testing.AdminDescribe;
import io.osprey.testing.BrokerProcess;

/**
 * ISR replication across real processes, with topics of replication factor 3 and
 * {@code min.insync.replicas=2}: three in-sync replicas serving every record in order; the
 * leader killed (kill -9) under an idempotent acks=all producer, Kafka's and then Osprey's,
 * losing no acknowledged record and writing none twice or out of order; followers stopped one
 * by one, shrinking the ISR, until acks=all is refused while acks=1 still writes, and the ISR
 * whole again once they return. The tests run in order on one cluster (starting the JVMs and a
 * quorum costs seconds). Timings are printed, not asserted.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicationProcessTest
{
    /**
     * Five combined nodes, not three. The last test stops two of a partition's three replicas; on
     * three combined nodes that would take two of the three controller voters with them, leaving
     * no quorum to commit the ISR shrink the test waits for (and no fencing). Five voters keep a
     * majority with two down. Dedicated controller-only voters would not do either: Metadata names
     * the active voter as the controller, and Kafka's Admin sends CreateTopics only to a
     * controller it finds among the brokers.
     */
    private static final int NODES = 5;
    private static final short REPLICATION_FACTOR = 3;
    private static final Map<String, String> TOPIC_CONFIGS = Map.of("min.insync.replicas", "2");
    /** A stopped follower leaves the ISR within seconds, not the default 30 s. */
    private static final Map<String, String> NODE_OVERRIDES = Map.of("replica.lag.time.max.ms", "3000");
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Fencing (1.5 s) or replica.lag.time.max.ms (3 s) plus a controller commit, with room for a loaded machine. */
    private static final Duration SHRINK_WAIT = Duration.ofSeconds(30);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    private static final int BASICS_PARTITIONS = 3;
    private static final int BASICS_RECORDS = 1_000;
    /** Unanswered sends of the failover tests: enough to keep several batches in flight when the leader dies. */
    private static final int IN_FLIGHT_MAX = 200;
    private static final int ACKED_BEFORE_KILL = 2_000;
    /** Acknowledgements of sends made after the kill: the new leader must take a steady stream, not one batch. */
    private static final int ACKED_AFTER_KILL = 2_000;
    private static final String SEQUENCE_PREFIX = "k-";
    private static final int ISR_BATCH = 100;

    private Path dir;
    private List<BrokerProcess> nodes;
    private Admin admin;

    @BeforeAll
    void startCluster() throws Exception
    {
        // Under target/, and the node logs are kept after the run: they are what explains a failure.
        dir = Files.createDirectories(Path.of("target", "replication-process-test-" + System.currentTimeMillis()));
        nodes = BrokerProcess.cluster(dir, NODES, NODE_OVERRIDES);
        final long startNs = System.nanoTime();
        for (final BrokerProcess n : nodes)
        {
            n.launch();
        }
        for (final BrokerProcess n : nodes)
        {
            n.awaitReady();
        }
        System.out.printf("%d combined nodes: all serving %d ms after launch%n", NODES, msSince(startNs));
        // One Admin for the class: it follows the cluster's metadata, so a dead bootstrap node costs it only a retry.
        admin = Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(nodes),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    /** A test that failed half-way may have left nodes down: the next one starts from a whole cluster. */
    @BeforeEach
    void restartStoppedNodes() throws Exception
    {
        final List<BrokerProcess> down = nodes.stream().filter(n -> !n.isAlive()).toList();
        for (final BrokerProcess n : down)
        {
            n.launch();
        }
        for (final BrokerProcess n : down)
        {
            n.awaitReady();
        }
        if (!down.isEmpty())
        {
            System.out.printf("restarted nodes %s left down by an earlier test%n", down.stream().map(BrokerProcess::nodeId).toList());
        }
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (admin != null)
        {
            admin.close(CLOSE_WAIT);
        }
        if (nodes != null)
        {
            for (final BrokerProcess n : nodes)
            {
                n.close();
                deleteRecursively(n.dataDir());
            }
        }
    }

    @Test
    @Order(1)
    void shouldReplicateToThreeInSyncReplicasAndServeEveryRecordInPartitionOrder() throws Exception
    {
        final String topic = "replicated";
        final long createNs = System.nanoTime();
        createReplicatedTopic(topic, BASICS_PARTITIONS);
        final TopicDescription created = describe(topic);
        assertThat(created.partitions()).hasSize(BASICS_PARTITIONS).allSatisfy(p ->
            assertThat(ids(p.replicas())).hasSize(REPLICATION_FACTOR).doesNotHaveDuplicates());
        for (final TopicPartitionInfo p : created.partitions())
        {
            awaitIsr(topic, p.partition(), ids(p.replicas()), WAIT);
        }
        System.out.printf("RF=%d topic with %d partitions: every ISR full %d ms after CreateTopics%n", REPLICATION_FACTOR,
            BASICS_PARTITIONS, msSince(createNs));

        final Map<Integer, List<String>> sent = new TreeMap<>();
        final List<Future<RecordMetadata>> futures = new ArrayList<>();
        final long produceNs = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(acksAllConfig()))
        {
            for (int i = 0; i < BASICS_RECORDS; i++)
            {
                final int p = i % BASICS_PARTITIONS;
                final String value = "v-" + p + "-" + i;
                sent.computeIfAbsent(p, k -> new ArrayList<>()).add(value);
                futures.add(producer.send(new ProducerRecord<>(topic, p, null, value)));
            }
            for (final Future<RecordMetadata> f : futures)
            {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        System.out.printf("%d records acknowledged with acks=all in %d ms%n", BASICS_RECORDS, msSince(produceNs));

        assertThat(read(topic, BASICS_PARTITIONS)).as("each partition's records, once each and in send order").isEqualTo(sent);
    }

    @Test
    @Order(2)
    void shouldKeepEveryAcknowledgedRecordOnceAndInOrderWhenTheLeaderIsKilledUnderKafkasProducer() throws Exception
    {
        killTheLeaderWhileProducing("failover-kafka", "Kafka's producer", this::kafkaSender);
    }

    @Test
    @Order(3)
    void shouldKeepEveryAcknowledgedRecordOnceAndInOrderWhenTheLeaderIsKilledUnderOspreysProducer() throws Exception
    {
        killTheLeaderWhileProducing("failover-osprey", "Osprey's producer", this::ospreySender);
    }

    @Test
    @Order(4)
    void shouldShrinkTheIsrAsFollowersStopRefuseAcksAllBelowMinIsrAndExpandWhenTheyReturn() throws Exception
    {
        final String topic = "isr";
        createReplicatedTopic(topic, 1);
        final TopicPartitionInfo start = describe(topic, 0);
        final List<Integer> replicas = ids(start.replicas());
        awaitIsr(topic, 0, replicas, WAIT);
        final int leaderId = describe(topic, 0).leader().id();
        final List<BrokerProcess> followers = replicas.stream().filter(id -> id != leaderId).map(this::node).toList();
        final BrokerProcess first = followers.get(0);
        final BrokerProcess second = followers.get(1);
        final List<String> acknowledged = new ArrayList<>();

        // All three producers are made while every node is up, so that each has a live bootstrap.
        try (KafkaProducer<String, String> acksAll = new KafkaProducer<>(acksAllConfig());
            KafkaProducer<String, String> acksOne = new KafkaProducer<>(acksOneConfig());
            KafkaProducer<String, String> probe = new KafkaProducer<>(failFastAcksAllConfig()))
        {
            acknowledged.addAll(sendAll(acksAll, topic, "all-0-", ISR_BATCH));

            final long firstKillNs = System.nanoTime();
            first.kill();
            // Sent at once: the leader holds them until the dead follower leaves the ISR, then they must succeed.
            acknowledged.addAll(sendAll(acksAll, topic, "all-1-", ISR_BATCH));
            final long stalledMs = msSince(firstKillNs);
            awaitIsr(topic, 0, List.of(leaderId, second.nodeId()), SHRINK_WAIT);
            System.out.printf("follower %d kill -9 -> ISR of 2: %d ms (acks=all sends made at the kill all acknowledged after %d ms)%n",
                first.nodeId(), msSince(firstKillNs), stalledMs);
            acknowledged.addAll(sendAll(acksAll, topic, "all-2-", ISR_BATCH));

            final long secondKillNs = System.nanoTime();
            second.kill();
            awaitIsr(topic, 0, List.of(leaderId), SHRINK_WAIT);
            System.out.printf("follower %d kill -9 -> ISR of 1 (the leader %d alone): %d ms%n", second.nodeId(), leaderId,
                msSince(secondKillNs));

            final Future<RecordMetadata> refused = probe.send(new ProducerRecord<>(topic, 0, null, "refused"));
            final Throwable failure = catchThrowable(() -> refused.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(failure).as("acks=all with 1 in-sync replica of min.insync.replicas=2")
                .isInstanceOf(ExecutionException.class);
            // NOT_ENOUGH_REPLICAS when the ISR was already 1 at the append; the _AFTER_APPEND flavour if it
            // shrank while the batch waited.
            assertThat(failure.getCause())
                .isInstanceOfAny(NotEnoughReplicasException.class, NotEnoughReplicasAfterAppendException.class);
            acknowledged.addAll(sendAll(acksOne, topic, "one-", ISR_BATCH));

            final long restartNs = System.nanoTime();
            first.launch();
            second.launch();
            first.awaitReady();
            second.awaitReady();
            final long servingMs = msSince(restartNs);
            awaitIsr(topic, 0, replicas, WAIT);
            System.out.printf("both followers restarted: serving %d ms after launch, ISR of 3 again after %d ms%n", servingMs,
                msSince(restartNs));
            acknowledged.addAll(sendAll(acksAll, topic, "all-3-", ISR_BATCH));
        }

        final List<String> read = read(topic, 1).getOrDefault(0, List.of());
        assertThat(read).as("no record twice").doesNotHaveDuplicates();
        assertThat(read).as("every acknowledged record (acks=all and acks=1)").containsAll(acknowledged);
        final Set<String> unacknowledged = new TreeSet<>(read);
        acknowledged.forEach(unacknowledged::remove);
        // A batch refused with NOT_ENOUGH_REPLICAS_AFTER_APPEND is in the leader's log: it may be read, nothing else may.
        assertThat(unacknowledged).as("records read that were never sent or acknowledged").isSubsetOf(Set.of("refused"));
        System.out.printf("read %d records: the %d acknowledged once each%s%n", read.size(), acknowledged.size(),
            unacknowledged.isEmpty() ? "" : ", and the refused acks=all record (appended before it was refused)");
    }

    /**
     * DeleteRecords on a partition of three replicas, then kill -9 of its leader as soon as the
     * answer arrives: the new leader must not serve the deleted records again. The answer comes
     * only once both in-sync followers report the new log start (Kafka's low watermark).
     */
    @Test
    @Order(5)
    void shouldKeepDeletedRecordsDeletedWhenTheLeaderIsKilled() throws Exception
    {
        final String topic = "deleted";
        createReplicatedTopic(topic, 1);
        final List<Integer> replicas = ids(describe(topic, 0).replicas());
        awaitIsr(topic, 0, replicas, WAIT);
        final TopicPartition tp = new TopicPartition(topic, 0);
        final long deleteMs;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(acksAllConfig()))
        {
            sendAll(producer, topic, "d-", 200);
            final long deleteNs = System.nanoTime();
            final long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(150))).lowWatermarks().get(tp)
                .get(30, TimeUnit.SECONDS).lowWatermark();
            assertThat(low).isEqualTo(150);
            deleteMs = msSince(deleteNs);
        }
        final int oldLeader = describe(topic, 0).leader().id();
        node(oldLeader).kill();
        await("a new leader of " + topic + "-0").atMost(SHRINK_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> describe(topic, 0).leader() != null && describe(topic, 0).leader().id() != oldLeader);
        final long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
        assertThat(earliest).as("the new leader's log start").isEqualTo(150);
        // The new leader's high watermark covers the acknowledged records once the ISR has settled without the old leader.
        await("the high watermark of " + topic + "-0 at 200").atMost(SHRINK_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(5, TimeUnit.SECONDS).offset() == 200);
        final List<String> read = read(topic, 1).getOrDefault(0, List.of());
        assertThat(read).hasSize(50);
        assertThat(read.get(0)).isEqualTo("d-150");
        assertThat(read.get(49)).isEqualTo("d-199");
        System.out.printf("deleted below 150 (answered after %d ms, once both followers had moved), leader %d killed: new leader %d "
            + "serves from 150%n", deleteMs, oldLeader, describe(topic, 0).leader().id());
        node(oldLeader).launch();
        node(oldLeader).awaitReady();
    }

    // ---- the leader's kill under a producer

    /**
     * One partition, RF=3: a producer numbers its records as fast as its acknowledgements come
     * while the partition's leader is killed; then the partition, read from the survivors, must
     * hold every acknowledged number, none twice, in increasing order; and the killed broker,
     * restarted, must rejoin the ISR.
     */
    private void killTheLeaderWhileProducing(final String topic, final String client, final Function<String, AsyncSender> senders)
        throws Exception
    {
        createReplicatedTopic(topic, 1);
        final List<Integer> replicas = ids(describe(topic, 0).replicas());
        awaitIsr(topic, 0, replicas, WAIT);
        final int leaderId = describe(topic, 0).leader().id();
        final BrokerProcess leader = node(leaderId);
        final Node controller = admin.describeCluster().controller().get(30, TimeUnit.SECONDS);
        final boolean leaderIsController = controller != null && controller.id() == leaderId;

        final SequencedProduction production = new SequencedProduction(senders.apply(topic));
        final long killNs;
        final long producedMs;
        try (production)
        {
            final long startNs = System.nanoTime();
            production.start();
            await(client + ": acknowledgements before the kill").atMost(WAIT).untilAsserted(() ->
                assertThat(production.ackedCount()).as("%s", production.progress()).isGreaterThanOrEqualTo(ACKED_BEFORE_KILL));
            producedMs = msSince(startNs);
            killNs = System.nanoTime();
            leader.kill();
            // Only now is the old leader surely gone: a send made from here on can be acknowledged only by its successor.
            production.onLeaderDead();
            await(client + ": acknowledgements of sends made after the kill").atMost(WAIT).untilAsserted(() ->
                assertThat(production.ackedAfterKill()).as("%s", production.progress()).isGreaterThanOrEqualTo(ACKED_AFTER_KILL));
            production.finish();
        }
        final long failoverMs = TimeUnit.NANOSECONDS.toMillis(production.firstAckAfterKillNs() - killNs);
        final TopicPartitionInfo after = describe(topic, 0);
        assertThat(after.leader()).as("leader after the kill").isNotNull();
        final int newLeaderId = after.leader().id();
        assertThat(newLeaderId).as("new leader").isNotEqualTo(leaderId).isIn(replicas);
        System.out.printf("%s: leader %d (%s) kill -9 after %d ms of production -> first acknowledgement of a send made after the "
                + "kill: %d ms; new leader %d%n", client, leaderId, leaderIsController ? "also the active controller" :
                "not the active controller", producedMs, failoverMs, newLeaderId);

        final List<String> values = read(topic, 1).getOrDefault(0, List.of());
        final List<Integer> numbers = values.stream().map(v -> Integer.parseInt(v.substring(SEQUENCE_PREFIX.length()))).toList();
        final Set<Integer> missing = new TreeSet<>(production.acked());
        missing.removeAll(numbers);
        final List<Integer> duplicates = new ArrayList<>();
        final List<String> outOfOrder = new ArrayList<>();
        final Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < numbers.size(); i++)
        {
            if (!seen.add(numbers.get(i)))
            {
                duplicates.add(numbers.get(i));
            }
            if (i > 0 && numbers.get(i) <= numbers.get(i - 1))
            {
                outOfOrder.add(numbers.get(i - 1) + " then " + numbers.get(i) + " at position " + i);
            }
        }
        System.out.printf("%s: %s; read %d from the survivors (%d written but never acknowledged)%n", client,
            production.progress(), numbers.size(), numbers.size() - (production.ackedCount() - missing.size()));
        // Counts with a few examples: a list of 10,000 numbers in a failure message explains nothing.
        assertThat(missing.size()).as("acknowledged numbers missing, first %s", first(missing)).isZero();
        assertThat(duplicates.size()).as("numbers written twice, first %s", first(duplicates)).isZero();
        assertThat(outOfOrder.size()).as("numbers out of send order, first %s", first(outOfOrder)).isZero();
        assertThat(numbers).as("only numbers that were sent").allMatch(n -> n < production.sentCount());

        final long restartNs = System.nanoTime();
        leader.start();
        final long servingMs = msSince(restartNs);
        awaitIsr(topic, 0, replicas, WAIT);
        System.out.printf("%s: killed leader %d restarted: serving %d ms after launch, back in the ISR after %d ms%n", client,
            leaderId, servingMs, msSince(restartNs));
        // The rejoined replica truncated and caught up; whoever leads now, the committed log is unchanged.
        final List<String> again = read(topic, 1).getOrDefault(0, List.of());
        assertThat(again.equals(values)).as("the partition read again after the rejoin (%d records, before %d)", again.size(),
            values.size()).isTrue();
    }

    /** Sends one value to partition 0 of its topic and reports the outcome: a null exception when acknowledged. */
    private interface AsyncSender extends AutoCloseable
    {
        void send(String value, Consumer<Exception> onCompletion);

        void flush();

        @Override
        void close();
    }

    private AsyncSender kafkaSender(final String topic)
    {
        final KafkaProducer<String, String> producer = new KafkaProducer<>(acksAllConfig());
        return new AsyncSender()
        {
            @Override
            public void send(final String value, final Consumer<Exception> onCompletion)
            {
                producer.send(new ProducerRecord<>(topic, 0, null, value), (md, e) -> onCompletion.accept(e));
            }

            @Override
            public void flush()
            {
                producer.flush();
            }

            @Override
            public void close()
            {
                producer.close(CLOSE_WAIT);
            }
        };
    }

    private AsyncSender ospreySender(final String topic)
    {
        // Osprey's producer takes Kafka's keys, Kafka's serializer classes included.
        final OspreyProducer<String, String> producer = new OspreyProducer<>(acksAllConfig());
        return new AsyncSender()
        {
            @Override
            public void send(final String value, final Consumer<Exception> onCompletion)
            {
                producer.send(new io.osprey.producer.ProducerRecord<>(topic, 0, null, value), (md, e) -> onCompletion.accept(e));
            }

            @Override
            public void flush()
            {
                producer.flush();
            }

            @Override
            public void close()
            {
                producer.close(CLOSE_WAIT);
            }
        };
    }

    /**
     * The numbers 0, 1, 2, ... sent as {@code k-<n>} on a thread of its own, as fast as the
     * acknowledgements allow with at most {@link #IN_FLIGHT_MAX} unanswered. Records which numbers
     * were acknowledged and which failed, and when the first send made after
     * {@link #onLeaderDead()} was acknowledged. Callbacks run on the producer's I/O thread.
     */
    private static final class SequencedProduction implements AutoCloseable
    {
        private static final long NOT_YET = Long.MIN_VALUE;

        private final AsyncSender sender;
        private final Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
        private final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        private final Set<Integer> failed = ConcurrentHashMap.newKeySet();
        private final AtomicInteger ackedAfterKill = new AtomicInteger();
        private final AtomicLong firstAckAfterKillNs = new AtomicLong(NOT_YET);
        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private final AtomicReference<Throwable> threadFailure = new AtomicReference<>();
        private Thread thread;
        private volatile boolean leaderDead;
        private volatile boolean stopping;
        private volatile int sent;
        private boolean closed;

        SequencedProduction(final AsyncSender sender)
        {
            this.sender = sender;
        }

        void start()
        {
            thread = new Thread(this::run, "replication-test-producer");
            thread.setDaemon(true);
            thread.start();
        }

        private void run()
        {
            try
            {
                int next = 0;
                while (!stopping)
                {
                    if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS))
                    {
                        continue;
                    }
                    final int n = next++;
                    sent = next;
                    final boolean afterKill = leaderDead;
                    try
                    {
                        sender.send(SEQUENCE_PREFIX + n, e -> onCompletion(n, afterKill, e));
                    }
                    catch (final RuntimeException e)
                    {
                        // Refused before it was queued (max.block.ms): no callback will come.
                        onCompletion(n, afterKill, e);
                    }
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            catch (final RuntimeException | Error e)
            {
                threadFailure.set(e);
            }
        }

        private void onCompletion(final int n, final boolean afterKill, final Exception e)
        {
            if (e == null)
            {
                acked.add(n);
                if (afterKill)
                {
                    firstAckAfterKillNs.compareAndSet(NOT_YET, System.nanoTime());
                    ackedAfterKill.incrementAndGet();
                }
            }
            else
            {
                failed.add(n);
                firstFailure.compareAndSet(null, e);
            }
            inFlight.release();
        }

        /** From now on sends count as made after the leader's death. */
        void onLeaderDead()
        {
            leaderDead = true;
        }

        /** Stops sending, waits for every answer and closes the producer. */
        void finish() throws Exception
        {
            stopSending();
            sender.flush();
            // Closing joins the producer's I/O thread, so every callback has run once it returns.
            closeSender();
            assertThat(inFlight.tryAcquire(IN_FLIGHT_MAX, CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("every send answered by its callback").isTrue();
            assertThat(threadFailure.get()).as("failure of the sending thread").isNull();
        }

        private void stopSending() throws InterruptedException
        {
            stopping = true;
            if (thread != null)
            {
                thread.join(CLOSE_WAIT.toMillis());
                assertThat(thread.isAlive()).as("sending thread still running").isFalse();
            }
        }

        private void closeSender()
        {
            if (!closed)
            {
                closed = true;
                sender.close();
            }
        }

        /** After a failure: stop without the checks of {@link #finish()}. */
        @Override
        public void close()
        {
            stopping = true;
            try
            {
                if (thread != null)
                {
                    thread.join(CLOSE_WAIT.toMillis());
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            closeSender();
        }

        /** For failure messages: how far production got and why it stopped getting further. */
        String progress()
        {
            return "sent " + sent + ", acknowledged " + acked.size() + " (" + ackedAfterKill.get() + " of sends made after the kill), "
                + "failed " + failed.size() + (firstFailure.get() == null ? "" : " (first: " + firstFailure.get() + ")");
        }

        int sentCount()
        {
            return sent;
        }

        int ackedCount()
        {
            return acked.size();
        }

        Set<Integer> acked()
        {
            return acked;
        }

        int ackedAfterKill()
        {
            return ackedAfterKill.get();
        }

        long firstAckAfterKillNs()
        {
            final long ns = firstAckAfterKillNs.get();
            assertThat(ns).as("no send made after the kill was acknowledged").isNotEqualTo(NOT_YET);
            return ns;
        }
    }

    // ---- helpers

    private void createReplicatedTopic(final String topic, final int partitions) throws Exception
    {
        admin.createTopics(List.of(new NewTopic(topic, partitions, REPLICATION_FACTOR).configs(TOPIC_CONFIGS))).all()
            .get(30, TimeUnit.SECONDS);
    }

    /** The partition as Admin describes it; a topic not yet known to the broker asked is asked about again. */
    private TopicPartitionInfo describe(final String topic, final int partition) throws Exception
    {
        return describe(topic).partitions().stream().filter(p -> p.partition() == partition).findFirst().orElseThrow();
    }

    private TopicDescription describe(final String topic) throws Exception
    {
        return AdminDescribe.topic(admin, topic, Duration.ofSeconds(30), WAIT);
    }

    /**
     * Waits until the partition's ISR, as Admin describes it, is exactly {@code expected}.
     * Exceptions are retried: Admin may first try a node that was just killed.
     */
    private void awaitIsr(final String topic, final int partition, final Collection<Integer> expected, final Duration atMost)
    {
        await(topic + "-" + partition + " ISR " + expected).atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .untilAsserted(() -> assertThat(ids(describe(topic, partition).isr())).containsExactlyInAnyOrderElementsOf(expected));
    }

    /** Idempotent acks=all with retries bounded only by a minute's delivery timeout: what rides out a failover. */
    private Map<String, Object> acksAllConfig()
    {
        final Map<String, Object> props = producerConfig();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return props;
    }

    private Map<String, Object> acksOneConfig()
    {
        final Map<String, Object> props = producerConfig();
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return props;
    }

    /**
     * acks=all that fails on the first refusal. With retries, NOT_ENOUGH_REPLICAS (retriable) would
     * be retried until the batch expired, and Kafka's producer then fails it with a
     * TimeoutException that does not say why; no retries means no idempotence.
     */
    private Map<String, Object> failFastAcksAllConfig()
    {
        final Map<String, Object> props = producerConfig();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.RETRIES_CONFIG, 0);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        return props;
    }

    private Map<String, Object> producerConfig()
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(liveNodes()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return props;
    }

    /** Sends {@code count} values to partition 0 and waits until each is acknowledged; returns them. */
    private static List<String> sendAll(final KafkaProducer<String, String> producer, final String topic, final String prefix,
        final int count) throws Exception
    {
        final List<String> values = new ArrayList<>();
        final List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            values.add(prefix + i);
            futures.add(producer.send(new ProducerRecord<>(topic, 0, null, prefix + i)));
        }
        for (final Future<RecordMetadata> f : futures)
        {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        return values;
    }

    /** Every record of the topic's partitions up to their ends as of now, by partition, in offset order, read from the live nodes. */
    private Map<Integer, List<String>> read(final String topic, final int partitions)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(liveNodes()));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        final Map<Integer, List<String>> out = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props))
        {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(tps, WAIT);
            // In this thread: a consumer must not be used by the Awaitility thread and closed by this one.
            await("every record of " + topic + " up to " + ends).atMost(WAIT).pollInSameThread().until(() ->
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)))
                {
                    out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
                }
                return tps.stream().allMatch(tp -> consumer.position(tp, WAIT) >= ends.get(tp));
            });
        }
        return out;
    }

    private BrokerProcess node(final int nodeId)
    {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst().orElseThrow();
    }

    private List<BrokerProcess> liveNodes()
    {
        return nodes.stream().filter(BrokerProcess::isAlive).toList();
    }

    private static String bootstrap(final List<BrokerProcess> ns)
    {
        return String.join(",", ns.stream().map(BrokerProcess::bootstrap).toList());
    }

    private static List<Integer> ids(final List<Node> ns)
    {
        return ns.stream().map(Node::id).toList();
    }

    private static <T> List<T> first(final Collection<T> items)
    {
        return items.stream().limit(10).toList();
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
