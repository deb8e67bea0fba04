package io.osprey.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.osprey.common.OspreyException;
import io.osprey.common.errors.DisconnectException;
import io.osprey.common.errors.RequestTimeoutException;
import io.osprey.protocol.ProtocolReader;

/**
 * Requests that finished during one poll, waiting for their handlers. Handlers run at the end
 * of the poll rather than where the outcome is found (inside a read, a send or a disconnect),
 * so a handler that sends more requests or closes a connection never changes a connection the
 * poll is still working on, and {@code send} never calls a handler from inside itself.
 * <p>
 * Not thread-safe: owned by {@link NetworkClient} on its I/O thread.
 */
final class Completions
{
    private final List<ClientRequest> finished = new ArrayList<>();

    boolean isEmpty()
    {
        return finished.isEmpty();
    }

    void succeed(final ClientRequest request, final ProtocolReader body)
    {
        request.complete(body);
        finished.add(request);
    }

    void fail(final ClientRequest request, final OspreyException failure)
    {
        request.fail(failure);
        finished.add(request);
    }

    /**
     * Fails every request of a closed connection, in flight or queued: those past their deadline
     * with {@link RequestTimeoutException}, the rest with {@link DisconnectException} naming the
     * reason. The client's own ApiVersions request has no handler and is dropped.
     */
    void failAll(final Connection connection, final String reason, final long nowMs)
    {
        // Oldest first: requests awaiting a response were sent before those still being written.
        failEach(connection.awaiting, connection, reason, nowMs);
        failEach(connection.writing, connection, reason, nowMs);
        failEach(connection.queued, connection, reason, nowMs);
        connection.queuedDeadlineMs = Long.MAX_VALUE;
    }

    private void failEach(final ArrayDeque<ClientRequest> requests, final Connection connection, final String reason, final long nowMs)
    {
        ClientRequest request;
        while ((request = requests.pollFirst()) != null)
        {
            if (request.internal)
            {
                continue;
            }
            if (nowMs >= request.deadlineMs)
            {
                fail(request, new RequestTimeoutException(request + " to " + connection.node + " got no response within "
                    + request.timeoutMs + " ms; the connection was closed"));
            }
            else
            {
                fail(request, new DisconnectException(request + " to " + connection.node + " failed: " + reason));
            }
        }
    }

    /** Calls each handler once, in order; requests that handlers' own sends fail at once are delivered too. */
    void deliver()
    {
        for (int i = 0; i < finished.size(); i++)
        {
            finished.get(i).deliver();
        }
        finished.clear();
    }
}
