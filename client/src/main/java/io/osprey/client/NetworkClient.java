package io.osprey.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.jctools.queues.atomic.MpscAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.DisconnectException;
import io.osprey.common.errors.RequestTimeoutException;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolException;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ResponseHeader;

/**
 * The client side of the Kafka protocol over non-blocking sockets: one connection per node,
 * requests pipelined on it up to a max in flight, responses matched to requests in order, and
 * the connection lifecycle (connect, ApiVersions, ready, backoff, idle close) run by
 * {@link #poll}. Osprey's producer, consumer and admin client each own one.
 *
 * <h2>Threading</h2>
 * Not thread-safe. One I/O thread owns it (the producer's sender, the consumer's fetcher, the
 * admin thread): it calls {@link #send}, {@link #poll} and the rest, and every handler runs on
 * it during {@code poll}. The owner is fixed by the first {@code send} or {@code poll} and
 * checked on each. Other threads may only call {@link #wakeup} (to cut a blocking poll short
 * after queueing work of their own) and {@link #execute} (to run a command on the I/O thread).
 * {@link #close} is called by the owner, or by anyone once the owner has stopped.
 *
 * <h2>Protocol</h2>
 * <ol>
 * <li>Connect without blocking, within {@code socket.connection.setup.timeout.ms} (doubling per
 * consecutive failure up to its max, 20% jitter). Every address the host resolves to is tried
 * in turn ({@code client.dns.lookup=use_all_dns_ips}).</li>
 * <li>Send ApiVersions at the newest version Osprey knows. A broker that does not know it answers
 * UNSUPPORTED_VERSION in the v0 layout with its own range; the client retries at the highest
 * version both know, on the same connection.</li>
 * <li>READY: each request is encoded at the highest version both the broker and Osprey's codec
 * support (capped by the caller), only when it is about to be written, and up to
 * {@code maxInFlightRequestsPerConnection} are in flight.</li>
 * <li>Any error closes the connection and fails every request on it, sent or queued, with
 * {@link DisconnectException}; a request without a response within its timeout fails with
 * {@link RequestTimeoutException} and also closes the connection, because the responses after
 * it could no longer be matched. The next connect waits {@code reconnect.backoff.ms} doubling
 * per consecutive failure up to {@code reconnect.backoff.max.ms}, with 20% jitter.</li>
 * <li>A connection with nothing in flight for {@code connections.max.idle.ms} is closed.</li>
 * </ol>
 * Requests sent to a node that is not READY wait in its queue (bounded by
 * {@link ClientLimits#QUEUED_REQUESTS_PER_NODE_MAX}) and start the connection; their timeout
 * runs from {@code send}, so {@code request.timeout.ms} bounds the whole wait.
 *
 * <h2>Nodes</h2>
 * Bootstrap servers are nodes -1, -2, ... ({@link #bootstrapNodes}); brokers learnt from
 * {@link Metadata} use their real ids. {@link #leastLoadedNode} picks where to send metadata and
 * admin requests.
 */
