package io.osprey.controller.quorum;

import io.osprey.common.ErrorCode;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;
import io.osprey.controller.TopicInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6's "a broker isolated from the controllers cannot keep leadership: it is fenced and
 * its AlterPartition requests are rejected", on a real three-voter quorum (three JVMs). Broker 1
 * runs in a JVM of its own ({@link IsolatedBrokerMain}) and leads some partitions; the test
 * freezes that JVM with SIGSTOP, so nothing of it reaches the quorum (heartbeats, keepalives),
 * waits for the fencing, resumes it with SIGCONT, and has it send the AlterPartition an
 * isolated leader would have sent (its old leader and partition epochs). Brokers 2 and 3
 * heartbeat from this JVM. Times are printed, not asserted.
 */
@Tag("integration")
class IsolatedBrokerProcessTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final long SESSION_TIMEOUT_MS = 1_500;
    private static final long HEARTBEAT_INTERVAL_MS = 300;
    private static final int NODES = 3;
    private static final int ISOLATED = 1;
    private static final String TOPIC = "isolated";
    private static final String SOLO = "isolated-rf1";

    private final List<ControllerProcess> controllers = new ArrayList<>();
    private final List<String> aeronDirs = new ArrayList<>();
    private final List<ControllerClient> clients = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final QuorumTestSupport.RecordingListener admin = new QuorumTestSupport.RecordingListener();
    private final List<String> brokerLines = new ArrayList<>();
    private Process broker;
    private Path dataRoot;

    @AfterEach
    void stopEverything() throws InterruptedException, IOException
    {
        scheduler.shutdownNow();
        if (broker != null && broker.isAlive())
        {
            signal("CONT", broker.pid()); // a stopped process would not run its exit on stdin EOF
            broker.getOutputStream().close();
            if (!broker.waitFor(10, TimeUnit.SECONDS))
            {
                broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        clients.forEach(ControllerClient::close);
        for (final ControllerProcess p : controllers)
        {
            p.stop();
        }
        aeronDirs.forEach(QuorumTestSupport::deleteRecursively);
        if (dataRoot != null)
        {
            QuorumTestSupport.deleteRecursively(dataRoot.toString());
        }
    }

    @Test
    void shouldFenceAnIsolatedBrokerMoveItsLeadershipAndRefuseItsAlterPartition() throws Exception
    {
        final String voters = startQuorum();
        final ControllerClient adminClient = client("admin", voters);
        adminClient.subscribe(MetadataImage.EMPTY, admin);
        registerAndHeartbeat(2, voters);
        registerAndHeartbeat(3, voters);
        startBroker(voters);
        awaitBrokerLine(0, l -> l.startsWith("REGISTERED "));
        await().atMost(BOUND).until(() -> image().isLive(1) && image().isLive(2) && image().isLive(3));

        final Response created = adminClient.submit(new Command.CreateTopics("", 0, List.of(
            new Command.NewTopic(TOPIC, 6, 3, new TreeMap<>()),
            new Command.NewTopic(SOLO, 3, 1, new TreeMap<>())))).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(((Response.PerItem)created).results().values()).allMatch(r -> r.error() == ErrorCode.NONE);
        await().atMost(BOUND).until(() -> image().topic(TOPIC) != null && image().topic(TOPIC).partitions().size() == 6
            && image().topic(SOLO) != null && image().topic(SOLO).partitions().size() == 3);
        final Map<Integer, PartitionInfo> ledReplicated = ledBy(image().topic(TOPIC), ISOLATED);
        final Map<Integer, PartitionInfo> ledSolo = ledBy(image().topic(SOLO), ISOLATED);
        assertThat(ledReplicated).as("broker 1 leads partitions of %s", TOPIC).isNotEmpty();

        // A heartbeat answered after the topics exist, so the freeze starts from a renewed lease.
        final int heartbeatsBefore = brokerLineCount();
        awaitBrokerLine(heartbeatsBefore, l -> l.startsWith("HEARTBEAT ") && l.contains("error=NONE"));
        final int from = admin.size();
        signal("STOP", broker.pid());
        final long stopMs = System.currentTimeMillis();
        final long stopNs = System.nanoTime();

        final Predicate<MetadataRecord> fenceOfOne = r -> r instanceof MetadataRecord.BrokerFenced f && f.brokerId() == ISOLATED;
        await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> admin.firstTimeNs(from, fenceOfOne) > 0);
        final long fencedNs = admin.firstTimeNs(from, fenceOfOne);
        final long fencedMs = stopMs + TimeUnit.NANOSECONDS.toMillis(fencedNs - stopNs);
        // Lines written before the freeze may still sit in the pipe; the process itself prints nothing now.
        Thread.sleep(200);
        final String lastHeartbeat = lastBrokerLine(l -> l.startsWith("HEARTBEAT ") && l.contains("error=NONE"));
        final long lastSentMs = field(lastHeartbeat, "sentMs");
        final long lastAnsweredMs = field(lastHeartbeat, "answeredMs");
        System.out.printf("isolated broker (broker.session.timeout.ms=%d, heartbeat every %d ms): last heartbeat sent -> " +
            "BrokerFenced received in %d ms (last heartbeat answered -> fenced %d ms, SIGSTOP -> fenced %d ms)%n",
            SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, fencedMs - lastSentMs, fencedMs - lastAnsweredMs, fencedMs - stopMs);

        final MetadataImage fenced = image();
        assertThat(fenced.broker(ISOLATED).fenced()).isTrue();
        // Brokers 2 and 3 heartbeat from this JVM; on a loaded machine their leases may run out too.
        final boolean othersLive = fenced.isLive(2) && fenced.isLive(3);
        for (final Map.Entry<Integer, PartitionInfo> e : ledReplicated.entrySet())
        {
            final PartitionInfo now = fenced.partition(TOPIC, e.getKey());
            assertThat(now.leader()).as("%s-%d", TOPIC, e.getKey()).isNotEqualTo(ISOLATED);
            if (othersLive)
            {
                assertThat(now.leader()).as("%s-%d", TOPIC, e.getKey()).isIn(2, 3);
            }
            assertThat(now.leaderEpoch()).isGreaterThan(e.getValue().leaderEpoch());
            assertThat(now.isr()).doesNotContain(ISOLATED);
        }
        for (final Map.Entry<Integer, PartitionInfo> e : ledSolo.entrySet())
        {
            final PartitionInfo now = fenced.partition(SOLO, e.getKey());
            assertThat(now.leader()).as("%s-%d has no other replica", SOLO, e.getKey()).isEqualTo(PartitionInfo.NO_LEADER);
            assertThat(now.leaderEpoch()).isGreaterThan(e.getValue().leaderEpoch());
        }
        System.out.printf("moved: %s-%s to leaders %s; offline: %s-%s%n", TOPIC, ledReplicated.keySet(),
            ledReplicated.keySet().stream().map(p -> fenced.partition(TOPIC, p).leader()).toList(), SOLO, ledSolo.keySet());

        // The partition heals: the broker runs again and its leader's ISR change arrives with the epochs it had.
        signal("CONT", broker.pid());
        final List<String> answers = new ArrayList<>();
        final Map<String, PartitionInfo> sent = new HashMap<>();
        ledReplicated.forEach((p, info) -> sent.put(TOPIC + " " + p, info));
        ledSolo.forEach((p, info) -> sent.put(SOLO + " " + p, info));
        for (final Map.Entry<String, PartitionInfo> e : sent.entrySet())
        {
            final int lineFrom = brokerLineCount();
            final PartitionInfo old = e.getValue();
            sendToBroker("alter " + e.getKey() + " " + old.leaderEpoch() + " " + old.partitionEpoch() + " " + ISOLATED);
            final String answer = awaitBrokerLine(lineFrom, l -> l.startsWith("ALTER "));
            answers.add(e.getKey() + ": " + answer);
            assertThat(answer).as("%s", e.getKey()).startsWith("ALTER " + ErrorCode.FENCED_LEADER_EPOCH + " ");
        }
        final boolean unfencedMeanwhile = admin.firstTimeNs(from, r -> r instanceof MetadataRecord.BrokerUnfenced u
            && u.brokerId() == ISOLATED) > 0;
        System.out.printf("after SIGCONT (broker unfenced by its next heartbeat meanwhile: %s), its old-epoch AlterPartitions: %s%n",
            unfencedMeanwhile, answers);
        for (final Map.Entry<Integer, PartitionInfo> e : ledReplicated.entrySet())
        {
            assertThat(image().partition(TOPIC, e.getKey()).leader()).isNotEqualTo(ISOLATED);
        }
    }

    private String startQuorum() throws IOException
    {
        dataRoot = Files.createTempDirectory("osprey-isolated-test");
        final int base = QuorumTestSupport.freePortBase(10 * NODES);
        final StringBuilder v = new StringBuilder();
        for (int id = 0; id < NODES; id++)
        {
            v.append(id == 0 ? "" : ",").append(id).append("@localhost:").append(base + 10 * id);
        }
        final String voters = v.toString();
        for (int id = 0; id < NODES; id++)
        {
            final String aeronDir = QuorumTestSupport.aeronDir("controller-" + id);
            aeronDirs.add(aeronDir);
            final ControllerProcess p = new ControllerProcess(id, new TreeMap<>(Map.of(
                QuorumConfig.NODE_ID, String.valueOf(id),
                QuorumConfig.VOTERS, voters,
                QuorumConfig.DATA_DIR, dataRoot.resolve("node-" + id).toString(),
                QuorumConfig.AERON_DIR, aeronDir,
                QuorumConfig.LOG_TERM_BYTES, String.valueOf(256 * 1024),
                QuorumConfig.BROKER_SESSION_TIMEOUT_MS, String.valueOf(SESSION_TIMEOUT_MS))));
            controllers.add(p);
            p.start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> controllers.stream().filter(p -> p.role().equals("LEADER")).count() == 1);
        return voters;
    }

    private void startBroker(final String voters) throws IOException
    {
        final String aeronDir = QuorumTestSupport.aeronDir("isolated-broker");
        aeronDirs.add(aeronDir);
        broker = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            IsolatedBrokerMain.class.getName(), voters, String.valueOf(ISOLATED), aeronDir, String.valueOf(HEARTBEAT_INTERVAL_MS)))
            .redirectErrorStream(true).start();
        System.out.printf("isolated broker %d runs as pid %d%n", ISOLATED, broker.pid());
        final Process p = broker;
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    System.out.println("[b" + ISOLATED + "] " + line);
                    synchronized (brokerLines)
                    {
                        brokerLines.add(line);
                    }
                }
            }
            catch (final IOException e)
            {
                // The process died; its output ends here.
            }
        }, "isolated-broker-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void sendToBroker(final String line) throws IOException
    {
        final Writer w = new OutputStreamWriter(broker.getOutputStream(), StandardCharsets.UTF_8);
        w.write(line + "\n");
        w.flush();
    }

    private int brokerLineCount()
    {
        synchronized (brokerLines)
        {
            return brokerLines.size();
        }
    }

    private String awaitBrokerLine(final int from, final Predicate<String> match)
    {
        final String[] found = new String[1];
        await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() ->
        {
            synchronized (brokerLines)
            {
                for (int i = from; i < brokerLines.size(); i++)
                {
                    if (match.test(brokerLines.get(i)))
                    {
                        found[0] = brokerLines.get(i);
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    private String lastBrokerLine(final Predicate<String> match)
    {
        synchronized (brokerLines)
        {
            for (int i = brokerLines.size() - 1; i >= 0; i--)
            {
                if (match.test(brokerLines.get(i)))
                {
                    return brokerLines.get(i);
                }
            }
        }
        throw new AssertionError("no matching line from the broker");
    }

    private static long field(final String line, final String name)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(name + "="))
            {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in " + line);
    }

    /** {@code kill -<signal> <pid>}: only the process this test started. */
    private static void signal(final String signal, final long pid)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private MetadataImage image()
    {
        return admin.image.get();
    }

    private ControllerClient client(final String name, final String voters)
    {
        final ControllerClient.Config config = QuorumTestSupport.clientConfig(name, voters);
        aeronDirs.add(config.aeronDir());
        final ControllerClient c = ControllerClient.start(config);
        clients.add(c);
        return c;
    }

    private void registerAndHeartbeat(final int brokerId, final String voters) throws Exception
    {
        final ControllerClient c = client("broker-" + brokerId, voters);
        final UUID incarnation = UUID.randomUUID();
        final Response r = c.submit(new Command.RegisterBroker("", 0, brokerId, incarnation, List.of("localhost:" + (9090 + brokerId)),
            null)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.error()).isEqualTo(ErrorCode.NONE);
        final List<CompletableFuture<Response>> last = new ArrayList<>(List.of(CompletableFuture.<Response>completedFuture(null)));
        scheduler.scheduleAtFixedRate(() ->
        {
            if (last.get(0).isDone())
            {
                last.set(0, c.submit(new Command.BrokerHeartbeat("", 0, brokerId, incarnation)));
            }
        }, HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private static Map<Integer, PartitionInfo> ledBy(final TopicInfo topic, final int brokerId)
    {
        final Map<Integer, PartitionInfo> result = new TreeMap<>();
        for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
        {
            if (e.getValue().leader() == brokerId)
            {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }
}
