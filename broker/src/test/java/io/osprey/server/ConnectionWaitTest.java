package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;

/**
 * How long the broker keeps a connection and a fetch waiting, as Kafka's does.
 * {@code connections.max.idle.ms}: a connection that sends nothing is closed, one waiting for a
 * response or sending requests is not; a short idle time (400 ms) keeps the test quick. A fetch
 * with min_bytes 0, or naming no partition, is answered at once, not after max_wait: the max wait
 * there (60 s) is far beyond the test connection's 10 s read timeout, so a fetch that waited fails.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionWaitTest
{
    private static final long MAX_IDLE_MS = 400;
    private static final short FETCH_V = 12;
    private static final int LONG_WAIT_MS = 60_000;
    private static final String TOPIC = "idle";

    private TestBroker broker;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"), Map.of("connections.max.idle.ms", String.valueOf(MAX_IDLE_MS)));
        RawKafkaConnection.createTopic(broker.port(), TOPIC, 1);
    }

    @AfterAll
    void stop()
    {
        if (broker != null)
        {
            broker.close();
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsNothing() throws IOException
    {
        try (RawKafkaConnection silent = RawKafkaConnection.connect(broker.port()))
        {
            assertThat(silent.awaitClosedByPeer(Duration.ofSeconds(10))).as("closed by the broker").isTrue();
        }
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            assertThat(apiVersions(c).errorCode()).isZero();
        }
    }

    @Test
    void shouldCloseAConnectionThatFallsSilentAfterItsRequests() throws IOException
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            assertThat(apiVersions(c).errorCode()).isZero();
            assertThat(c.awaitClosedByPeer(Duration.ofSeconds(10))).as("closed by the broker").isTrue();
        }
    }

    @Test
    void shouldKeepAConnectionThatIsOwedAResponse() throws IOException
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            // A fetch at the log end waits its whole max wait, six idle periods, for data that never comes.
            final int maxWaitMs = (int)(6 * MAX_IDLE_MS);
            final long startNs = System.nanoTime();
            final FetchResponse response = c.request(ApiKey.FETCH, FETCH_V, RawKafkaConnection.fetch(TOPIC, 0, 0, maxWaitMs, 1),
                FetchResponse::read);
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).as("the fetch waited").isGreaterThan(
                Duration.ofMillis(2 * MAX_IDLE_MS));
            assertThat(response.responses().get(0).partitions().get(0).errorCode()).isZero();
            assertThat(apiVersions(c).errorCode()).as("the same connection, right after").isZero();
        }
    }

    @Test
    void shouldKeepAConnectionThatKeepsSendingRequests() throws Exception
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            for (int i = 0; i < 15; i++)
            {
                assertThat(apiVersions(c).errorCode()).isZero();
                Thread.sleep(MAX_IDLE_MS / 4);
            }
        }
    }

    @Test
    void shouldAnswerAFetchWithMinBytesZeroAtOnce() throws IOException
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            final FetchResponse response = c.request(ApiKey.FETCH, FETCH_V, RawKafkaConnection.fetch(TOPIC, 0, 0, LONG_WAIT_MS, 0),
                FetchResponse::read);
            final FetchResponse.PartitionData p = response.responses().get(0).partitions().get(0);
            assertThat(p.errorCode()).isZero();
            assertThat(p.highWatermark()).isZero();
        }
    }

    @Test
    void shouldAnswerAFetchForNoPartitionAtOnce() throws IOException
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            final FetchResponse response = c.request(ApiKey.FETCH, FETCH_V,
                new FetchRequest(null, -1, LONG_WAIT_MS, 1, 1 << 20, (byte)0, 0, -1, List.of(), List.of(), ""), FetchResponse::read);
            assertThat(response.errorCode()).isZero();
            assertThat(response.responses()).isEmpty();
        }
    }

    private static ApiVersionsResponse apiVersions(final RawKafkaConnection c) throws IOException
    {
        return c.request(ApiKey.API_VERSIONS, (short)3, new ApiVersionsRequest("osprey-test", "1"), ApiVersionsResponse::read);
    }
}
