package io.osprey.testing;

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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.osprey.common.ErrorCode;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.CreatePartitionsRequest;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.DeleteGroupsRequest;
import io.osprey.protocol.message.DeleteTopicsRequest;
import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeGroupsRequest;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.ListGroupsRequest;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.SyncGroupRequest;

/**
 * A scripted one-node Kafka broker for client tests: blocking sockets, a thread per connection,
 * Osprey's own codecs, so that the network, admin and consumer tests run against real sockets
 * without a real broker. ApiVersions advertises every API Osprey knows unless the test
 * {@link #advertise advertises} another range or {@link #withhold withholds} it; Metadata names
 * this node as broker and controller unless the test scripts it; an acks=0 Produce gets no
 * response, as in Kafka; every other API answers with what the test's {@link Responder} returns.
 * Knobs make the broker misbehave on cue (old ApiVersions, held responses, dropped connections,
 * garbage frames), and every request is recorded, decoded, for assertions.
 *
 * <p>Thread-safety: the test thread scripts and observes; connection threads read the scripts and
 * record, hence the concurrent collections and volatiles. Held responses are sent by the test
 * thread in {@link #release} while connection threads may still answer ApiVersions, so writes to
 * one connection lock its stream.
 */
public final class FakeBroker implements AutoCloseable
{
    public static final int NODE_ID = 1;
    public static final String CLUSTER_ID = "fake-cluster";

    /** One request as the fake read it. */
    public record Received(int connection, ApiKey api, short version, int correlationId, String clientId, Message request)
    {
        /** The topics a Metadata request named, or null when it asked for all of them. */
        public List<String> metadataTopics()
        {
            final List<MetadataRequest.Topic> topics = ((MetadataRequest)request).topics();
            return topics == null ? null : topics.stream().map(MetadataRequest.Topic::name).toList();
        }
    }

    /** Answers one request: the response, or null to send none. Throwing IOException drops the connection. */
    @FunctionalInterface
    public interface Responder
    {
        Message respond(Received request) throws IOException;
    }

    private final int nodeId;
    private final ServerSocket serverSocket;
    private final Map<ApiKey, Responder> responders = new ConcurrentHashMap<>();
    private final Map<Short, short[]> advertised = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final Object holdLock = new Object();
    private final List<Runnable> held = new ArrayList<>();

    private volatile short apiVersionsMax = ApiKey.API_VERSIONS.latest;
    private volatile boolean holding;
    private volatile boolean garbageFrames;

    public FakeBroker() throws IOException
    {
        this(NODE_ID);
    }

    /** A fake with its own node id, for tests with several brokers (each names itself in Metadata unless scripted). */
    public FakeBroker(final int nodeId) throws IOException
    {
        this.nodeId = nodeId;
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        for (final ApiKey api : ApiKey.values())
        {
            advertised.put(api.id, new short[] {api.oldest, api.latest});
        }
        responders.put(ApiKey.METADATA, r -> metadata(List.of()));
        responders.put(ApiKey.PRODUCE, FakeBroker::acksZeroOnly);
        final Thread acceptor = new Thread(this::acceptLoop, "fake-broker-acceptor-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return serverSocket.getLocalPort();
    }

    public String bootstrap()
    {
        return "127.0.0.1:" + port();
    }

    /** A Metadata response naming this node as the only broker and the controller, with these topics. */
    public MetadataResponse metadata(final List<MetadataResponse.Topic> topics)
    {
        return metadata(CLUSTER_ID, topics);
    }

    /** As {@link #metadata(List)}, under another cluster id, so a test can tell responses apart. */
    public MetadataResponse metadata(final String clusterId, final List<MetadataResponse.Topic> topics)
    {
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(nodeId, "127.0.0.1", port(), null)), clusterId, nodeId, topics,
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }

    /** The address clients should fail to connect to: a port just closed. */
    public static InetSocketAddress closedPort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
    }

    // ---- Scripts and knobs ----------------------------------------------------------------------

    /** Answer {@code api} with {@code responder}. */
    public FakeBroker on(final ApiKey api, final Responder responder)
    {
        responders.put(api, responder);
        return this;
    }

    /** A responder that plays {@code steps} in turn, repeating the last one. */
    public static Responder inTurn(final Responder... steps)
    {
        final AtomicInteger next = new AtomicInteger();
        return r -> steps[Math.min(next.getAndIncrement(), steps.length - 1)].respond(r);
    }

    /** A responder that drops the connection. */
    public static Responder drop()
    {
        return r ->
        {
            throw new IOException("dropped by the test");
        };
    }

    /** Advertise {@code api} as {@code min..max} in ApiVersions. */
    public FakeBroker advertise(final ApiKey api, final int min, final int max)
    {
        advertised.put(api.id, new short[] {(short)min, (short)max});
        return this;
    }

    /** Leave {@code api} out of ApiVersions, as a broker that does not serve it would. */
    public FakeBroker withhold(final ApiKey api)
    {
        advertised.remove(api.id);
        return this;
    }

    /** ApiVersions requests above {@code max} get UNSUPPORTED_VERSION in the v0 layout, as Kafka does. */
    public FakeBroker apiVersionsMax(final int max)
    {
        apiVersionsMax = (short)max;
        advertise(ApiKey.API_VERSIONS, 0, max);
        return this;
    }

    /**
     * Answer every request but ApiVersions with a size prefix no client may accept. ApiVersions is
     * spared so that the client gets past its handshake and sends the request under test.
     */
    public FakeBroker sendGarbageFrames()
    {
        garbageFrames = true;
        return this;
    }

    /**
     * Keep every response but ApiVersions' until {@link #release}, so requests pile up in flight.
     * ApiVersions is answered at once because a client sends nothing else before it.
     */
    public void hold()
    {
        holding = true;
    }

    /** Sends every held response, in order, and stops holding. */
    public void release()
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
    public void dropConnections() throws IOException
    {
        for (final Socket s : sockets)
        {
            s.close();
        }
    }

    // ---- Observations ---------------------------------------------------------------------------

    /** Every request read, ApiVersions included, in the order read. */
    public List<Received> received()
    {
        return List.copyOf(received);
    }

    public List<Received> received(final ApiKey api)
    {
        return received.stream().filter(r -> r.api() == api).toList();
    }

    public int acceptedConnections()
    {
        return accepted.get();
    }

    /** Connections the client closed (the fake read end-of-stream). */
    public int connectionsClosedByClient()
    {
        return closedByClient.get();
    }

    /** The most requests ever read and not yet answered at once, across connections. */
    public int maxOutstanding()
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
                final Thread t = new Thread(() -> serve(socket, index), "fake-broker-conn-" + index);
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
            // The test or a responder dropped the connection, or the client went away.
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
        final Received request = new Received(connection, api, version, header.correlationId(), header.clientId(),
            decode(api, version, body));
        received.add(request);
        if (api == ApiKey.API_VERSIONS)
        {
            onApiVersions(out, request);
            return;
        }
        final Responder responder = responders.get(api);
        if (responder == null)
        {
            throw new IOException("The test gave no responder for " + api);
        }
        final Message response = responder.respond(request);
        if (response != null)
        {
            respond(out, request, response);
        }
    }

    private void onApiVersions(final OutputStream out, final Received request) throws IOException
    {
        final List<ApiVersionsResponse.ApiVersion> keys = new ArrayList<>();
        for (final Map.Entry<Short, short[]> e : new TreeMap<>(advertised).entrySet())
        {
            keys.add(new ApiVersionsResponse.ApiVersion(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        if (request.version() > apiVersionsMax)
        {
            write(out, ApiKey.API_VERSIONS, (short)0, request.correlationId(),
                new ApiVersionsResponse(ErrorCode.UNSUPPORTED_VERSION.code, keys, 0));
            return;
        }
        write(out, ApiKey.API_VERSIONS, request.version(), request.correlationId(), new ApiVersionsResponse(ErrorCode.NONE.code, keys, 0));
    }

    /** Sends {@code response} now, or keeps it for {@link #release} while holding. */
    private void respond(final OutputStream out, final Received request, final Message response)
    {
        trackOutstanding(1);
        final Runnable send = () ->
        {
            try
            {
                trackOutstanding(-1);
                if (garbageFrames)
                {
                    writeGarbage(out);
                    return;
                }
                write(out, request.api(), request.version(), request.correlationId(), response);
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
                held.add(send);
                return;
            }
        }
        send.run();
    }

    private void trackOutstanding(final int delta)
    {
        final int now = outstanding.addAndGet(delta);
        maxOutstanding.accumulateAndGet(now, Math::max);
    }

    /** Kafka sends nothing back for acks=0; any other Produce needs the test's own script. */
    private static Message acksZeroOnly(final Received request) throws IOException
    {
        if (((ProduceRequest)request.request()).acks() != 0)
        {
            throw new IOException("The fake broker only takes acks=0 produce requests unless the test scripts PRODUCE");
        }
        return null;
    }

    private static Message decode(final ApiKey api, final short version, final ProtocolReader body) throws IOException
    {
        return switch (api)
        {
            case API_VERSIONS -> ApiVersionsRequest.read(body, version);
            case METADATA -> MetadataRequest.read(body, version);
            case PRODUCE -> ProduceRequest.read(body, version);
            case CREATE_TOPICS -> CreateTopicsRequest.read(body, version);
            case DELETE_TOPICS -> DeleteTopicsRequest.read(body, version);
            case CREATE_PARTITIONS -> CreatePartitionsRequest.read(body, version);
            case DESCRIBE_CONFIGS -> DescribeConfigsRequest.read(body, version);
            case INCREMENTAL_ALTER_CONFIGS -> IncrementalAlterConfigsRequest.read(body, version);
            case DESCRIBE_CLUSTER -> DescribeClusterRequest.read(body, version);
            case FIND_COORDINATOR -> FindCoordinatorRequest.read(body, version);
            case LIST_GROUPS -> ListGroupsRequest.read(body, version);
            case DESCRIBE_GROUPS -> DescribeGroupsRequest.read(body, version);
            case DELETE_GROUPS -> DeleteGroupsRequest.read(body, version);
            case OFFSET_FETCH -> OffsetFetchRequest.read(body, version);
            case OFFSET_COMMIT -> OffsetCommitRequest.read(body, version);
            case LIST_OFFSETS -> ListOffsetsRequest.read(body, version);
            case JOIN_GROUP -> JoinGroupRequest.read(body, version);
            case SYNC_GROUP -> SyncGroupRequest.read(body, version);
            case HEARTBEAT -> HeartbeatRequest.read(body, version);
            case LEAVE_GROUP -> LeaveGroupRequest.read(body, version);
            case FETCH -> FetchRequest.read(body, version);
            default -> throw new IOException("The fake broker does not serve " + api);
        };
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

    private static void writeGarbage(final OutputStream out) throws IOException
    {
        synchronized (out)
        {
            new DataOutputStream(out).writeInt(Integer.MAX_VALUE);
            out.flush();
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