public final class NetworkClient implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NetworkClient.class);

    private static final String CLIENT_SOFTWARE_VERSION = softwareVersion();

    private final String clientId;
    private final int maxInFlight;
    private final long requestTimeoutMs;
    private final long connectionsMaxIdleMs;
    private final int sendBufferBytes;
    private final int receiveBufferBytes;
    private final boolean rebootstrap;
    private final ExponentialBackoff reconnectBackoff;
    private final ExponentialBackoff setupTimeout;
    private final List<Node> bootstrapNodes;
    private final Metadata metadata;
    private final ClientClock clock;
    private final Random random;
    private final Selector selector;

    private final Map<Integer, Connection> connections = new HashMap<>();
    private final Map<Integer, Node> addedNodes = new HashMap<>();
    private final Completions completions = new Completions();
    private final List<ClientRequest> written = new ArrayList<>();
    private final ByteBuffer[] gather = new ByteBuffer[ClientLimits.GATHER_BUFFERS_MAX];
    private final MpscAtomicArrayQueue<Runnable> commands = new MpscAtomicArrayQueue<>(ClientLimits.COMMANDS_MAX);

    private int nextCorrelationId;
    private Thread owner;
    private boolean closed;

    /** A client with its own {@link Metadata}, the system clock and an unseeded random. */
    public NetworkClient(final ClientConfig config, final String clientId, final int maxInFlightRequestsPerConnection)
    {
        this(config, clientId, maxInFlightRequestsPerConnection, new Metadata(config), ClientClock.SYSTEM, new Random());
    }

    /**
     * @param config                           parsed against a definition that includes the common keys
     * @param clientId                         sent in every request header (the producer makes one up when
     *                                         {@code client.id} is empty)
     * @param maxInFlightRequestsPerConnection requests written but unanswered per connection (the producer's
     *                                         {@code max.in.flight.requests.per.connection}, default 5)
     * @param metadata                         where the addresses of real node ids come from; the client asks it
     *                                         to wake this client when someone requests an update
     * @param clock                            read once per poll; the same clock callers use for {@code nowMs}
     * @param random                           the backoff jitter and the least-loaded tie break (seed it in tests)
     */
    public NetworkClient(final ClientConfig config, final String clientId, final int maxInFlightRequestsPerConnection,
        final Metadata metadata, final ClientClock clock, final Random random)
    {
        if (maxInFlightRequestsPerConnection < 1)
        {
            throw new IllegalArgumentException("maxInFlightRequestsPerConnection must be at least 1, not " + maxInFlightRequestsPerConnection);
        }
        this.clientId = clientId;
        this.maxInFlight = maxInFlightRequestsPerConnection;
        this.requestTimeoutMs = config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
        this.connectionsMaxIdleMs = config.getLong(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG);
        this.sendBufferBytes = config.getInt(CommonClientConfigs.SEND_BUFFER_CONFIG);
        this.receiveBufferBytes = config.getInt(CommonClientConfigs.RECEIVE_BUFFER_CONFIG);
        this.rebootstrap = CommonClientConfigs.METADATA_RECOVERY_REBOOTSTRAP.equals(
            config.getString(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG).toLowerCase(Locale.ROOT));
        this.reconnectBackoff = ExponentialBackoff.doubling(config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG),
            config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG));
        this.setupTimeout = ExponentialBackoff.doubling(config.getLong(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG),
            config.getLong(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG));
        this.bootstrapNodes = BootstrapServers.resolve(config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG),
            config.getString(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG));
        this.metadata = metadata;
        this.clock = clock;
        this.random = random;
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("Cannot open a selector", e);
        }
        // The selector, not this, escapes: a user thread's requestUpdate() wakes a blocked poll.
        final Selector wakeable = selector;
        metadata.onUpdateRequested(wakeable::wakeup);
    }

    // ---- Sending -------------------------------------------------------------------------------

    /** Sends {@code request} at the highest version both sides support; the handler gets the response. */
    public void send(final int nodeId, final ApiKey api, final Message request, final ResponseHandler handler)
    {
        send(nodeId, api, api.latest, version -> request, requestTimeoutMs, handler);
    }

    /** As {@link #send(int, ApiKey, Message, ResponseHandler)}, at no more than {@code maxVersion}. */
    public void send(final int nodeId, final ApiKey api, final short maxVersion, final Message request, final ResponseHandler handler)
    {
        send(nodeId, api, maxVersion, version -> request, requestTimeoutMs, handler);
    }

    /**
     * Queues a request for {@code nodeId}, to be written when its connection is READY and has an
     * in-flight slot (connecting first if need be). The version is the highest in
     * {@code [max(api.oldest, broker min), min(api.latest, broker max, maxVersion)]}; the body is
     * built for it then. Every outcome reaches {@code handler} during a later {@link #poll}.
     *
     * @param timeoutMs how long from now the request may take, queueing included, before it fails
     *                  with {@link RequestTimeoutException} ({@code request.timeout.ms} in the other overloads)
     */
    public void send(final int nodeId, final ApiKey api, final short maxVersion, final RequestBuilder builder, final long timeoutMs,
        final ResponseHandler handler)
    {
        enqueue(nodeId, api, maxVersion, builder, timeoutMs, true, handler);
    }

    /**
     * Sends a request the broker will not answer (Produce with acks=0). The handler's
     * {@code onResponse(version, null)} is called once the request is written to the socket,
     * which is all the broker will ever confirm; failures are reported as for {@link #send}.
     */
    public void sendNoResponse(final int nodeId, final ApiKey api, final Message request, final ResponseHandler handler)
    {
        enqueue(nodeId, api, api.latest, version -> request, requestTimeoutMs, false, handler);
    }

    /** As {@link #sendNoResponse(int, ApiKey, Message, ResponseHandler)} with a version cap and a version-aware body. */
    public void sendNoResponse(final int nodeId, final ApiKey api, final short maxVersion, final RequestBuilder builder,
        final ResponseHandler handler)
    {
        enqueue(nodeId, api, maxVersion, builder, requestTimeoutMs, false, handler);
    }

    private void enqueue(final int nodeId, final ApiKey api, final short maxVersion, final RequestBuilder builder, final long timeoutMs,
        final boolean expectResponse, final ResponseHandler handler)
    {
        checkOwner();
        if (closed)
        {
            throw new IllegalStateException("NetworkClient is closed");
        }
        final long nowMs = clock.nowMs();
        final ClientRequest request = new ClientRequest(nodeId, api, maxVersion, builder, handler, expectResponse, nowMs, timeoutMs, false);
        final Connection connection = connection(nodeId);
        if (connection == null)
        {
            completions.fail(request, new DisconnectException("Cannot send " + api + " to node " + nodeId
                + ": it is neither a bootstrap server nor a broker in the current metadata"));
            return;
        }
        if (connection.queued.size() >= ClientLimits.QUEUED_REQUESTS_PER_NODE_MAX)
        {
            completions.fail(request, new OspreyException(ErrorCode.NETWORK_EXCEPTION, "Cannot send " + api + " to " + connection.node + ": "
                + ClientLimits.QUEUED_REQUESTS_PER_NODE_MAX + " requests are already queued for it (" + connection.state + ")"));
            return;
        }
        connection.queued.addLast(request);
        connection.queuedDeadlineMs = Math.min(connection.queuedDeadlineMs, request.deadlineMs);
    }

    // ---- Connection state ----------------------------------------------------------------------

    /**
     * Whether a request to {@code nodeId} would be written at once (READY with a free in-flight
     * slot); if the node is disconnected and out of backoff, starts connecting to it.
     */
    public boolean ready(final int nodeId, final long nowMs)
    {
        final Connection connection = connection(nodeId);
        if (connection == null)
        {
            return false;
        }
        if (connection.state == ConnectionState.DISCONNECTED && nowMs >= connection.reconnectAtMs)
        {
            connect(connection, nowMs);
        }
        return canSend(connection);
    }

    /** Whether a request to {@code nodeId} would be written at once: READY with a free in-flight slot. */
    public boolean isReady(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        return connection != null && canSend(connection);
    }

    private boolean canSend(final Connection connection)
    {
        return connection.state == ConnectionState.READY && connection.inFlight() + connection.queued.size() < maxInFlight;
    }

    /** The state of the connection to {@code nodeId}; DISCONNECTED for a node never addressed. */
    public ConnectionState connectionState(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        return connection == null ? ConnectionState.DISCONNECTED : connection.state;
    }

    /** Whether the last attempt to reach {@code nodeId} failed and it is in reconnect backoff. */
    public boolean connectionFailed(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        return connection != null && connection.state == ConnectionState.DISCONNECTED && connection.failedAttempts > 0;
    }

    /**
     * How long until a connect to {@code nodeId} may start: the rest of the reconnect backoff when
     * disconnected, 0 when it may start now, {@link Long#MAX_VALUE} while connecting or connected
     * (I/O, not time, decides what happens next).
     */
    public long connectionDelayMs(final int nodeId, final long nowMs)
    {
        final Connection connection = connections.get(nodeId);
        if (connection == null)
        {
            return 0;
        }
        return connection.state == ConnectionState.DISCONNECTED ? Math.max(0, connection.reconnectAtMs - nowMs) : Long.MAX_VALUE;
    }

    /** The versions {@code nodeId} advertised, or {@code null} until its connection is READY. */
    public NodeApiVersions apiVersions(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        return connection == null ? null : connection.apiVersions;
    }

    /** Requests written to {@code nodeId} (or being written) and not yet answered. */
    public int inFlightRequestCount(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        return connection == null ? 0 : connection.inFlight();
    }

    /** Requests queued for {@code nodeId}, waiting for its connection or an in-flight slot. */
    public int queuedRequestCount(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        return connection == null ? 0 : connection.queued.size();
    }

    /** Whether any request, queued or in flight, still waits for its outcome (for a graceful shutdown). */
    public boolean hasPendingRequests()
    {
        if (!completions.isEmpty())
        {
            return true;
        }
        for (final Connection connection : connections.values())
        {
            if (connection.hasRequests())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the connection to {@code nodeId} (if any), failing its requests with
     * {@link DisconnectException}, and applies the reconnect backoff: for a caller that learnt the
     * connection is bad some other way.
     */
    public void disconnect(final int nodeId)
    {
        final Connection connection = connections.get(nodeId);
        if (connection != null && (connection.state != ConnectionState.DISCONNECTED || connection.hasRequests()))
        {
            disconnect(connection, "closed by the client", clock.nowMs());
        }
    }

    // ---- Nodes -----------------------------------------------------------------------------------

    /** The bootstrap servers as nodes -1, -2, ..., in configuration order. */
    public List<Node> bootstrapNodes()
    {
        return bootstrapNodes;
    }

    /**
     * The node for an id: a bootstrap server for a negative id, a node added with
     * {@link #addNode}, else the broker in the metadata; null when unknown.
     */
    public Node node(final int nodeId)
    {
        if (nodeId < 0)
        {
            final int index = -nodeId - 1;
            return index < bootstrapNodes.size() ? bootstrapNodes.get(index) : null;
        }
        final Node added = addedNodes.get(nodeId);
        return added != null ? added : metadata.node(nodeId);
    }

    /**
     * I/O thread: makes {@code node} reachable under its id although the metadata does not name
     * it, for a separate connection to a broker that is already known under its own id (a
     * consumer's group coordinator, as Kafka's {@code Integer.MAX_VALUE - nodeId}, so that a
     * JoinGroup held by the broker does not hold up fetches). Re-adding an id with another
     * address closes the old connection.
     */
    public void addNode(final Node node)
    {
        checkOwner();
        final Node previous = addedNodes.put(node.id(), node);
        if (previous != null && !previous.equals(node))
        {
            final Connection stale = connections.remove(node.id());
            if (stale != null)
            {
                disconnect(stale, "the node moved to " + node.address(), clock.nowMs());
            }
        }
    }

    /** {@link #leastLoadedNode(long)} at this client's clock's now. */
    public Node leastLoadedNode()
    {
        return leastLoadedNode(clock.nowMs());
    }

    /**
     * The node to send a request to when any broker will do (metadata, admin): the READY one
     * with the fewest requests queued or in flight and a free slot; else one already connecting;
     * else one that may be connected to now. Candidates are the brokers in the metadata, or the
     * bootstrap servers before there is any (and, with {@code metadata.recovery.strategy=rebootstrap},
     * when no known broker is usable). The scan starts at a random node so that clients spread
     * their load. {@code null} when every node is in reconnect backoff.
     */
    public Node leastLoadedNode(final long nowMs)
    {
        final Collection<Node> known = metadata.nodes();
        final Node found = leastLoaded(known.isEmpty() ? bootstrapNodes : new ArrayList<>(known), nowMs);
        if (found == null && rebootstrap && !known.isEmpty())
        {
            return leastLoaded(bootstrapNodes, nowMs);
        }
        return found;
    }

    private Node leastLoaded(final List<Node> candidates, final long nowMs)
    {
        return NodeSelector.leastLoaded(candidates, connections, maxInFlight, nowMs, random);
    }

    /** The metadata this client resolves node ids with. */
    public Metadata metadata()
    {
        return metadata;
    }

    /** {@code request.timeout.ms}: the timeout of requests sent without one of their own. */
    public long requestTimeoutMs()
    {
        return requestTimeoutMs;
    }

    /** The clock this client reads; pass its {@code nowMs()} to {@link #ready} and {@link #leastLoadedNode}. */
    public ClientClock clock()
    {
        return clock;
    }

    // ---- Cross-thread --------------------------------------------------------------------------

    /** Cuts a blocking {@link #poll} short. Any thread. */
    public void wakeup()
    {
        selector.wakeup();
    }

    /**
     * Runs {@code command} on the I/O thread at the start of its next poll, and wakes it. Any
     * thread. The queue is a bounded lock-free MPSC ring ({@link ClientLimits#COMMANDS_MAX}).
     *
     * @return false when the queue is full (the command will not run)
     */
    public boolean execute(final Runnable command)
    {
        final boolean offered = commands.offer(command);
        if (offered)
        {
            selector.wakeup();
        }
        return offered;
    }

    // ---- The I/O loop --------------------------------------------------------------------------

    /**
     * Does all the I/O: runs queued commands, starts connects, writes queued requests, waits up
     * to {@code timeoutMs} (less if a deadline comes sooner, 0 if work is already waiting) for
     * the sockets, reads and matches responses, expires requests and connections, then calls the
     * handlers of everything that finished.
     */
    public void poll(final long timeoutMs)
    {
        checkOwner();
        if (closed)
        {
            throw new IllegalStateException("NetworkClient is closed");
        }
        runCommands();
        long nowMs = clock.nowMs();
        service(nowMs);
        final boolean workWaiting = !completions.isEmpty() || !commands.isEmpty();
        select(workWaiting ? 0 : Math.min(Math.max(0, timeoutMs), timeUntilNextDeadline(nowMs)));
        nowMs = clock.nowMs();
        handleSelectedKeys(nowMs);
        service(nowMs);
        completions.deliver();
    }

    private void runCommands()
    {
        for (int i = 0; i < ClientLimits.COMMANDS_PER_POLL_MAX; i++)
        {
            final Runnable command = commands.poll();
            if (command == null)
            {
                return;
            }
            try
            {
                command.run();
            }
            catch (final RuntimeException e)
            {
                LOG.error("Command run on the client's I/O thread threw; the exception is dropped", e);
            }
        }
    }

    /** One pass over every connection: timeouts, connects, idle closes, queued requests to the socket. */
    private void service(final long nowMs)
    {
        for (final Connection connection : connections.values())
        {
            final ClientRequest expired = connection.firstExpiredInFlight(nowMs);
            if (expired != null)
            {
                // Later responses on this connection could no longer be matched: it has to go.
                disconnect(connection, expired + " got no response within " + expired.timeoutMs + " ms", nowMs);
            }
            connection.expireQueued(nowMs, completions);
            switch (connection.state)
            {
                case DISCONNECTED:
                    if (!connection.queued.isEmpty() && nowMs >= connection.reconnectAtMs)
                    {
                        connect(connection, nowMs);
                    }
                    break;
                case CONNECTING:
                    if (nowMs >= connection.connectDeadlineMs)
                    {
                        disconnect(connection, "connection setup timed out after "
                            + (connection.connectDeadlineMs - connection.lastActivityMs) + " ms", nowMs);
                    }
                    break;
                case READY:
                    if (!connection.hasRequests() && nowMs - connection.lastActivityMs >= connectionsMaxIdleMs)
                    {
                        closeIdle(connection, nowMs);
                    }
                    else
                    {
                        writeQueued(connection, nowMs);
                    }
                    break;
                case CHECKING_API_VERSIONS:
                default:
                    break;
            }
        }
    }

    private long timeUntilNextDeadline(final long nowMs)
    {
        long next = Long.MAX_VALUE;
        for (final Connection connection : connections.values())
        {
            next = Math.min(next, connection.nextDeadlineMs(connectionsMaxIdleMs));
        }
        return next == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, next - nowMs);
    }

    private void select(final long timeoutMs)
    {
        try
        {
            if (timeoutMs <= 0)
            {
                selector.selectNow();
            }
            else
            {
                selector.select(timeoutMs);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("Selector failed", e);
        }
    }

    private void handleSelectedKeys(final long nowMs)
    {
        final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext())
        {
            final SelectionKey key = keys.next();
            keys.remove();
            final Connection connection = (Connection)key.attachment();
            // A key of a socket closed earlier in this pass is stale: its connection may have moved on.
            if (!key.isValid() || key != connection.key)
            {
                continue;
            }
            final int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0)
            {
                finishConnect(connection, nowMs);
            }
            if ((ready & SelectionKey.OP_READ) != 0 && connection.key == key)
            {
                read(connection, nowMs);
            }
            if ((ready & SelectionKey.OP_WRITE) != 0 && connection.key == key)
            {
                flush(connection, nowMs);
            }
        }
    }

    // ---- Connecting and ApiVersions ----------------------------------------------------------------

    private void connect(final Connection connection, final long nowMs)
    {
        final Node current = node(connection.nodeId);
        if (current == null)
        {
            completions.failAll(connection, "node " + connection.nodeId + " is no longer in the cluster metadata", nowMs);
            return;
        }
        connection.moveTo(current);
        connection.state = ConnectionState.CONNECTING;
        connection.lastActivityMs = nowMs;
        connection.connectDeadlineMs = nowMs + setupTimeout.backoffMs(connection.failedAttempts, random);
        try
        {
            final InetSocketAddress address = new InetSocketAddress(connection.nextAddress(), current.port());
            LOG.debug("Connecting to {} at {}", current, address);
            if (connection.open(selector, address, sendBufferBytes, receiveBufferBytes))
            {
                onConnected(connection, nowMs);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            disconnect(connection, "cannot connect: " + e, nowMs);
        }
    }

    private void finishConnect(final Connection connection, final long nowMs)
    {
        try
        {
            if (connection.channel.finishConnect())
            {
                onConnected(connection, nowMs);
            }
        }
        catch (final IOException e)
        {
            disconnect(connection, "cannot connect: " + e.getMessage(), nowMs);
        }
    }

    private void onConnected(final Connection connection, final long nowMs)
    {
        connection.state = ConnectionState.CHECKING_API_VERSIONS;
        connection.lastActivityMs = nowMs;
        connection.key.interestOps(SelectionKey.OP_READ);
        sendApiVersions(connection, ApiVersionsHandshake.firstVersion(), nowMs);
    }

    /** Writes ApiVersions at {@code version}; nothing else is in flight yet. Its response is handled inline. */
    private void sendApiVersions(final Connection connection, final short version, final long nowMs)
    {
        final ClientRequest request = new ClientRequest(connection.nodeId, ApiKey.API_VERSIONS, version,
            ApiVersionsHandshake.request(CLIENT_SOFTWARE_VERSION), null, true, nowMs, requestTimeoutMs, true);
        request.encode(version, nextCorrelationId(), clientId);
        connection.writing.addLast(request);
        flush(connection, nowMs);
    }

    private void onApiVersionsResponse(final Connection connection, final ClientRequest request, final ByteBuffer body, final long nowMs)
    {
        final ApiVersionsHandshake.Step step;
        try
        {
            step = ApiVersionsHandshake.onResponse(request.version, body);
        }
        catch (final ProtocolException e)
        {
            disconnect(connection, "malformed ApiVersions v" + request.version + " response: " + e.getMessage(), nowMs);
            return;
        }
        if (step.failure() != null)
        {
            disconnect(connection, step.failure(), nowMs);
        }
        else if (step.ready() == null)
        {
            LOG.debug("{} does not support ApiVersions v{}; retrying with v{}", connection.node, request.version, step.retryVersion());
            sendApiVersions(connection, step.retryVersion(), nowMs);
        }
        else
        {
            connection.apiVersions = step.ready();
            connection.state = ConnectionState.READY;
            connection.failedAttempts = 0;
            LOG.debug("Connected to {} with ApiVersions v{}: {}", connection.node, request.version, connection.apiVersions);
            writeQueued(connection, nowMs);
        }
    }

    // ---- Writing ---------------------------------------------------------------------------------

    /** Moves queued requests into free in-flight slots, encoding each at its version, then writes. */
    private void writeQueued(final Connection connection, final long nowMs)
    {
        boolean added = false;
        while (connection.state == ConnectionState.READY && connection.inFlight() < maxInFlight && !connection.queued.isEmpty())
        {
            final ClientRequest request = connection.queued.pollFirst();
            final short version = connection.apiVersions.latestUsableVersion(request.api, request.maxVersion);
            if (version == NodeApiVersions.NO_VERSION)
            {
                completions.fail(request, new UnsupportedVersionException("Cannot send " + request.api + " to " + connection.node + ": "
                    + connection.apiVersions.describeMismatch(request.api, request.maxVersion)));
                continue;
            }
            try
            {
                request.encode(version, nextCorrelationId(), clientId);
            }
            catch (final OspreyException e)
            {
                completions.fail(request, e);
                continue;
            }
            catch (final RuntimeException e)
            {
                completions.fail(request, new OspreyException(ErrorCode.INVALID_REQUEST, "Cannot encode " + request.api + " v" + version
                    + ": " + e, e));
                continue;
            }
            connection.writing.addLast(request);
            added = true;
        }
        if (connection.queued.isEmpty())
        {
            connection.queuedDeadlineMs = Long.MAX_VALUE;
        }
        if (added)
        {
            flush(connection, nowMs);
        }
    }

    /** Writes what the socket takes; fully written requests await their response or, without one, complete. */
    private void flush(final Connection connection, final long nowMs)
    {
        IOException failure = null;
        try
        {
            if (connection.write(gather, written) > 0)
            {
                connection.lastActivityMs = nowMs;
            }
        }
        catch (final IOException e)
        {
            // Requests written whole before the failure still count as sent: they await (and are
            // then failed by the disconnect, in order) or, without a response, are complete.
            failure = e;
        }
        for (final ClientRequest request : written)
        {
            if (request.expectResponse)
            {
                connection.awaiting.addLast(request);
            }
            else
            {
                completions.succeed(request, null);
            }
        }
        written.clear();
        if (failure != null)
        {
            disconnect(connection, "write failed: " + failure.getMessage(), nowMs);
            return;
        }
        connection.updateInterest();
    }

    // ---- Reading ---------------------------------------------------------------------------------

    private void read(final Connection connection, final long nowMs)
    {
        for (int i = 0; i < ClientLimits.FRAMES_PER_READ_MAX; i++)
        {
            final ByteBuffer frame;
            try
            {
                frame = connection.reader.read(connection.channel);
            }
            catch (final IOException e)
            {
                disconnect(connection, e.getMessage(), nowMs);
                return;
            }
            if (frame == null)
            {
                return;
            }
            connection.lastActivityMs = nowMs;
            onFrame(connection, frame, nowMs);
            if (connection.state == ConnectionState.DISCONNECTED)
            {
                return;
            }
        }
    }

    /** Matches a response to the oldest request awaiting one: brokers answer a connection in order. */
    private void onFrame(final Connection connection, final ByteBuffer frame, final long nowMs)
    {
        final ClientRequest request = connection.awaiting.pollFirst();
        if (request == null)
        {
            disconnect(connection, "received a response with no request awaiting one", nowMs);
            return;
        }
        final int correlationId;
        try
        {
            correlationId = ResponseHeader.read(new ProtocolReader(frame, false), request.api.responseHeaderVersion(request.version));
        }
        catch (final ProtocolException e)
        {
            connection.awaiting.addFirst(request);
            disconnect(connection, "malformed response header for " + request + ": " + e.getMessage(), nowMs);
            return;
        }
        if (correlationId != request.correlationId)
        {
            connection.awaiting.addFirst(request);
            disconnect(connection, "response correlation id " + correlationId + " does not match " + request
                + ", the oldest request in flight", nowMs);
            return;
        }
        if (request.internal)
        {
            onApiVersionsResponse(connection, request, frame, nowMs);
            return;
        }
        completions.succeed(request, new ProtocolReader(frame, request.api.isFlexible(request.version)));
    }

    // ---- Closing connections -----------------------------------------------------------------------

    /**
     * Closes the connection and fails every request on it, in flight or queued. The next connect
     * waits for the reconnect backoff of this many consecutive failures; a failed connect also
     * moves on to the host's next address.
     */
    private void disconnect(final Connection connection, final String reason, final long nowMs)
    {
        final ConnectionState was = connection.state;
        connection.closeChannel();
        connection.state = ConnectionState.DISCONNECTED;
        if (was == ConnectionState.CONNECTING)
        {
            connection.onConnectFailed();
        }
        connection.failedAttempts++;
        connection.reconnectAtMs = nowMs + reconnectBackoff.backoffMs(connection.failedAttempts - 1, random);
        if (was == ConnectionState.READY)
        {
            LOG.info("Disconnected from {}: {}", connection.node, reason);
        }
        else
        {
            LOG.debug("Connection to {} failed while {}: {}", connection.node, was, reason);
        }
        completions.failAll(connection, reason, nowMs);
    }

    /** Idle for connections.max.idle.ms: closed quietly, with no backoff, since nothing went wrong. */
    private void closeIdle(final Connection connection, final long nowMs)
    {
        LOG.debug("Closing idle connection to {}", connection.node);
        connection.closeChannel();
        connection.state = ConnectionState.DISCONNECTED;
        connection.reconnectAtMs = nowMs;
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private int nextCorrelationId()
    {
        final int id = nextCorrelationId;
        nextCorrelationId = (nextCorrelationId + 1) & Integer.MAX_VALUE;
        return id;
    }

    private Connection connection(final int nodeId)
    {
        Connection connection = connections.get(nodeId);
        if (connection == null)
        {
            final Node node = node(nodeId);
            if (node == null)
            {
                return null;
            }
            connection = new Connection(nodeId, node, ClientLimits.RESPONSE_BYTES_MAX);
            connections.put(nodeId, connection);
        }
        return connection;
    }

    private void checkOwner()
    {
        final Thread current = Thread.currentThread();
        if (owner == null)
        {
            owner = current;
        }
        else if (owner != current)
        {
            throw new IllegalStateException("NetworkClient " + clientId + " is owned by thread '" + owner.getName()
                + "' and was called from '" + current.getName() + "'; other threads may only call wakeup() and execute()");
        }
    }

    private static String softwareVersion()
    {
        final String version = NetworkClient.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version.replaceAll("[^a-zA-Z0-9.\\-]", "-");
    }

    /**
     * Closes every connection and fails every outstanding request with {@link DisconnectException}
     * (handlers run here, on the calling thread). Idempotent. Commands still queued do not run.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final long nowMs = clock.nowMs();
        for (final Connection connection : connections.values())
        {
            connection.closeChannel();
            connection.state = ConnectionState.DISCONNECTED;
            completions.failAll(connection, "the client was closed", nowMs);
        }
        completions.deliver();
        try
        {
            selector.close();
        }
        catch (final IOException e)
        {
            LOG.debug("Closing the selector failed", e);
        }
    }
}
