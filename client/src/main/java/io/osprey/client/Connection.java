package io.osprey.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import io.osprey.common.errors.RequestTimeoutException;

/**
 * The client's state for one node: the socket, the requests queued for it, those in flight in
 * order, the negotiated versions and the reconnect bookkeeping. Kept across disconnects (the
 * backoff lives here), so there is one per node the client ever addressed.
 * <p>
 * Requests move {@code queued -> writing -> awaiting}: {@code queued} wait for READY and a free
 * in-flight slot; {@code writing} are encoded and not yet wholly taken by the socket;
 * {@code awaiting} are written and wait for their response. Kafka brokers answer a connection's
 * requests in order, so the head of {@code awaiting} is the request the next response belongs to.
 * In flight = writing + awaiting, bounded by the client's max in-flight per connection.
 * <p>
 * Not thread-safe: owned by {@link NetworkClient} on its I/O thread.
 */
final class Connection
{
    final int nodeId;
    Node node;
    ConnectionState state = ConnectionState.DISCONNECTED;
    SocketChannel channel;
    SelectionKey key;
    final FrameReader reader;
    NodeApiVersions apiVersions;

    final ArrayDeque<ClientRequest> queued = new ArrayDeque<>();
    final ArrayDeque<ClientRequest> writing = new ArrayDeque<>();
    final ArrayDeque<ClientRequest> awaiting = new ArrayDeque<>();
    /** No queued request expires before this; lets the timeout scan skip the queue most polls. */
    long queuedDeadlineMs = Long.MAX_VALUE;

    long connectDeadlineMs;
    long lastActivityMs;
    long reconnectAtMs;
    /** Disconnects since the last READY: drives the reconnect backoff and the setup timeout. */
    int failedAttempts;

    private InetAddress[] addresses;
    private int addressIndex;

    Connection(final int nodeId, final Node node, final int maxResponseBytes)
    {
        this.nodeId = nodeId;
        this.node = node;
        this.reader = new FrameReader(maxResponseBytes);
    }

    int inFlight()
    {
        return writing.size() + awaiting.size();
    }

    boolean hasRequests()
    {
        return !queued.isEmpty() || !writing.isEmpty() || !awaiting.isEmpty();
    }

    /**
     * The address for the next connect attempt. With {@code client.dns.lookup=use_all_dns_ips}
     * each address the host resolves to is tried in turn ({@link #onConnectFailed} moves on);
     * the name is resolved again once all have been tried, so a changed DNS record is picked up.
     */
    InetAddress nextAddress() throws UnknownHostException
    {
        if (addresses == null || addressIndex >= addresses.length)
        {
            addresses = InetAddress.getAllByName(node.host());
            addressIndex = 0;
        }
        return addresses[addressIndex];
    }

    /** A connect attempt failed: the next one tries the host's next address. */
    void onConnectFailed()
    {
        addressIndex++;
    }

    /** The node's address changed in the metadata: forget resolved addresses. */
    void moveTo(final Node newNode)
    {
        if (!newNode.host().equals(node.host()) || newNode.port() != node.port())
        {
            addresses = null;
            addressIndex = 0;
        }
        node = newNode;
    }

