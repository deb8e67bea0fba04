package io.osprey.client;

import java.nio.ByteBuffer;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;

/**
 * One request from {@code send} to its handler: queued, then encoded at the negotiated version
 * and written, then matched with its response or failed, then delivered at the end of a poll.
 * <p>
 * On the wire: {@code size int32, request header v1/v2, body}; the size is patched in after the
 * body is encoded. The request is the encoded fields in one buffer, with the records of a
 * Produce as buffers of their own between them (never copied), and several requests go out in
 * one gathering write.
 * <p>
 * Not thread-safe: lives on the I/O thread.
 */
final class ClientRequest
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientRequest.class);

    final int nodeId;
    final ApiKey api;
    final short maxVersion;
    final boolean expectResponse;
    final long timeoutMs;
    final long deadlineMs;
    /** An ApiVersions exchange run by the client itself: answered inline, never delivered to a handler. */
    final boolean internal;
    private final RequestBuilder builder;
    private final ResponseHandler handler;

    short version = -1;
    int correlationId = -1;
    private ByteBuffer[] buffers;
    private int firstUnwritten;

    private ProtocolReader responseBody;
    private OspreyException failure;
    private boolean completed;

    ClientRequest(final int nodeId, final ApiKey api, final short maxVersion, final RequestBuilder builder, final ResponseHandler handler,
        final boolean expectResponse, final long createdMs, final long timeoutMs, final boolean internal)
    {
        this.nodeId = nodeId;
        this.api = api;
        this.maxVersion = maxVersion;
        this.builder = builder;
        this.handler = handler;
        this.expectResponse = expectResponse;
        this.timeoutMs = timeoutMs;
        final long deadline = createdMs + timeoutMs;
        // Saturate: a caller's Long.MAX_VALUE timeout means never.
        this.deadlineMs = ((createdMs ^ deadline) & (timeoutMs ^ deadline)) < 0 ? Long.MAX_VALUE : deadline;
        this.internal = internal;
    }

    /** Builds and encodes the request at {@code version}; the builder's exceptions propagate. */
    void encode(final short version, final int correlationId, final String clientId)
    {
        final Message body = builder.build(version);
        // Records are referred to, not copied: a produce request's batches stay untouched until it is written whole.
        final ProtocolWriter w = new ProtocolWriter(256).recordsByReference(true);
        w.writeInt(0);
        new RequestHeader(api.id, version, correlationId, clientId).write(w, api.requestHeaderVersion(version));
        w.flexible(api.isFlexible(version));
        body.write(w, version);
        final int size = w.size();
        final List<Object> parts = w.parts();
        final ByteBuffer[] out = new ByteBuffer[parts.size()];
        for (int i = 0; i < out.length; i++)
        {
            if (!(parts.get(i) instanceof ByteBuffer b))
            {
                // Only a broker's file-backed records become external parts; a client's are in memory.
                throw new OspreyException(ErrorCode.INVALID_REQUEST, api + " request carries records that are not in memory");
            }
            out[i] = b;
        }
        // The size is patched into the first part, a slice from the writer's position 0: once the writer grew into a
        // new buffer after a records part, the first part no longer shares the writer's current one.
        out[0].putInt(0, size - 4);
        this.version = version;
        this.correlationId = correlationId;
        this.buffers = out;
        this.firstUnwritten = 0;
    }

    /** Adds the buffers not yet written to {@code into} from {@code offset}; returns the new offset. */
    int gather(final ByteBuffer[] into, final int offset)
    {
        int n = offset;
        for (int i = firstUnwritten; i < buffers.length && n < into.length; i++)
        {
            into[n++] = buffers[i];
        }
        return n;
    }

    /** Skips past buffers the socket took; true once every byte of the request is written. */
    boolean advanceWritten()
    {
        while (firstUnwritten < buffers.length && !buffers[firstUnwritten].hasRemaining())
        {
            buffers[firstUnwritten] = null;
            firstUnwritten++;
        }
        return firstUnwritten == buffers.length;
    }

    void complete(final ProtocolReader body)
    {
        responseBody = body;
        completed = true;
    }

    void fail(final OspreyException e)
    {
        failure = e;
        completed = true;
    }

    boolean isCompleted()
    {
        return completed;
    }

    /** Calls the handler once; a handler's exception is logged, never thrown into the I/O loop. */
    void deliver()
    {
        try
        {
            if (failure != null)
            {
                handler.onFailure(failure);
            }
            else
            {
                handler.onResponse(version, responseBody);
            }
        }
        catch (final RuntimeException e)
        {
            LOG.error("Response handler for {} v{} to node {} threw; the exception is dropped", api, version, nodeId, e);
        }
    }

    @Override
    public String toString()
    {
        return api + (version >= 0 ? " v" + version : "") + (correlationId >= 0 ? " (correlation id " + correlationId + ")" : "");
    }
}
