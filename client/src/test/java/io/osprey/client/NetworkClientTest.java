package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.ClientConfigDef;
import io.osprey.common.ErrorCode;
import io.osprey.common.errors.DisconnectException;
import io.osprey.common.errors.RequestTimeoutException;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.testing.FakeBroker;

class NetworkClientTest
{
    private static final Message ALL_TOPICS = new MetadataRequest(null, false, false, false);
    private static final int BOOTSTRAP = -1;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (final AutoCloseable c : toClose)
        {
            c.close();
        }
    }

    // ---- Connect and ApiVersions ------------------------------------------------------------------

    @Test
    void shouldNegotiateApiVersionsOnConnectThenBecomeReady() throws IOException
    {
        final FakeBroker server = server();
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);

        assertThat(client.ready(BOOTSTRAP, client.clock().nowMs())).isFalse();
        assertThat(client.connectionState(BOOTSTRAP)).isIn(ConnectionState.CONNECTING, ConnectionState.CHECKING_API_VERSIONS);
        pollUntil(client, "ready", () -> client.isReady(BOOTSTRAP));

        assertThat(server.received()).extracting(FakeBroker.Received::api, FakeBroker.Received::version)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(ApiKey.API_VERSIONS, ApiKey.API_VERSIONS.latest));
        assertThat(server.received().get(0).clientId()).isEqualTo("test-client");
        assertThat(client.apiVersions(BOOTSTRAP).range(ApiKey.METADATA.id).maxVersion()).isEqualTo(ApiKey.METADATA.latest);
    }

    @Test
    void shouldRetryApiVersionsAtTheBrokersHighestVersionWhenItAnswersUnsupportedVersion() throws IOException
    {
        final FakeBroker server = server().apiVersionsMax(2);
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);

        client.ready(BOOTSTRAP, client.clock().nowMs());
        pollUntil(client, "ready", () -> client.isReady(BOOTSTRAP));

        assertThat(server.received(ApiKey.API_VERSIONS)).extracting(FakeBroker.Received::version)
            .containsExactly(ApiKey.API_VERSIONS.latest, (short)2);
        assertThat(server.received(ApiKey.API_VERSIONS)).extracting(FakeBroker.Received::connection).containsOnly(1);
        assertThat(client.apiVersions(BOOTSTRAP).range(ApiKey.API_VERSIONS.id).maxVersion()).isEqualTo((short)2);
    }

    @Test
    void shouldSendTheHighestVersionBothTheBrokerAndTheCodecSupport() throws IOException
    {
        final FakeBroker server = server().advertise(ApiKey.METADATA, 0, 7);
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        final RecordingHandler negotiated = new RecordingHandler();
        final RecordingHandler capped = new RecordingHandler();

        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, negotiated);
        client.send(BOOTSTRAP, ApiKey.METADATA, (short)4, ALL_TOPICS, capped);
        pollUntil(client, "both responses", () -> negotiated.done() && capped.done());

        assertThat(negotiated.version).isEqualTo((short)7);
        assertThat(capped.version).isEqualTo((short)4);
        assertThat(negotiated.metadata().brokers()).hasSize(1);
        assertThat(server.received(ApiKey.METADATA)).extracting(FakeBroker.Received::version).containsExactly((short)7, (short)4);
    }

    @Test
    void shouldFailWithUnsupportedVersionWhenTheRangesDoNotOverlap() throws IOException
    {
        final FakeBroker server = server().advertise(ApiKey.FETCH, 0, 3).withhold(ApiKey.DESCRIBE_CLUSTER);
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        final RecordingHandler fetch = new RecordingHandler();
        final RecordingHandler describe = new RecordingHandler();
        final Message neverEncoded = (w, v) ->
        {
            throw new AssertionError("must not be encoded");
        };

        client.send(BOOTSTRAP, ApiKey.FETCH, neverEncoded, fetch);
        client.send(BOOTSTRAP, ApiKey.DESCRIBE_CLUSTER, neverEncoded, describe);
        pollUntil(client, "both failures", () -> fetch.done() && describe.done());

        assertThat(fetch.failure).isInstanceOf(UnsupportedVersionException.class)
            .hasMessageContaining("FETCH versions 0-3").hasMessageContaining("supports 4-12");
        assertThat(fetch.failure.retriable()).isFalse();
        assertThat(describe.failure).isInstanceOf(UnsupportedVersionException.class).hasMessageContaining("does not support DESCRIBE_CLUSTER");
        assertThat(client.isReady(BOOTSTRAP)).as("an unusable API does not close the connection").isTrue();
    }

    // ---- Pipelining ---------------------------------------------------------------------------------

    @Test
    void shouldPipelineUpToMaxInFlightAndMatchResponsesInOrder() throws IOException
    {
        final FakeBroker server = server();
        final NetworkClient client = client(server.bootstrap(), 3, ClientClock.SYSTEM);
        final AtomicInteger order = new AtomicInteger();
        final List<RecordingHandler> handlers = new ArrayList<>();
        // Name the cluster after the correlation id answered, so each handler can be matched to its own response.
        server.on(ApiKey.METADATA, r -> server.metadata("cluster-" + r.correlationId(), List.of()));
        server.hold();

        for (int i = 0; i < 7; i++)
        {
            final RecordingHandler handler = new RecordingHandler(order);
            handlers.add(handler);
            client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, handler);
        }
        pollUntil(client, "three requests at the server", () -> server.received(ApiKey.METADATA).size() == 3);
        assertThat(client.inFlightRequestCount(BOOTSTRAP)).isEqualTo(3);
        assertThat(client.queuedRequestCount(BOOTSTRAP)).isEqualTo(4);
        assertThat(client.isReady(BOOTSTRAP)).as("no free slot").isFalse();

        server.release();
        pollUntil(client, "all responses", () -> handlers.stream().allMatch(RecordingHandler::done));

        final List<FakeBroker.Received> sent = server.received(ApiKey.METADATA);
        assertThat(sent).hasSize(7);
        for (int i = 0; i < 7; i++)
        {
            final RecordingHandler handler = handlers.get(i);
            assertThat(handler.order).as("completion order").isEqualTo(i);
            // Each handler got its own response, not its neighbour's.
            assertThat(handler.metadata().clusterId()).isEqualTo("cluster-" + sent.get(i).correlationId());
        }
        assertThat(server.maxOutstanding()).isLessThanOrEqualTo(3);
        assertThat(client.hasPendingRequests()).isFalse();
    }

    @Test
    void shouldCompleteAnUnansweredSendOnceWritten() throws IOException
    {
        final FakeBroker server = server();
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        final RecordingHandler handler = new RecordingHandler();

        client.sendNoResponse(BOOTSTRAP, ApiKey.PRODUCE, new ProduceRequest(null, (short)0, 1000, List.of()), handler);
        pollUntil(client, "written", handler::done);

        assertThat(handler.succeeded()).isTrue();
        assertThat(handler.body).isNull();
        assertThat(handler.version).isEqualTo(ApiKey.PRODUCE.latest);
        assertThat(client.inFlightRequestCount(BOOTSTRAP)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received(ApiKey.PRODUCE).size() == 1);
    }

    // ---- Timeouts, disconnects and backoff ------------------------------------------------------------

    @Test
    void shouldTimeOutAnUnansweredRequestAndCloseItsConnection() throws IOException
    {
        final FakeBroker server = server().on(ApiKey.METADATA, r -> null);
        final ManualClock clock = new ManualClock(1_000);
        final NetworkClient client = client(server.bootstrap(), 5, clock, "request.timeout.ms", 300);
        final RecordingHandler timesOut = new RecordingHandler();
        final RecordingHandler patient = new RecordingHandler();

        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, timesOut);
        client.send(BOOTSTRAP, ApiKey.METADATA, ApiKey.METADATA.latest, v -> ALL_TOPICS, 60_000, patient);
        pollUntil(client, "both at the server", () -> server.received(ApiKey.METADATA).size() == 2);
        clock.advance(299);
        client.poll(0);
        assertThat(timesOut.done()).as("not yet timed out").isFalse();

        clock.advance(1);
        pollUntil(client, "both failed", () -> timesOut.done() && patient.done());

        assertThat(timesOut.failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("300 ms");
        assertThat(timesOut.failure.retriable()).isTrue();
        assertThat(patient.failure).as("fails with its connection").isInstanceOf(DisconnectException.class)
            .hasMessageContaining("got no response within 300 ms");
        assertThat(client.connectionState(BOOTSTRAP)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void shouldFailInFlightRequestsOnDisconnectAndReconnectAfterBackoff() throws IOException
    {
        final FakeBroker server = server();
        final ManualClock clock = new ManualClock(1_000);
        final NetworkClient client = client(server.bootstrap(), 5, clock, "reconnect.backoff.ms", 200, "reconnect.backoff.max.ms", 200);
        final RecordingHandler first = new RecordingHandler();
        final RecordingHandler second = new RecordingHandler();
        server.hold();

        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, first);
        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, second);
        pollUntil(client, "both at the server", () -> server.received(ApiKey.METADATA).size() == 2);
        server.dropConnections();
        pollUntil(client, "both failed", () -> first.done() && second.done());

        assertThat(first.failure).isInstanceOf(DisconnectException.class).hasMessageContaining("127.0.0.1:" + server.port());
        assertThat(second.failure).isInstanceOf(DisconnectException.class);
        assertThat(first.failure.retriable()).isTrue();
        assertThat(first.failure.errorCode()).isEqualTo(ErrorCode.NETWORK_EXCEPTION);
        assertThat(client.connectionFailed(BOOTSTRAP)).isTrue();
        final long backoffMs = client.connectionDelayMs(BOOTSTRAP, clock.nowMs());
        assertThat(backoffMs).as("200 ms with 20% jitter").isBetween(160L, 240L);

        server.release();
        final RecordingHandler retry = new RecordingHandler();
        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, retry);
        for (int i = 0; i < 20; i++)
        {
            client.poll(1);
        }
        assertThat(client.connectionState(BOOTSTRAP)).as("still backing off").isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(server.acceptedConnections()).isEqualTo(1);

        clock.advance(backoffMs);
        pollUntil(client, "the retry answered", retry::done);
        assertThat(retry.succeeded()).isTrue();
        assertThat(server.acceptedConnections()).isEqualTo(2);
        assertThat(client.connectionFailed(BOOTSTRAP)).isFalse();
    }

    @Test
    void shouldDoubleTheReconnectBackoffWhileConnectsKeepFailing() throws IOException
    {
        final InetSocketAddress closed = FakeBroker.closedPort();
        final ManualClock clock = new ManualClock(1_000);
        final NetworkClient client = client("127.0.0.1:" + closed.getPort(), 5, clock,
            "reconnect.backoff.ms", 100, "reconnect.backoff.max.ms", 1000);
        final List<Long> backoffs = new ArrayList<>();

        for (int attempt = 0; attempt < 5; attempt++)
        {
            final RecordingHandler handler = new RecordingHandler();
            client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, handler);
            pollUntil(client, "connect refused", handler::done);
            assertThat(handler.failure).isInstanceOf(DisconnectException.class).hasMessageContaining("cannot connect");
            final long backoffMs = client.connectionDelayMs(BOOTSTRAP, clock.nowMs());
            backoffs.add(backoffMs);
            clock.advance(backoffMs);
        }

        // 100, 200, 400, 800, 1000 ms, each within 20% jitter.
        final long[] expected = {100, 200, 400, 800, 1000};
        for (int i = 0; i < expected.length; i++)
        {
            assertThat(backoffs.get(i)).as("backoff %d", i).isBetween((long)(expected[i] * 0.8), (long)(expected[i] * 1.2));
        }
    }

    @Test
    void shouldCloseAConnectionIdleForConnectionsMaxIdleMs() throws IOException
    {
        final FakeBroker server = server();
        final ManualClock clock = new ManualClock(1_000);
        final NetworkClient client = client(server.bootstrap(), 5, clock, "connections.max.idle.ms", 500);

        client.ready(BOOTSTRAP, clock.nowMs());
        pollUntil(client, "ready", () -> client.isReady(BOOTSTRAP));
        clock.advance(499);
        client.poll(0);
        assertThat(client.isReady(BOOTSTRAP)).isTrue();

        clock.advance(1);
        client.poll(0);
        assertThat(client.connectionState(BOOTSTRAP)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(client.connectionFailed(BOOTSTRAP)).as("idleness is no failure").isFalse();
        assertThat(client.connectionDelayMs(BOOTSTRAP, clock.nowMs())).as("no backoff after an idle close").isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionsClosedByClient() == 1);
    }

    @Test
    void shouldCloseTheConnectionOnAnOversizedResponseFrame() throws IOException
    {
        final FakeBroker server = server().sendGarbageFrames();
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        final RecordingHandler handler = new RecordingHandler();

        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, handler);
        pollUntil(client, "failed", handler::done);

        assertThat(handler.failure).isInstanceOf(DisconnectException.class).hasMessageContaining("size prefix " + Integer.MAX_VALUE);
        assertThat(client.connectionState(BOOTSTRAP)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void shouldFailARequestToANodeThatIsNeitherBootstrapNorInMetadata() throws IOException
    {
        final FakeBroker server = server();
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        final RecordingHandler handler = new RecordingHandler();

        client.send(42, ApiKey.METADATA, ALL_TOPICS, handler);
        assertThat(handler.done()).as("never called from inside send").isFalse();
        client.poll(0);

        assertThat(handler.failure).isInstanceOf(DisconnectException.class).hasMessageContaining("node 42");
    }

    // ---- Nodes --------------------------------------------------------------------------------------------

    @Test
    void shouldPickTheLeastLoadedReadyNode() throws IOException
    {
        final FakeBroker busy = server();
        final FakeBroker idle = server();
        final NetworkClient client = client(busy.bootstrap() + "," + idle.bootstrap(), 5, ClientClock.SYSTEM);
        assertThat(client.bootstrapNodes()).extracting(Node::id).containsExactly(-1, -2);
        assertThat(client.leastLoadedNode(client.clock().nowMs())).as("any connectable node before connecting").isNotNull();

        client.ready(-1, client.clock().nowMs());
        client.ready(-2, client.clock().nowMs());
        pollUntil(client, "both ready", () -> client.isReady(-1) && client.isReady(-2));
        busy.hold();
        client.send(-1, ApiKey.METADATA, ALL_TOPICS, new RecordingHandler());
        pollUntil(client, "in flight", () -> client.inFlightRequestCount(-1) == 1);

        for (int i = 0; i < 10; i++)
        {
            assertThat(client.leastLoadedNode(client.clock().nowMs()).id()).isEqualTo(-2);
        }
    }

    // ---- Threads ------------------------------------------------------------------------------------------

    @Test
    void shouldReturnFromABlockedPollWhenWokenUpAndRunCommandsOnTheIoThread() throws Exception
    {
        final FakeBroker server = server();
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        client.poll(0);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();

        final CompletableFuture<Boolean> offered = CompletableFuture.supplyAsync(() ->
        {
            sleepQuietly(100);
            return client.execute(() -> ranOn.set(Thread.currentThread()));
        });
        final long startNs = System.nanoTime();
        client.poll(30_000);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(10_000);
        assertThat(offered.get(10, TimeUnit.SECONDS)).isTrue();
        pollUntil(client, "command ran", () -> ranOn.get() != null);
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void shouldRefuseCallsFromAThreadOtherThanItsOwner() throws Exception
    {
        final FakeBroker server = server();
        final NetworkClient client = client(server.bootstrap(), 5, ClientClock.SYSTEM);
        client.poll(0);

        final CompletableFuture<Throwable> thrown = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                client.poll(0);
                return null;
            }
            catch (final IllegalStateException e)
            {
                return e;
            }
        });

        assertThat(thrown.get(10, TimeUnit.SECONDS)).hasMessageContaining("is owned by thread");
    }

    @Test
    void shouldFailOutstandingRequestsOnClose() throws IOException
    {
        final FakeBroker server = server();
        final NetworkClient client = new NetworkClient(config(server.bootstrap()), "test-client", 5);
        final RecordingHandler handler = new RecordingHandler();
        server.hold();
        client.send(BOOTSTRAP, ApiKey.METADATA, ALL_TOPICS, handler);
        pollUntil(client, "at the server", () -> server.received(ApiKey.METADATA).size() == 1);

        client.close();
        client.close();

        assertThat(handler.failure).isInstanceOf(DisconnectException.class).hasMessageContaining("closed");
        assertThat(handler.calls()).isEqualTo(1);
        assertThatThrownBy(() -> client.poll(0)).isInstanceOf(IllegalStateException.class);
    }

    // ---- Fixture --------------------------------------------------------------------------------------------

    private FakeBroker server() throws IOException
    {
        final FakeBroker server = new FakeBroker();
        toClose.add(server);
        return server;
    }

    static ClientConfig config(final String bootstrap, final Object... overrides)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        for (int i = 0; i < overrides.length; i += 2)
        {
            props.put((String)overrides[i], overrides[i + 1]);
        }
        return ClientConfigDef.common("test").parse(props);
    }

    private NetworkClient client(final String bootstrap, final int maxInFlight, final ClientClock clock, final Object... overrides)
    {
        final ClientConfig config = config(bootstrap, overrides);
        final NetworkClient client = new NetworkClient(config, "test-client", maxInFlight,
            new Metadata(config.getLong("metadata.max.age.ms"), clock), clock, new Random(42));
        toClose.add(0, client);
        return client;
    }

    /** Polls the client on this thread until the condition holds, for at most 10 seconds. */
    static void pollUntil(final NetworkClient client, final String what, final BooleanSupplier condition)
    {
        await(what).atMost(Duration.ofSeconds(10)).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
            .until(() ->
            {
                client.poll(5);
                return condition.getAsBoolean();
            });
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
