package io.osprey.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;

/**
 * A follower's blocking connection to a leader, one request at a time (the replica fetcher
 * waits for each response before it asks again, as Kafka's does). The response frame buffer
 * is reused: what a response refers to (the fetched batches) is valid until the next request.
 * Not thread-safe: owned by one {@link ReplicaFetcher}.
 */
final class ReplicaConnection implements AutoCloseable
{
    /** A response larger than this is refused (a broken peer), not allocated. */
    private static final int FRAME_MAX = 256 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String clientId;
    private byte[] frame = new byte[64 << 10];
    private int nextCorrelationId = 1;

    ReplicaConnection(final String host, final int port, final int timeoutMs, final String clientId) throws IOException
    {
        this.clientId = clientId;
        socket = new Socket();
        try
        {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }
        catch (final IOException e)
        {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code body} and returns a reader over the response body (header checked and skipped). */
    ProtocolReader request(final ApiKey api, final short version, final Message body) throws IOException
    {
        final int correlationId = nextCorrelationId++;
        final ProtocolWriter w = new ProtocolWriter(512);
        w.writeInt(0);
        new RequestHeader(api.id, version, correlationId, clientId).write(w, api.requestHeaderVersion(version));
        w.flexible(api.isFlexible(version));
        body.write(w, version);
        final ByteBuffer request = w.toByteBuffer();
        request.putInt(0, request.remaining() - 4);
        out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
        out.flush();

        final int size = in.readInt();
        if (size < 0 || size > FRAME_MAX)
        {
            throw new IOException("Implausible response size " + size + " from " + socket.getRemoteSocketAddress());
        }
        if (frame.length < size)
        {
            frame = new byte[Math.max(size, frame.length * 2)];
        }
        in.readFully(frame, 0, size);
        final ByteBuffer buffer = ByteBuffer.wrap(frame, 0, size);
        final int got = ResponseHeader.read(new ProtocolReader(buffer, false), api.responseHeaderVersion(version));
        if (got != correlationId)
        {
            throw new IOException("Expected correlation id " + correlationId + " but got " + got);
        }
        return new ProtocolReader(buffer, api.isFlexible(version));
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }
}
