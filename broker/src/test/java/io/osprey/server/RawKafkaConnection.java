package io.osprey.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatchBuilder;

/**
 * A blocking, one-socket Kafka protocol client for tests: encodes requests with Osprey's own
 * {@link ProtocolWriter} and {@link RequestHeader} (header v1 for non-flexible versions, v2 for
 * flexible ones), reads whole response frames, and can send arbitrary bytes and tell whether the
 * broker closed the connection.
 */
final class RawKafkaConnection implements AutoCloseable
{
    static final String CLIENT_ID = "raw-test-client";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** A response body decoder: a message class's static {@code read(ProtocolReader, short)}. */
    @FunctionalInterface
    interface Decoder<T>
    {
        T read(ProtocolReader reader, short version);
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCorrelationId = 1;

    private RawKafkaConnection(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawKafkaConnection connect(final int port) throws IOException
    {
        final Socket socket = new Socket();
        try
        {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int)DEFAULT_TIMEOUT.toMillis());
            return new RawKafkaConnection(socket);
        }
        catch (final IOException e)
        {
            socket.close();
            throw e;
        }
    }

    Socket socket()
    {
        return socket;
    }

    /** A whole request frame (size prefix included) for a served API. */
    static byte[] encode(final ApiKey api, final short version, final int correlationId, final String clientId, final Message body)
    {
        final ProtocolWriter w = new ProtocolWriter(256);
        w.writeInt(0);
        new RequestHeader(api.id, version, correlationId, clientId).write(w, api.requestHeaderVersion(version));
        w.flexible(api.isFlexible(version));
        body.write(w, version);
        return withSizePrefix(w);
    }

    /** A request frame with a header v1 for any API key (served or not) and the given body bytes. */
    static byte[] encodeRaw(final short apiKey, final short version, final int correlationId, final String clientId,
        final byte[] body)
    {
        final ProtocolWriter w = new ProtocolWriter(64 + body.length);
        w.writeInt(0);
        new RequestHeader(apiKey, version, correlationId, clientId).write(w, (short)1);
        w.writeRaw(ByteBuffer.wrap(body));
        return withSizePrefix(w);
    }

