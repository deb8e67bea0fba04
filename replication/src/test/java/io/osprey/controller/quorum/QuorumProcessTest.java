package io.osprey.controller.quorum;

import io.osprey.common.ErrorCode;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;
import io.osprey.controller.TopicInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three controllers as three JVMs on loopback, with brokers and an admin as clients in this
 * JVM: idle CPU, broker lease expiry, and kill -9 of the leader with restart and catch-up.
 * Times are measured and printed, never asserted.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumProcessTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final long SESSION_TIMEOUT_MS = 1_500;
    private static final long HEARTBEAT_INTERVAL_MS = 300;
    private static final int NODES = 3;

    private final List<ControllerProcess> controllers = new ArrayList<>();
    private final List<String> aeronDirs = new ArrayList<>();
    private final List<ControllerClient> clients = new ArrayList<>();
    private final Map<Integer, ScheduledFuture<?>> heartbeats = new HashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final QuorumTestSupport.RecordingListener adminListener = new QuorumTestSupport.RecordingListener();
    private Path dataRoot;
    private String voters;
    private ControllerClient admin;

    @BeforeAll
    void startQuorum() throws IOException
    {
        dataRoot = Files.createTempDirectory("osprey-quorum-test");
        final int base = QuorumTestSupport.freePortBase(10 * NODES);
        final StringBuilder v = new StringBuilder();
        for (int id = 0; id < NODES; id++)
        {
            v.append(id == 0 ? "" : ",").append(id).append("@localhost:").append(base + 10 * id);
        }
        voters = v.toString();
        final long startNs = System.nanoTime();
        for (int id = 0; id < NODES; id++)
        {
            final String aeronDir = QuorumTestSupport.aeronDir("controller-" + id);
            aeronDirs.add(aeronDir);
            final Map<String, String> settings = new TreeMap<>(Map.of(
                QuorumConfig.NODE_ID, String.valueOf(id),
                QuorumConfig.VOTERS, voters,
                QuorumConfig.DATA_DIR, dataRoot.resolve("node-" + id).toString(),
                QuorumConfig.AERON_DIR, aeronDir,
                QuorumConfig.LOG_TERM_BYTES, String.valueOf(512 * 1024),
                QuorumConfig.BROKER_SESSION_TIMEOUT_MS, String.valueOf(SESSION_TIMEOUT_MS),
                QuorumConfig.SNAPSHOT_RECORDS, "200"));
            final ControllerProcess p = new ControllerProcess(id, settings);
            controllers.add(p);
            p.start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> leaders().size() == 1);
        System.out.printf("three controllers: first leader node %d elected %d ms after launch%n", leaders().get(0).nodeId(),
            msSince(startNs));
    }

    @AfterAll
    void stopQuorum() throws InterruptedException
    {
        scheduler.shutdownNow();
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
    @Order(1)
    void shouldStayQuietWhenIdle() throws InterruptedException
    {
        Thread.sleep(5_000); // let start-up work (JIT, first election) finish before measuring
        final long[] before = new long[NODES];
        for (int i = 0; i < NODES; i++)
        {
            before[i] = controllers.get(i).cpuTicks();
        }
        final long startNs = System.nanoTime();
        Thread.sleep(20_000); // the measurement window itself
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final double ticksPerSecond = 100.0; // USER_HZ on Linux
        double total = 0;
        final StringBuilder perNode = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            final double pct = 100.0 * (controllers.get(i).cpuTicks() - before[i]) / ticksPerSecond / seconds;
            total += pct;
            perNode.append(String.format(" node%d=%.1f%%", i, pct));
        }
        System.out.printf("idle CPU of the three-controller quorum over %.1f s: total %.1f%% of one core (%s)%n", seconds, total,
            perNode.toString().trim());
        assertThat(controllers).allMatch(ControllerProcess::isAlive);
    }

    @Test
    @Order(2)
    void shouldMoveLeadershipAwayFromABrokerThatStopsHeartbeating() throws Exception
    {
        admin = client("admin");
        admin.subscribe(MetadataImage.EMPTY, adminListener);
        for (int b = 1; b <= 3; b++)
        {
            registerAndHeartbeat(b);
        }
        final Response created = admin.submit(createTopic("lease-test", 6)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(((Response.PerItem)created).results().get("lease-test").error()).isEqualTo(ErrorCode.NONE);
        await().atMost(BOUND).until(() -> adminListener.image.get().topic("lease-test") != null &&
            adminListener.image.get().topic("lease-test").partitions().size() == 6);
        final List<Integer> ledByOne = ledBy(adminListener.image.get().topic("lease-test"), 1);
        assertThat(ledByOne).isNotEmpty();

        final int from = adminListener.size();
        heartbeats.remove(1).cancel(false);
        final long stopNs = System.nanoTime();
        // The fencing commits as one batch (leader changes, then BrokerFenced) but reaches the
        // listener record by record: wait for both.
        await().atMost(BOUND).until(() -> ledBy(adminListener.image.get().topic("lease-test"), 1).isEmpty() &&
            adminListener.firstTimeNs(from, r -> r instanceof MetadataRecord.BrokerFenced f && f.brokerId() == 1) > 0);
        final long fencedNs = adminListener.firstTimeNs(from, r -> r instanceof MetadataRecord.BrokerFenced f && f.brokerId() == 1);
        final long movedNs = adminListener.firstTimeNs(from, r -> r instanceof MetadataRecord.PartitionChanged c &&
            c.topic().equals("lease-test") && ledByOne.contains(c.partition()) && c.state().leader() != 1);
        System.out.printf("lease expiry (broker.session.timeout.ms=%d, heartbeat every %d ms): heartbeats stopped -> " +
            "BrokerFenced received in %d ms, -> first leader-change record in %d ms, partitions %s of lease-test moved%n",
            SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, TimeUnit.NANOSECONDS.toMillis(fencedNs - stopNs),
            TimeUnit.NANOSECONDS.toMillis(movedNs - stopNs), ledByOne);
        assertThat(fencedNs).isPositive();
        final TopicInfo after = adminListener.image.get().topic("lease-test");
        for (final int p : ledByOne)
        {
            // Normally broker 2 or 3; offline (-1) only if their leases ran out too on a loaded machine.
            assertThat(after.partition(p).leader()).isNotEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void shouldElectANewLeaderAfterKillNineAndLoseNoCommittedMetadata() throws Exception
    {
        if (admin == null)
        {
            admin = client("admin");
            admin.subscribe(MetadataImage.EMPTY, adminListener);
        }
        // Config changes rather than topic creations: they need no live broker.
        if (adminListener.image.get().topic("lease-test") == null)
        {
            // Run on its own: the lease test did not create the topic.
            for (int b = 1; b <= 3; b++)
            {
                registerAndHeartbeat(b);
            }
            admin.submit(createTopic("lease-test", 1)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            await().atMost(BOUND).until(() -> adminListener.image.get().topic("lease-test") != null);
        }
        final List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            final Response r = admin.submit(setConfig("marker.before-kill-" + i)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.error()).as("%s", r).isEqualTo(ErrorCode.NONE);
            acknowledged.add("marker.before-kill-" + i);
        }

        final ControllerProcess oldLeader = leaders().get(0);
        System.out.printf("killing leader node %d (pid %d) with SIGKILL; admin client saw leader %d%n", oldLeader.nodeId(),
            oldLeader.pid(), admin.leaderMemberId());
        final List<Integer> heartbeating = adminListener.image.get().liveBrokerIds().stream().filter(heartbeats::containsKey).toList();
        final int recordsBeforeKill = adminListener.size();
        final long killNs = System.nanoTime();
        oldLeader.kill9();
        final CompletableFuture<Response> during = admin.submit(setConfig("marker.after-kill"));
        await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> leaders().stream().anyMatch(p -> p != oldLeader));
        final long electedNs = System.nanoTime();
        final Response r = during.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        final long answeredNs = System.nanoTime();
        assertThat(r.error()).as("%s", r).isEqualTo(ErrorCode.NONE);
        acknowledged.add("marker.after-kill");
        System.out.printf("failover: kill -9 -> new leader node %d reported in %d ms, -> first command answered in %d ms%n",
            leaders().stream().filter(p -> p != oldLeader).findFirst().orElseThrow().nodeId(),
            TimeUnit.NANOSECONDS.toMillis(electedNs - killNs), TimeUnit.NANOSECONDS.toMillis(answeredNs - killNs));
        // The new term renews every live lease from its start: the brokers that kept heartbeating
        // stay live through the failover. Give a late fencing a whole session to show.
        Thread.sleep(SESSION_TIMEOUT_MS + 500);
        final List<MetadataRecord> sinceKill = adminListener.records().subList(recordsBeforeKill, adminListener.size());
        assertThat(sinceKill).noneMatch(rec -> rec instanceof MetadataRecord.BrokerFenced f && heartbeating.contains(f.brokerId()));
        for (final int b : heartbeating)
        {
            assertThat(adminListener.image.get().broker(b).fenced()).as("broker %d fenced by the failover", b).isFalse();
        }
        printLeaseMarginAfterFailover(sinceKill, heartbeating);

        final long restartNs = System.nanoTime();
        final int from = oldLeader.lineCount();
        oldLeader.start();
        oldLeader.awaitLine(from, l -> l.equals("ROLE FOLLOWER"), Duration.ofSeconds(60));
        System.out.printf("restart: killed node %d is a follower again %d ms after relaunch%n", oldLeader.nodeId(),
            msSince(restartNs));
        final Response afterRestart = admin.submit(setConfig("marker.after-restart")).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(afterRestart.error()).as("%s", afterRestart).isEqualTo(ErrorCode.NONE);
        acknowledged.add("marker.after-restart");

        // Quiesce: with heartbeats stopped the leases run out, the fencing records commit, and
        // then nothing changes, so every node's image must converge on the same one.
        heartbeats.values().forEach(f -> f.cancel(false));
        final long catchUpNs = System.nanoTime();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(250)).until(this::allImagesEqual);
        System.out.printf("catch-up: all three controllers and the admin client hold image %s (%d ms after quiescing)%n",
            ImageChecksum.describe(adminListener.image.get()), msSince(catchUpNs));
        final long[] roundTripsUs = new long[20];
        for (int i = 0; i < roundTripsUs.length; i++)
        {
            final long t0 = System.nanoTime();
            admin.submit(setConfig("marker.round-trip")).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            roundTripsUs[i] = (System.nanoTime() - t0) / 1_000;
        }
        java.util.Arrays.sort(roundTripsUs);
        System.out.printf("commit round trip over %d sequential commands: p50 %.1f ms, max %.1f ms%n", roundTripsUs.length,
            roundTripsUs[roundTripsUs.length / 2] / 1e3, roundTripsUs[roundTripsUs.length - 1] / 1e3);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(250)).until(this::allImagesEqual);
        final MetadataImage last = adminListener.image.get();
        assertThat(last.topic("lease-test").configs().keySet()).containsAll(acknowledged);
    }

    /**
     * The new term's renewals carry one expiry, term start + session; each broker's next
     * renewal (its first heartbeat in the new term) carries its own cluster time + session. The
     * difference is how much of the session the first heartbeat after a failover used.
     */
    private static void printLeaseMarginAfterFailover(final List<MetadataRecord> sinceKill, final List<Integer> brokers)
    {
        final Map<Integer, List<Long>> expiries = new HashMap<>();
        for (final MetadataRecord r : sinceKill)
        {
            if (r instanceof MetadataRecord.BrokerLeaseRenewed l)
            {
                expiries.computeIfAbsent(l.brokerId(), k -> new ArrayList<>()).add(l.leaseExpiryMs());
            }
        }
        final List<String> used = new ArrayList<>();
        for (final int b : brokers)
        {
            final List<Long> e = expiries.getOrDefault(b, List.of());
            if (e.size() >= 2)
            {
                used.add("broker " + b + " " + (e.get(1) - e.get(0)) + " ms");
            }
        }
        System.out.printf("failover: first heartbeat committed after the new term's start (of a %d ms session): %s%n",
            SESSION_TIMEOUT_MS, used.isEmpty() ? "not seen (the admin client caught up through an image)" : used);
    }

    private boolean allImagesEqual()
    {
        final String expected = "IMAGE " + ImageChecksum.describe(adminListener.image.get());
        for (final ControllerProcess p : controllers)
        {
            if (!p.ask("image", "IMAGE ", BOUND).equals(expected))
            {
                return false;
            }
        }
        return true;
    }

    private List<ControllerProcess> leaders()
    {
        return controllers.stream().filter(p -> p.isAlive() && p.role().equals("LEADER")).toList();
    }

    private ControllerClient client(final String name)
    {
        final ControllerClient.Config config = QuorumTestSupport.clientConfig(name, voters);
        aeronDirs.add(config.aeronDir());
        final ControllerClient c = ControllerClient.start(config);
        clients.add(c);
        return c;
    }

    private void registerAndHeartbeat(final int brokerId) throws Exception
    {
        final ControllerClient c = client("broker-" + brokerId);
        final UUID incarnation = UUID.randomUUID();
        final Response r = c.submit(new Command.RegisterBroker("", 0, brokerId, incarnation, List.of("localhost:" + (9090 + brokerId)),
            null)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.error()).isEqualTo(ErrorCode.NONE);
        final CompletableFuture<?>[] last = {CompletableFuture.completedFuture(null)};
        heartbeats.put(brokerId, scheduler.scheduleAtFixedRate(() ->
        {
            if (last[0].isDone())
            {
                last[0] = c.submit(new Command.BrokerHeartbeat("", 0, brokerId, incarnation));
            }
        }, HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, TimeUnit.MILLISECONDS));
    }

    private static Command createTopic(final String name, final int partitions)
    {
        return new Command.CreateTopics("", 0, List.of(new Command.NewTopic(name, partitions, 3, new TreeMap<>())));
    }

    private static Command setConfig(final String key)
    {
        return new Command.AlterConfigs("", 0, "lease-test", new TreeMap<>(Map.of(key, "set")), List.of());
    }

    private static List<Integer> ledBy(final TopicInfo topic, final int brokerId)
    {
        final List<Integer> result = new ArrayList<>();
        for (final Map.Entry<Integer, PartitionInfo> e : topic.partitions().entrySet())
        {
            if (e.getValue().leader() == brokerId)
            {
                result.add(e.getKey());
            }
        }
        return result;
    }

    private static long msSince(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
