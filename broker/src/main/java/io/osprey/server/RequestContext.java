package io.osprey.server;

import java.util.List;

import io.osprey.metrics.RequestMetrics;
import io.osprey.network.Connection;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;

/**
 * One request in flight: its header, the API and version, and the connection slot its response
 * goes to. {@link #respond(Message)} encodes header and body and completes the slot, and records
 * the request's total time; any thread.
 */
public final class RequestContext
{
    private final RequestHeader header;
    private final ApiKey api;
    private final Connection connection;
    private final Connection.Slot slot;
    private final long receivedNs;
    private final RequestMetrics metrics;

    RequestContext(final RequestHeader header, final ApiKey api, final Connection connection, final Connection.Slot slot,
        final long receivedNs, final RequestMetrics metrics)
    {
        this.metrics = metrics;
        this.header = header;
        this.api = api;
        this.connection = connection;
        this.slot = slot;
        this.receivedNs = receivedNs;
    }

    public RequestHeader header()
    {
        return header;
    }

    public ApiKey api()
    {
        return api;
    }

    public short version()
    {
        return header.apiVersion();
    }

    public String clientId()
    {
        return header.clientId();
    }

    public Connection connection()
    {
        return connection;
    }

    public long receivedNs()
    {
        return receivedNs;
    }

    /** Sends the response (no-op for requests that take no response, such as acks=0 produces). */
    public void respond(final Message body)
    {
        if (slot == null)
        {
            return;
        }
        slot.complete(encode(api, header.apiVersion(), header.correlationId(), body));
        metrics.onResponded(api, System.nanoTime() - receivedNs);
    }

    static List<Object> encode(final ApiKey api, final short version, final int correlationId, final Message body)
    {
        final ProtocolWriter w = new ProtocolWriter(256);
        ResponseHeader.write(w, correlationId, api.responseHeaderVersion(version));
        w.flexible(api.isFlexible(version));
        body.write(w, version);
        return w.parts();
    }
}
