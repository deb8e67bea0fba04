package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.ProduceResponse;

/**
 * The lost-response retry: a TCP proxy between Kafka's idempotent producer and the broker lets
 * the first Produce request through, drops its response and closes the producer's connection, so
 * the broker has appended the batch but the producer never heard. The producer retries on a new
 * connection; the broker must deduplicate, and every record must be in the log exactly once, in
 * order. The broker advertises the proxy's address, so all of the clients' connections go
 * through it.
 */
@Tag("integration")
class LostResponseTest
{
    private static final String TOPIC = "lost-response";

    @Test
    void retryAfterALostProduceResponseIsDeduplicated(@TempDir final Path tmp) throws Exception
    {
        try (ErrorLogCapture errors = new ErrorLogCapture();
             DroppingProxy proxy = new DroppingProxy())
        {
            errors.quieten("org.apache.kafka", Level.INFO);
            try (TestBroker broker = new TestBroker(tmp.resolve("node"),
                Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port())))
            {
                proxy.start(broker.port());
                final String bootstrap = "127.0.0.1:" + proxy.port();
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
                {
                    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short)1))).all().get();
                    assertThat(admin.describeCluster().nodes().get()).extracting(Node::port)
                        .as("the broker advertises the proxy").containsExactly(proxy.port());
                }

                proxy.arm();
                final int count = 3000;
                final List<Future<RecordMetadata>> sent = new ArrayList<>(count);
                final Properties props = KafkaClientCompatibilityTest.producerProps(bootstrap);
                props.put(ProducerConfig.ACKS_CONFIG, "all");
                props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(props))
                {
                    for (int i = 0; i < count; i++)
                    {
                        sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, value(i))));
                    }
                    producer.flush();
                    for (int i = 0; i < count; i++)
                    {
                        final RecordMetadata md = sent.get(i).get(60, TimeUnit.SECONDS);
                        assertThat(md.offset()).as("offset of record %d", i).isEqualTo(i);
                    }
                }

                // The proxy really dropped a successful response: the broker had appended that batch.
                assertThat(proxy.dropped.await(0, TimeUnit.SECONDS)).as("a Produce response was dropped").isTrue();
                final ProduceResponse lost = proxy.droppedResponse();
                final ProduceResponse.PartitionResponse lostPartition = lost.responses().get(0).partitionResponses().get(0);
                assertThat(lostPartition.errorCode()).isZero();
                assertThat(lostPartition.baseOffset()).isZero();
                assertThat(proxy.connectionsAfterDrop.get()).as("the producer reconnected").isPositive();

                final List<ConsumerRecord<String, String>> records = KafkaClientCompatibilityTest.readAll(bootstrap,
                    List.of(new TopicPartition(TOPIC, 0)));
                assertThat(records).extracting(ConsumerRecord::value)
                    .as("every record exactly once, in order")
                    .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(LostResponseTest::value).toList());
                assertThat(records).extracting(ConsumerRecord::offset)
                    .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> (long)i).toList());
            }
            assertThat(errors.events()).as("broker errors (handler bugs)").isEmpty();
        }
    }

    private static String value(final int i)
    {
        return String.format("value-%05d", i);
    }

    /**
     * A loopback TCP proxy that forwards request and response frames unchanged, except that it
     * drops the response to the first Produce request it sees after {@link #arm()} and then
     * closes both sides of that connection.
     */
    static final class DroppingProxy implements AutoCloseable
    {
        private final ServerSocket server;
        private final AtomicBoolean armed = new AtomicBoolean();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final CountDownLatch dropped = new CountDownLatch(1);
        final AtomicInteger connectionsAfterDrop = new AtomicInteger();
        private volatile ByteBuffer droppedFrame;
        private volatile short droppedVersion;
        private int brokerPort;

        DroppingProxy() throws IOException
        {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        }

        int port()
        {
            return server.getLocalPort();
        }

        void start(final int targetPort)
        {
            this.brokerPort = targetPort;
            daemon("proxy-accept", this::acceptLoop);
        }

        void arm()
        {
            armed.set(true);
        }

        ProduceResponse droppedResponse()
        {
            final ByteBuffer frame = droppedFrame.duplicate();
            final short version = droppedVersion;
            ResponseHeader.read(new ProtocolReader(frame, false), ApiKey.PRODUCE.responseHeaderVersion(version));
            return ProduceResponse.read(new ProtocolReader(frame, ApiKey.PRODUCE.isFlexible(version)), version);
        }

        private static void daemon(final String name, final Runnable body)
        {
            final Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
        }

        private void acceptLoop()
        {
            while (!server.isClosed())
            {
                try
                {
                    final Socket client = server.accept();
                    final Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort), 5_000);
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(upstream);
                    if (dropped.getCount() == 0)
                    {
                        connectionsAfterDrop.incrementAndGet();
                    }
                    final Link link = new Link(client, upstream);
                    daemon("proxy-up-" + client.getPort(), link::requests);
                    daemon("proxy-down-" + client.getPort(), link::responses);
                }
                catch (final IOException e)
                {
                    if (!server.isClosed())
                    {
                        System.err.println("proxy: accept failed: " + e);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
            for (final Socket s : sockets)
            {
                s.close();
            }
        }

        /** One proxied connection: client to broker (requests) and back (responses), frame by frame. */
        private final class Link
        {
            private final Socket client;
            private final Socket upstream;
            private volatile boolean hasTarget;
            private volatile int targetCorrelationId;

            Link(final Socket client, final Socket upstream)
            {
                this.client = client;
                this.upstream = upstream;
            }

            void requests()
            {
                try
                {
                    final DataInputStream in = new DataInputStream(client.getInputStream());
                    final DataOutputStream out = new DataOutputStream(upstream.getOutputStream());
                    while (true)
                    {
                        final byte[] payload = readFrame(in);
                        final ByteBuffer b = ByteBuffer.wrap(payload);
                        if (payload.length >= 8 && b.getShort(0) == ApiKey.PRODUCE.id && armed.compareAndSet(true, false))
                        {
                            droppedVersion = b.getShort(2);
                            targetCorrelationId = b.getInt(4);
                            hasTarget = true;
                        }
                        out.writeInt(payload.length);
                        out.write(payload);
                        out.flush();
                    }
                }
                catch (final IOException e)
                {
                    closeBoth();
                }
            }

            void responses()
            {
                try
                {
                    final DataInputStream in = new DataInputStream(upstream.getInputStream());
                    final DataOutputStream out = new DataOutputStream(client.getOutputStream());
                    while (true)
                    {
                        final byte[] payload = readFrame(in);
                        if (hasTarget && payload.length >= 4 && ByteBuffer.wrap(payload).getInt(0) == targetCorrelationId)
                        {
                            droppedFrame = ByteBuffer.wrap(payload);
                            dropped.countDown();
                            closeBoth();
                            return;
                        }
                        out.writeInt(payload.length);
                        out.write(payload);
                        out.flush();
                    }
                }
                catch (final IOException e)
                {
                    closeBoth();
                }
            }

            private byte[] readFrame(final DataInputStream in) throws IOException
            {
                final int size = in.readInt();
                if (size < 0 || size > (100 << 20))
                {
                    throw new IOException("proxy: implausible frame size " + size);
                }
                final byte[] payload = new byte[size];
                in.readFully(payload);
                return payload;
            }

            private void closeBoth()
            {
                try
                {
                    client.close();
                }
                catch (final IOException ignored)
                {
                    // closing anyway
                }
                try
                {
                    upstream.close();
                }
                catch (final IOException ignored)
                {
                    // closing anyway
                }
            }
        }
    }
}
