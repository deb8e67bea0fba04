package io.osprey.controller.quorum;

import io.osprey.common.ErrorCode;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A quorum of one in this JVM: commands in, responses and records out, snapshot and restart. */
class QuorumSingleNodeTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    private final String aeronDir = QuorumTestSupport.aeronDir("single-node");
    private ControllerNode node;
    private ControllerClient client;

    @AfterEach
    void tearDown()
    {
        if (client != null)
        {
            client.close();
        }
        if (node != null)
        {
            node.close();
        }
        QuorumTestSupport.deleteRecursively(aeronDir);
    }

    @Test
    void shouldCommitCommandsStreamRecordsAndReloadTheSameImageAfterRestart() throws Exception
    {
        final int port = QuorumTestSupport.freePortBase(Voter.PORTS_PER_NODE);
        final String voters = "0@localhost:" + port;
        final Map<String, String> props = new TreeMap<>(Map.of(
            QuorumConfig.NODE_ID, "0",
            QuorumConfig.VOTERS, voters,
            QuorumConfig.DATA_DIR, tempDir.resolve("node-0").toString(),
            QuorumConfig.AERON_DIR, aeronDir,
            QuorumConfig.LOG_TERM_BYTES, String.valueOf(256 * 1024),
            QuorumConfig.BROKER_SESSION_TIMEOUT_MS, "600000"));
        final QuorumConfig config = QuorumConfig.from(props);

        long startNs = System.nanoTime();
        node = ControllerNode.launch(config);
        final ControllerClient.Config clientConfig = QuorumTestSupport.clientConfig("single-client", voters);
        client = ControllerClient.start(clientConfig);
        final QuorumTestSupport.RecordingListener listener = new QuorumTestSupport.RecordingListener();
        client.subscribe(MetadataImage.EMPTY, listener);

        for (int b = 1; b <= 3; b++)
        {
            final Response r = client.submit(new Command.RegisterBroker("", 0, b, UUID.randomUUID(), List.of("localhost:" + (9091 + b)),
                "rack-" + b)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.error()).as("register %s: %s", b, r).isEqualTo(ErrorCode.NONE);
        }
        System.out.printf("single node: started, elected and registered 3 brokers in %d ms%n", msSince(startNs));

        startNs = System.nanoTime();
        final Response created = client.submit(new Command.CreateTopics("", 0,
            List.of(new Command.NewTopic("orders", 6, 3, new TreeMap<>())))).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        System.out.printf("single node: CreateTopics answered in %d ms%n", msSince(startNs));
        assertThat(created).isInstanceOf(Response.PerItem.class);
        assertThat(((Response.PerItem)created).results().get("orders").error()).isEqualTo(ErrorCode.NONE);

        await().atMost(BOUND).until(() -> listener.image.get().equals(node.image()));
        final MetadataImage before = node.image();
        assertThat(before.topic("orders").partitions()).hasSize(6);
        assertThat(before.brokers()).hasSize(3);
        assertThat(listener.records()).filteredOn(r -> r instanceof MetadataRecord.PartitionCreated).hasSize(6);
        assertThat(listener.records()).filteredOn(r -> r instanceof MetadataRecord.TopicCreated).hasSize(1);

        // A second create of the same topic is refused per topic.
        final Response again = client.submit(new Command.CreateTopics("", 0,
            List.of(new Command.NewTopic("orders", 6, 3, new TreeMap<>())))).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(((Response.PerItem)again).results().get("orders").error()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
        await().atMost(BOUND).until(() -> listener.image.get().equals(node.image()));
        final MetadataImage beforeRestart = node.image();

        assertThat(node.takeSnapshot(BOUND.toMillis())).as("snapshot on the leader").isTrue();
        node.close();
        node = null;

        startNs = System.nanoTime();
        node = ControllerNode.launch(config);
        await().atMost(BOUND).until(() -> node.image().lastAppliedOffset() >= beforeRestart.lastAppliedOffset());
        System.out.printf("single node: restart reloaded offset %d in %d ms (from snapshot: %s)%n",
            node.image().lastAppliedOffset(), msSince(startNs), node.startedFromSnapshot());
        assertThat(node.startedFromSnapshot()).isTrue();
        // The same metadata; the new leadership term renews the brokers' leases (a few more records) as soon as it begins.
        final MetadataImage reloaded = node.image();
        assertThat(reloaded.topics()).isEqualTo(beforeRestart.topics());
        assertThat(reloaded.brokers().keySet()).isEqualTo(beforeRestart.brokers().keySet());
        assertThat(reloaded.nextProducerId()).isEqualTo(beforeRestart.nextProducerId());

        // The client reconnects by itself and keeps streaming after the restart.
        final int seen = listener.size();
        final Response allocated = client.submit(new Command.AllocateProducerIds("", 0, 1)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(allocated.error()).isEqualTo(ErrorCode.NONE);
        await().atMost(BOUND).until(() -> listener.image.get().equals(node.image()));
        assertThat(listener.size()).isGreaterThan(seen);
        assertThat(node.image().nextProducerId()).isEqualTo(beforeRestart.nextProducerId() + ((Response.ProducerIds)allocated).count());
    }

    private static long msSince(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
