package io.osprey.client;

import java.util.concurrent.atomic.AtomicInteger;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.MetadataResponse;

/** Records the one outcome a request gets, and in which order among its siblings it came. */
final class RecordingHandler implements ResponseHandler
{
    private final AtomicInteger completionOrder;
    private int calls;
    short version = -1;
    ProtocolReader body;
    OspreyException failure;
    int order = -1;
    Thread thread;

    RecordingHandler()
    {
        this(new AtomicInteger());
    }

    RecordingHandler(final AtomicInteger completionOrder)
    {
        this.completionOrder = completionOrder;
    }

    @Override
    public void onResponse(final short version, final ProtocolReader body)
    {
        record();
        this.version = version;
        this.body = body;
    }

    @Override
    public void onFailure(final OspreyException failure)
    {
        record();
        this.failure = failure;
    }

    private void record()
    {
        calls++;
        order = completionOrder.getAndIncrement();
        thread = Thread.currentThread();
    }

    boolean done()
    {
        return calls > 0;
    }

    int calls()
    {
        return calls;
    }

    boolean succeeded()
    {
        return calls > 0 && failure == null;
    }

    MetadataResponse metadata()
    {
        return MetadataResponse.read(body, version);
    }
}