    private static byte[] withSizePrefix(final ProtocolWriter w)
    {
        final ByteBuffer b = w.toByteBuffer();
        b.putInt(0, b.remaining() - 4);
        final byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    /** Sends a request with the default client id; returns its correlation id. */
    int send(final ApiKey api, final short version, final Message body) throws IOException
    {
        return send(api, version, body, CLIENT_ID);
    }

    int send(final ApiKey api, final short version, final Message body, final String clientId) throws IOException
    {
        final int correlationId = nextCorrelationId++;
        sendRaw(encode(api, version, correlationId, clientId, body));
        return correlationId;
    }

    void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /** Sends a request and decodes its response at the same version. */
    <T> T request(final ApiKey api, final short version, final Message body, final Decoder<T> decoder) throws IOException
    {
        return request(api, version, body, CLIENT_ID, decoder);
    }

    <T> T request(final ApiKey api, final short version, final Message body, final String clientId, final Decoder<T> decoder)
        throws IOException
    {
        final int correlationId = send(api, version, body, clientId);
        return receive(api, version, correlationId, decoder);
    }

    /** Reads the next response frame, checks its correlation id and decodes the body at {@code version}. */
    <T> T receive(final ApiKey api, final short version, final int correlationId, final Decoder<T> decoder) throws IOException
    {
        final ByteBuffer frame = receiveFrame();
        final int got = ResponseHeader.read(new ProtocolReader(frame, false), api.responseHeaderVersion(version));
        if (got != correlationId)
        {
            throw new IllegalStateException("Expected correlation id " + correlationId + " but got " + got);
        }
        final ProtocolReader reader = new ProtocolReader(frame, api.isFlexible(version));
        final T result = decoder.read(reader, version);
        if (reader.remaining() != 0)
        {
            throw new IllegalStateException(api + " v" + version + " response has " + reader.remaining() + " trailing bytes");
        }
        return result;
    }

    /** One response frame without its size prefix; EOFException when the broker closed the connection. */
    ByteBuffer receiveFrame() throws IOException
    {
        final int size = in.readInt();
        if (size < 0 || size > (64 << 20))
        {
            throw new IllegalStateException("Implausible response size " + size);
        }
        final byte[] payload = new byte[size];
        in.readFully(payload);
        return ByteBuffer.wrap(payload);
    }

    /**
     * True when the broker closes the connection within {@code timeout}: a read returns end of
     * stream (or the connection is reset). Response bytes arriving meanwhile are discarded.
     */
    boolean awaitClosedByPeer(final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final byte[] sink = new byte[8192];
        try
        {
            while (true)
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0)
                {
                    return false;
                }
                socket.setSoTimeout((int)Math.max(1, leftMs));
                if (in.read(sink) < 0)
                {
                    return true;
                }
            }
        }
        catch (final SocketTimeoutException e)
        {
            return false;
        }
        catch (final EOFException e)
        {
            return true;
        }
        catch (final SocketException e)
        {
            // Connection reset: the broker closed while our bytes were unread.
            return true;
        }
        finally
        {
            if (!socket.isClosed())
            {
                socket.setSoTimeout((int)DEFAULT_TIMEOUT.toMillis());
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }

    // ---- request-building helpers ----

    /** A batch of {@code count} records (key "k-i", value prefix + i), copied out of the builder. */
    static ByteBuffer batch(final long producerId, final short epoch, final int baseSequence, final int count, final String valuePrefix,
        final int valuePadding)
    {
        return batch(Compression.NONE, producerId, epoch, baseSequence, count, valuePrefix, valuePadding);
    }

    static ByteBuffer batch(final Compression compression, final long producerId, final short epoch, final int baseSequence,
        final int count, final String valuePrefix, final int valuePadding)
    {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(1 << 20))
        {
            builder.reset(compression, 0, System.currentTimeMillis());
            if (producerId >= 0)
            {
                builder.producer(producerId, epoch, baseSequence);
            }
            final String padding = "x".repeat(valuePadding);
            for (int i = 0; i < count; i++)
            {
                builder.append(System.currentTimeMillis(), ("k-" + i).getBytes(StandardCharsets.UTF_8),
                    (valuePrefix + i + padding).getBytes(StandardCharsets.UTF_8));
            }
            final ByteBuffer built = builder.build();
            final ByteBuffer copy = ByteBuffer.allocate(built.remaining());
            copy.put(built).flip();
            return copy;
        }
    }

    static ByteBuffer batch(final int count, final String valuePrefix)
    {
        return batch(-1, (short)-1, -1, count, valuePrefix, 0);
    }

    /** A produce request for one partition carrying {@code records} as they are. */
    /** Creates {@code topic} (one replica) through a connection of its own; fails unless the broker created it. */
    static void createTopic(final int port, final String topic, final int partitions) throws IOException
    {
        try (RawKafkaConnection c = connect(port))
        {
            final CreateTopicsResponse created = c.request(ApiKey.CREATE_TOPICS, (short)7, new CreateTopicsRequest(
                List.of(new CreateTopicsRequest.CreatableTopic(topic, partitions, (short)1, List.of(), List.of())), 10_000, false),
                CreateTopicsResponse::read);
            for (final CreateTopicsResponse.CreatableTopicResult r : created.topics())
            {
                if (r.errorCode() != 0)
                {
                    throw new IllegalStateException("CreateTopics " + topic + " failed: error " + r.errorCode() + " " + r.errorMessage());
                }
            }
        }
    }

    /** A consumer's fetch of one partition from {@code offset}, up to 1 MiB, waiting up to {@code maxWaitMs} for {@code minBytes}. */
    static FetchRequest fetch(final String topic, final int partition, final long offset, final int maxWaitMs, final int minBytes)
    {
        return new FetchRequest(null, -1, maxWaitMs, minBytes, 1 << 20, (byte)0, 0, -1, List.of(new FetchRequest.FetchTopic(topic,
            List.of(new FetchRequest.FetchPartition(partition, -1, offset, -1, -1, 1 << 20)))), List.of(), "");
    }

    static ProduceRequest produce(final String topic, final int partition, final short acks, final ByteBuffer records)
    {
        return new ProduceRequest(null, acks, 30_000, List.of(new ProduceRequest.TopicData(topic,
            List.of(new ProduceRequest.PartitionData(partition, new MemoryRecords(records.duplicate()))))));
    }
}