    /**
     * Opens a non-blocking socket to {@code address} and starts connecting; on loopback the
     * connect may finish at once.
     *
     * @param sendBufferBytes    SO_SNDBUF, or -1 for the system default
     * @param receiveBufferBytes SO_RCVBUF, or -1 for the system default
     * @return whether the connection is already established (no OP_CONNECT will come)
     */
    boolean open(final Selector selector, final InetSocketAddress address, final int sendBufferBytes, final int receiveBufferBytes)
        throws IOException
    {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        // Requests are written whole in one gathering write: Nagle would only delay them.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (sendBufferBytes > 0)
        {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferBytes);
        }
        if (receiveBufferBytes > 0)
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        }
        final boolean connected = channel.connect(address);
        key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        return connected;
    }

    /** The oldest request in flight past its deadline, or null. */
    ClientRequest firstExpiredInFlight(final long nowMs)
    {
        final ClientRequest expired = firstExpired(writing, nowMs);
        return expired != null ? expired : firstExpired(awaiting, nowMs);
    }

    private static ClientRequest firstExpired(final ArrayDeque<ClientRequest> requests, final long nowMs)
    {
        for (final ClientRequest request : requests)
        {
            if (nowMs >= request.deadlineMs)
            {
                return request;
            }
        }
        return null;
    }

    /**
     * Fails queued requests past their deadline with {@link RequestTimeoutException}. Scans the
     * queue only when its earliest deadline has come, which most polls it has not.
     */
    void expireQueued(final long nowMs, final Completions completions)
    {
        if (nowMs < queuedDeadlineMs)
        {
            return;
        }
        long next = Long.MAX_VALUE;
        final Iterator<ClientRequest> it = queued.iterator();
        while (it.hasNext())
        {
            final ClientRequest request = it.next();
            if (nowMs >= request.deadlineMs)
            {
                it.remove();
                completions.fail(request, new RequestTimeoutException(request.api + " to " + node + " was not sent within "
                    + request.timeoutMs + " ms: the connection is " + state
                    + (failedAttempts > 0 ? " after " + failedAttempts + " failed attempt(s)" : "")));
            }
            else
            {
                next = Math.min(next, request.deadlineMs);
            }
        }
        queuedDeadlineMs = next;
    }

    /**
     * The earliest time something must happen on this connection without any I/O: a connect
     * or request deadline, the end of a backoff that queued requests wait for, the idle close.
     */
    long nextDeadlineMs(final long connectionsMaxIdleMs)
    {
        long next = queuedDeadlineMs;
        switch (state)
        {
            case DISCONNECTED:
                if (!queued.isEmpty())
                {
                    next = Math.min(next, reconnectAtMs);
                }
                break;
            case CONNECTING:
                next = Math.min(next, connectDeadlineMs);
                break;
            case READY:
                if (!hasRequests())
                {
                    final long idleAt = lastActivityMs + connectionsMaxIdleMs;
                    next = Math.min(next, idleAt < lastActivityMs ? Long.MAX_VALUE : idleAt);
                }
                break;
            case CHECKING_API_VERSIONS:
            default:
                break;
        }
        for (final ClientRequest request : writing)
        {
            next = Math.min(next, request.deadlineMs);
        }
        for (final ClientRequest request : awaiting)
        {
            next = Math.min(next, request.deadlineMs);
        }
        return next;
    }

    /**
     * Writes as much of {@code writing} as the socket takes in gathering writes, moving requests
     * written whole into {@code done} in order.
     *
     * @param gather scratch array for the buffers of one write; left cleared
     * @return bytes written
     */
    long write(final ByteBuffer[] gather, final List<ClientRequest> done) throws IOException
    {
        long total = 0;
        while (!writing.isEmpty())
        {
            int n = 0;
            for (final ClientRequest request : writing)
            {
                n = request.gather(gather, n);
                if (n == gather.length)
                {
                    break;
                }
            }
            long offered = 0;
            for (int i = 0; i < n; i++)
            {
                offered += gather[i].remaining();
            }
            final long written = channel.write(gather, 0, n);
            Arrays.fill(gather, 0, n, null);
            total += written;
            while (!writing.isEmpty() && writing.peekFirst().advanceWritten())
            {
                done.add(writing.pollFirst());
            }
            if (written < offered)
            {
                // The socket buffer is full: OP_WRITE tells us when to go on.
                break;
            }
        }
        return total;
    }

    /** Sets the selector interest: always read, write while bytes are waiting. */
    void updateInterest()
    {
        if (key != null && key.isValid())
        {
            final int ops = SelectionKey.OP_READ | (writing.isEmpty() ? 0 : SelectionKey.OP_WRITE);
            if (key.interestOps() != ops)
            {
                key.interestOps(ops);
            }
        }
    }

    /** Closes the socket quietly; the caller fails the requests and sets the state. */
    void closeChannel()
    {
        if (key != null)
        {
            key.cancel();
            key = null;
        }
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // Nothing to do: the socket is gone either way.
            }
            channel = null;
        }
        reader.reset();
        apiVersions = null;
    }
}
