package io.osprey.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import io.osprey.protocol.message.SyncGroupRequest;

/**
 * A scripted one-node Kafka broker for admin and consumer group client tests: blocking sockets, a
 * thread per connection, Osprey's own codecs. ApiVersions advertises every API Osprey knows unless
 * {@link #withhold withheld}; Metadata names this node as broker and controller unless the test
 * scripts it; every other API answers with what the test's {@link Responder} returns. Every
 * request is recorded, decoded, for assertions. The test thread scripts; connection threads
 * read the scripts, hence the concurrent collections.
 */
public final class FakeBroker implements AutoCloseable
{
    public static final int NODE_ID = 1;
    public static final String CLUSTER_ID = "fake-cluster";

    /** One request as the fake read it. */
    public record Received(int connection, ApiKey api, short version, Message request)
    {
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
    private final Set<ApiKey> withheld = ConcurrentHashMap.newKeySet();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    public FakeBroker() throws IOException
    {
        this(NODE_ID);
    }

    /** A fake with its own node id, for tests with several brokers (each names itself in Metadata unless scripted). */
    public FakeBroker(final int nodeId) throws IOException
    {
        this.nodeId = nodeId;
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        responders.put(ApiKey.METADATA, r -> metadata(List.of()));
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
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(nodeId, "127.0.0.1", port(), null)), CLUSTER_ID, nodeId, topics,
            MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }

    /** Answer {@code api} with {@code responder}. */
    public FakeBroker on(final ApiKey api, final Responder responder)
    {
        responders.put(api, responder);
        return this;
    }

    /** Leave {@code api} out of ApiVersions, as a broker that does not serve it would. */
    public FakeBroker withhold(final ApiKey api)
    {
        withheld.add(api);
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

    public List<Received> received(final ApiKey api)
    {
        return received.stream().filter(r -> r.api() == api).toList();
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
                final int index = connections.incrementAndGet();
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
                final byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                onRequest(connection, ByteBuffer.wrap(frame), out);
            }
        }
        catch (final IOException e)
        {
            // The client went away, or a responder dropped the connection.
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
        if (api == ApiKey.API_VERSIONS)
        {
            write(out, api, version, header.correlationId(), apiVersions());
            return;
        }
        final Received request = new Received(connection, api, version, decode(api, version, body));
        received.add(request);
        final Responder responder = responders.get(api);
        if (responder == null)
        {
            throw new IOException("The test gave no responder for " + api);
        }
        final Message response = responder.respond(request);
        if (response != null)
        {
            write(out, api, version, header.correlationId(), response);
        }
    }

    private ApiVersionsResponse apiVersions()
    {
        final List<ApiVersionsResponse.ApiVersion> keys = new ArrayList<>();
        for (final ApiKey api : ApiKey.values())
        {
            if (!withheld.contains(api))
            {
                keys.add(new ApiVersionsResponse.ApiVersion(api.id, api.oldest, api.latest));
            }
        }
        return new ApiVersionsResponse(ErrorCode.NONE.code, keys, 0);
    }

    private static Message decode(final ApiKey api, final short version, final ProtocolReader body) throws IOException
    {
        return switch (api)
        {
            case METADATA -> MetadataRequest.read(body, version);
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
        final DataOutputStream data = new DataOutputStream(out);
        data.writeInt(bytes.remaining());
        data.write(bytes.array(), bytes.arrayOffset(), bytes.remaining());
        data.flush();
    }

    @Override
    public void close() throws IOException
    {
        serverSocket.close();
        for (final Socket s : sockets)
        {
            s.close();
        }
    }
}
