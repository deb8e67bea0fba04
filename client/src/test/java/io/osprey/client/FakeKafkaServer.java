package io.osprey.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.osprey.common.ErrorCode;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.protocol.message.ProduceRequest;

/**
 * A tiny Kafka broker for client tests: plain blocking sockets, one thread per connection,
 * speaking ApiVersions, Metadata and Produce with acks=0 through Osprey's own codec. Knobs
 * change how it behaves (advertised versions, held or withheld responses, garbage frames) and
 * every request it reads is recorded for assertions. The test thread sets knobs; connection
 * threads read them, hence the concurrent collections and volatiles.
 */
final class FakeKafkaServer implements AutoCloseable
{
    /** One request as the server read it. */
    record Received(int connection, ApiKey api, short version, int correlationId, String clientId, List<String> metadataTopics)
    {
    }

    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<Short, short[]> advertised = new ConcurrentHashMap<>();
    private final Set<ApiKey> silent = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final Object holdLock = new Object();
    private final List<Runnable> held = new ArrayList<>();

    private volatile short apiVersionsMax = ApiKey.API_VERSIONS.latest;
    private volatile boolean holding;
    private volatile boolean garbageFrames;
    private volatile IntFunction<MetadataResponse> metadata;

    FakeKafkaServer() throws IOException
    {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        for (final ApiKey api : ApiKey.values())
        {
            advertised.put(api.id, new short[] {api.oldest, api.latest});
        }
        final int port = serverSocket.getLocalPort();
        metadata = correlationId -> new MetadataResponse(0, List.of(new MetadataResponse.Broker(1, "127.0.0.1", port, null)),
            "cluster-" + correlationId, 1, List.of(), MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
        acceptor = new Thread(this::acceptLoop, "fake-kafka-acceptor-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return serverSocket.getLocalPort();
    }

    String bootstrap()
    {
        return "127.0.0.1:" + port();
    }

    // ---- Knobs ----------------------------------------------------------------------------------

    /** Advertise {@code api} as {@code min..max} in ApiVersions. */
    FakeKafkaServer advertise(final ApiKey api, final int min, final int max)
    {
        advertised.put(api.id, new short[] {(short)min, (short)max});
        return this;
    }

    /** Leave {@code api} out of ApiVersions. */
    FakeKafkaServer withhold(final ApiKey api)
    {
        advertised.remove(api.id);
        return this;
    }

    /** ApiVersions requests above {@code max} get UNSUPPORTED_VERSION in the v0 layout, as Kafka does. */
    FakeKafkaServer apiVersionsMax(final int max)
    {
        apiVersionsMax = (short)max;
        advertise(ApiKey.API_VERSIONS, 0, max);
        return this;
    }

    /** Never answer {@code api}. */
    FakeKafkaServer silence(final ApiKey api)
    {
        silent.add(api);
        return this;
    }

    /** Answer Metadata with a size prefix no client may accept. */
    FakeKafkaServer sendGarbageFrames()
    {
        garbageFrames = true;
        return this;
    }

    /** What Metadata answers, given the request's correlation id. */
    FakeKafkaServer metadata(final IntFunction<MetadataResponse> response)
    {
        metadata = response;
        return this;
    }

    /** Keep every Metadata response until {@link #release}. */
    void hold()
    {
        holding = true;
    }

    /** Sends every held response, in order, and stops holding. */
    void release()
    {
        synchronized (holdLock)
        {
            holding = false;
            for (final Runnable r : held)
            {
                r.run();
            }
            held.clear();
        }
    }

    /** Closes every accepted connection, as a broker crash would. */
    void dropConnections() throws IOException
    {
        for (final Socket s : sockets)
        {
            s.close();
        }
    }

    // ---- Observations ---------------------------------------------------------------------------

    List<Received> received()
    {
        return List.copyOf(received);
    }

    List<Received> received(final ApiKey api)
    {
        return received.stream().filter(r -> r.api() == api).toList();
    }

    int acceptedConnections()
    {
        return accepted.get();
    }

    /** Connections the client closed (the server read end-of-stream). */
    int connectionsClosedByClient()
    {
        return closedByClient.get();
    }

    /** The most requests ever read and not yet answered at once, across connections. */
    int maxOutstanding()
    {
        return maxOutstanding.get();
    }

    // ---- Serving --------------------------------------------------------------------------------

    private void acceptLoop()
    {
        while (!serverSocket.isClosed())
        {
            try
            {
                final Socket socket = serverSocket.accept();
                sockets.add(socket);
                final int index = accepted.incrementAndGet();
                final Thread t = new Thread(() -> serve(socket, index), "fake-kafka-conn-" + index);
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException e)
            {
                return;
            }
        }
    }

    private void serve(final Socket socket, final int connection)
    {
        try (socket)
        {
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            while (true)
            {
                final int size;
                try
                {
                    size = in.readInt();
                }
                catch (final IOException e)
                {
                    if (!socket.isClosed())
                    {
                        closedByClient.incrementAndGet();
                    }
                    return;
                }
                final byte[] frame = new byte[size];
                in.readFully(frame);
                onRequest(connection, ByteBuffer.wrap(frame), out);
            }
        }
        catch (final IOException e)
        {
            // The test dropped the connection or the client went away.
        }
    }

    private void onRequest(final int connection, final ByteBuffer frame, final OutputStream out) throws IOException
    {
        final RequestHeader header = RequestHeader.read(new ProtocolReader(frame, false));
        final ApiKey api = ApiKey.forId(header.apiKey());
        final short version = header.apiVersion();
        if (api.requestHeaderVersion(version) >= 2)
        {
            RequestHeader.readTaggedFields(new ProtocolReader(frame, true));
        }
        final ProtocolReader body = new ProtocolReader(frame, api.isFlexible(version));
        List<String> topics = null;
        if (api == ApiKey.METADATA)
        {
            final MetadataRequest request = MetadataRequest.read(body, version);
            topics = request.topics() == null ? null : request.topics().stream().map(MetadataRequest.Topic::name).toList();
        }
        received.add(new Received(connection, api, version, header.correlationId(), header.clientId(), topics));
        switch (api)
        {
            case API_VERSIONS -> respondApiVersions(out, header);
            case METADATA -> respondMetadata(out, header);
            case PRODUCE ->
            {
                if (ProduceRequest.read(body, version).acks() != 0)
                {
                    throw new IOException("The fake server only takes acks=0 produce requests");
                }
            }
            default -> throw new IOException("The fake server does not serve " + api);
        }
    }

    private void respondApiVersions(final OutputStream out, final RequestHeader header) throws IOException
    {
        final List<ApiVersionsResponse.ApiVersion> keys = new ArrayList<>();
        for (final Map.Entry<Short, short[]> e : new TreeMap<>(advertised).entrySet())
        {
            keys.add(new ApiVersionsResponse.ApiVersion(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        if (header.apiVersion() > apiVersionsMax)
        {
            write(out, ApiKey.API_VERSIONS, (short)0, header.correlationId(),
                new ApiVersionsResponse(ErrorCode.UNSUPPORTED_VERSION.code, keys, 0));
            return;
        }
        write(out, ApiKey.API_VERSIONS, header.apiVersion(), header.correlationId(), new ApiVersionsResponse(ErrorCode.NONE.code, keys, 0));
    }

    private void respondMetadata(final OutputStream out, final RequestHeader header) throws IOException
    {
        if (silent.contains(ApiKey.METADATA))
        {
            return;
        }
        trackOutstanding(1);
        final Runnable respond = () ->
        {
            try
            {
                trackOutstanding(-1);
                if (garbageFrames)
                {
                    new DataOutputStream(out).writeInt(Integer.MAX_VALUE);
                    out.flush();
                    return;
                }
                write(out, ApiKey.METADATA, header.apiVersion(), header.correlationId(), metadata.apply(header.correlationId()));
            }
            catch (final IOException e)
            {
                // The connection is gone; the client sees that on its side.
            }
        };
        synchronized (holdLock)
        {
            if (holding)
            {
                held.add(respond);
                return;
            }
        }
        respond.run();
    }

    private void trackOutstanding(final int delta)
    {
        final int now = outstanding.addAndGet(delta);
        maxOutstanding.accumulateAndGet(now, Math::max);
    }

    private static void write(final OutputStream out, final ApiKey api, final short version, final int correlationId, final Message body)
        throws IOException
    {
        final ProtocolWriter w = new ProtocolWriter();
        ResponseHeader.write(w, correlationId, api.responseHeaderVersion(version));
        w.flexible(api.isFlexible(version) && !(api == ApiKey.API_VERSIONS && version == 0));
        body.write(w, version);
        final ByteBuffer bytes = w.toByteBuffer();
        synchronized (out)
        {
            final DataOutputStream data = new DataOutputStream(out);
            data.writeInt(bytes.remaining());
            data.write(bytes.array(), bytes.arrayOffset(), bytes.remaining());
            data.flush();
        }
    }

    /** The address clients should fail to connect to: a port just closed. */
    static InetSocketAddress closedPort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
    }

    @Override
    public void close() throws IOException
    {
        serverSocket.close();
        dropConnections();
        release();
    }
}
