package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;

/**
 * When a fetch is answered without data, as Kafka's broker does: min_bytes 0, or a request
 * naming no partition, is answered at once, not after max_wait. The max wait here (60 s) is far
 * beyond the test connection's 10 s read timeout, so a fetch that waited fails the test.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetchWaitTest
{
    private static final short FETCH_V = 12;
    private static final int LONG_WAIT_MS = 60_000;
    private static final String TOPIC = "fetch-wait";

    private TestBroker broker;

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"));
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
    void shouldAnswerAFetchWithMinBytesZeroAtOnce() throws IOException
    {
        try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
        {
            final FetchResponse response = c.request(ApiKey.FETCH, FETCH_V, fetch(0, List.of(new FetchRequest.FetchTopic(TOPIC,
                List.of(new FetchRequest.FetchPartition(0, -1, 0, -1, -1, 1 << 20))))), FetchResponse::read);
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
            final FetchResponse response = c.request(ApiKey.FETCH, FETCH_V, fetch(1, List.of()), FetchResponse::read);
            assertThat(response.errorCode()).isZero();
            assertThat(response.responses()).isEmpty();
        }
    }

    private static FetchRequest fetch(final int minBytes, final List<FetchRequest.FetchTopic> topics)
    {
        return new FetchRequest(null, -1, LONG_WAIT_MS, minBytes, 1 << 20, (byte)0, 0, -1, topics, List.of(), "");
    }
}
