package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.osprey.client.config.ClientConfig;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.testing.FakeBroker;

class MetadataUpdaterTest
{
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (final AutoCloseable c : toClose)
        {
            c.close();
        }
    }

    @Test
    void shouldFetchMetadataForTopicsOfInterestThenReachBrokersByTheirRealIds() throws IOException
    {
        final FakeBroker server = server();
        server.on(ApiKey.METADATA, r -> clusterOf(server.port(), 7));
        final NetworkClient client = client(NetworkClientTest.config(server.bootstrap()), ClientClock.SYSTEM);
        final MetadataUpdater updater = new MetadataUpdater(client, NetworkClientTest.config(server.bootstrap()), true, new Random(1));
        client.metadata().addTopic("orders");

        pollUntil(client, updater, "first update", () -> client.metadata().version() == 1);

        final FakeBroker.Received request = server.received(ApiKey.METADATA).get(0);
        assertThat(request.version()).isEqualTo(ApiKey.METADATA.latest);
        assertThat(request.metadataTopics()).containsExactly("orders");
        assertThat(client.metadata().partitionCount("orders")).isEqualTo(3);
        assertThat(client.metadata().leaderFor(new TopicPartition("orders", 1)).id()).isEqualTo(7);
        assertThat(client.leastLoadedNode(client.clock().nowMs()).id()).as("metadata brokers replace bootstrap").isEqualTo(7);
        assertThat(updater.poll(client.clock().nowMs())).as("fresh for metadata.max.age.ms").isGreaterThan(200_000);

        final RecordingHandler handler = new RecordingHandler();
        client.send(7, ApiKey.METADATA, new MetadataRequest(null, false, false, false), handler);
        NetworkClientTest.pollUntil(client, "answer from node 7", handler::done);
        assertThat(handler.succeeded()).isTrue();
        assertThat(server.acceptedConnections()).as("bootstrap, then node 7").isEqualTo(2);
    }

    @Test
    void shouldAskForAllTopicsWhenTheCallerWantsAll() throws IOException
    {
        final FakeBroker server = server();
        final NetworkClient client = client(NetworkClientTest.config(server.bootstrap()), ClientClock.SYSTEM);
        final MetadataUpdater updater = new MetadataUpdater(client, NetworkClientTest.config(server.bootstrap()), false, new Random(1));
        client.metadata().setAllTopics(true);

        pollUntil(client, updater, "first update", () -> client.metadata().version() == 1);

        assertThat(server.received(ApiKey.METADATA).get(0).metadataTopics()).as("null asks for all").isNull();
    }

    @Test
    void shouldUpdateAgainOnRequestButNoSoonerThanRetryBackoff() throws IOException
    {
        final FakeBroker server = server();
        final ManualClock clock = new ManualClock(1_000);
        final ClientConfig config = NetworkClientTest.config(server.bootstrap(), "retry.backoff.ms", 100);
        final NetworkClient client = client(config, clock);
        final MetadataUpdater updater = new MetadataUpdater(client, config, true, new Random(1));
        pollUntil(client, updater, "first update", () -> client.metadata().version() == 1);

        client.metadata().requestUpdate();
        assertThat(updater.poll(clock.nowMs())).isEqualTo(100);
        clock.advance(100);

        pollUntil(client, updater, "second update", () -> client.metadata().version() == 2);
        assertThat(server.received(ApiKey.METADATA)).hasSize(2);
    }

    @Test
    void shouldBackOffExponentiallyWhileUpdatesFail() throws IOException
    {
        final InetSocketAddress closed = FakeBroker.closedPort();
        final ManualClock clock = new ManualClock(1_000);
        final ClientConfig config = NetworkClientTest.config("127.0.0.1:" + closed.getPort(), "retry.backoff.ms", 100,
            "retry.backoff.max.ms", 1000, "reconnect.backoff.ms", 10, "reconnect.backoff.max.ms", 10);
        final NetworkClient client = client(config, clock);
        final MetadataUpdater updater = new MetadataUpdater(client, config, true, new Random(1));
        final List<Long> waits = new ArrayList<>();

        for (int attempt = 0; attempt < 3; attempt++)
        {
            assertThat(updater.poll(clock.nowMs())).as("sent").isEqualTo(Long.MAX_VALUE);
            NetworkClientTest.pollUntil(client, "failed", () -> !updater.inFlight());
            final long waitMs = updater.poll(clock.nowMs());
            waits.add(waitMs);
            clock.advance(waitMs);
        }

        assertThat(waits.get(0)).isBetween(80L, 120L);
        assertThat(waits.get(1)).isBetween(160L, 240L);
        assertThat(waits.get(2)).isBetween(320L, 480L);
        assertThat(client.metadata().version()).isZero();
    }

    @Test
    void shouldNotApplyAResponseThatNamesNoBrokers() throws IOException
    {
        final FakeBroker server = server();
        server.on(ApiKey.METADATA, r -> new MetadataResponse(0, List.of(), "starting", -1, List.of(),
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
        final NetworkClient client = client(NetworkClientTest.config(server.bootstrap()), ClientClock.SYSTEM);
        final MetadataUpdater updater = new MetadataUpdater(client, NetworkClientTest.config(server.bootstrap()), true, new Random(1));

        pollUntil(client, updater, "answered", () -> server.received(ApiKey.METADATA).size() == 1 && !updater.inFlight());

        assertThat(client.metadata().version()).isZero();
        assertThat(updater.poll(client.clock().nowMs())).as("backing off").isPositive().isNotEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldFallBackToTheBootstrapServersWhenNoKnownBrokerCanBeReachedIfAskedTo() throws IOException
    {
        final FakeBroker server = server();
        final int deadPort = FakeBroker.closedPort().getPort();
        server.on(ApiKey.METADATA, r -> clusterOf(deadPort, 7));
        final NetworkClient rebootstrap = clientWithDeadBroker(server, "rebootstrap");
        final NetworkClient stubborn = clientWithDeadBroker(server, "none");

        assertThat(rebootstrap.leastLoadedNode(rebootstrap.clock().nowMs()).id()).as("the bootstrap server again").isEqualTo(-1);
        assertThat(stubborn.leastLoadedNode(stubborn.clock().nowMs())).as("only node 7, backing off").isNull();
    }

    private NetworkClient clientWithDeadBroker(final FakeBroker server, final String strategy)
    {
        final ClientConfig config = NetworkClientTest.config(server.bootstrap(), "metadata.recovery.strategy", strategy,
            "reconnect.backoff.ms", 60_000, "reconnect.backoff.max.ms", 60_000);
        final NetworkClient client = client(config, ClientClock.SYSTEM);
        final MetadataUpdater updater = new MetadataUpdater(client, config, true, new Random(1));
        pollUntil(client, updater, "metadata naming node 7", () -> client.metadata().version() == 1);
        final RecordingHandler refused = new RecordingHandler();
        client.send(7, ApiKey.METADATA, new MetadataRequest(null, false, false, false), refused);
        NetworkClientTest.pollUntil(client, "node 7 refused", refused::done);
        assertThat(client.connectionFailed(7)).isTrue();
        return client;
    }

    // ---- Fixture --------------------------------------------------------------------------------------

    private FakeBroker server() throws IOException
    {
        final FakeBroker server = new FakeBroker();
        toClose.add(server);
        return server;
    }

    private NetworkClient client(final ClientConfig config, final ClientClock clock)
    {
        final NetworkClient client = new NetworkClient(config, "test-client", 5, new Metadata(config.getLong("metadata.max.age.ms"), clock),
            clock, new Random(7));
        toClose.add(0, client);
        return client;
    }

    private static void pollUntil(final NetworkClient client, final MetadataUpdater updater, final String what,
        final BooleanSupplier condition)
    {
        NetworkClientTest.pollUntil(client, what, () ->
        {
            updater.poll(client.clock().nowMs());
            return condition.getAsBoolean();
        });
    }

    /** One broker, {@code nodeId}, at the fake broker's own address, leading all three partitions of "orders". */
    private static MetadataResponse clusterOf(final int port, final int nodeId)
    {
        final List<MetadataResponse.Partition> partitions = new ArrayList<>();
        for (int p = 0; p < 3; p++)
        {
            partitions.add(new MetadataResponse.Partition((short)0, p, nodeId, 5, List.of(nodeId), List.of(nodeId), List.of()));
        }
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(nodeId, "127.0.0.1", port, null)), "cluster", nodeId,
            List.of(new MetadataResponse.Topic((short)0, "orders", new UUID(3, 4), false, partitions,
                MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED)), MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }
}
