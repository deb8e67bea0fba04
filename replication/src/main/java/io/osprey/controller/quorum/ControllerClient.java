package io.osprey.controller.quorum;

import io.aeron.Aeron;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.osprey.common.ErrorCode;
import io.osprey.controller.Command;
import io.osprey.controller.ControllerConfig;
import io.osprey.controller.ControllerStateMachine;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.Response;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * What a broker (or a tool) uses to talk to the controller quorum: an Aeron Cluster client with
 * its own embedded media driver, or with the controller voter's driver when both run in one node.
 * <p>
 * Commands: {@link #submit} stamps the command with this client's id and the next sequence and
 * returns a future of the committed response. Commands go one at a time, in submission order
 * (broker heartbeats excepted: they go ahead of queued commands, so a lease is renewed in time):
 * the quorum deduplicates by the last sequence per client id, so a resend is only safe while
 * it is the newest command. An unanswered command is resent after a leader change, after a
 * reconnect, and every {@code resendIntervalMs}; the state machine answers a resend from its
 * dedup table. A command unanswered for {@code requestTimeoutMs} fails with a
 * {@link TimeoutException} (it may still have been applied).
 * <p>
 * Metadata: {@link #subscribe} starts the committed record stream after a given image
 * (usually {@link MetadataImage#EMPTY}). The quorum sends the whole image first unless the
 * subscriber is exactly up to date; on any gap (reconnect, a record lost in a leader change)
 * the client asks again and the listener gets a fresh {@link MetadataListener#onImage}.
 * <p>
 * Threads: one agent thread polls egress, sends keepalives, follows leader changes and
 * reconnects; a second thread runs every callback (future completions and listener calls) in
 * arrival order, so a slow callback never stalls polling. The callback queue is unbounded:
 * its rate is the metadata commit rate, which the quorum itself bounds. Public methods are
 * thread-safe.
 */
public final class ControllerClient implements AutoCloseable
{
    static
    {
        // Before any Aeron class: pauses longer than Aeron's 10 s liveness default must not kill the node.
        AeronDefaults.apply();
    }

    /** Submissions and subscriptions waiting for the agent: callers get an error beyond this. */
    static final int INBOX_CAPACITY = 1024;
    private static final long RECONNECT_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int PUBLICATION_TERM_BYTES = 1024 * 1024;
    /** The longest park of the client's threads, except a quiet client's while it is the process's quiet client. */
    private static final long IDLE_PARK_MAX_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * Client settings.
     *
     * @param clientId          dedup identity; must be unique per client incarnation (sequences restart at 1).
     * @param voters            the quorum, as {@code controller.quorum.voters}.
     * @param aeronDir          the media driver directory: this client's own (deleted on start and close), or
     *                          the running driver it shares (see {@code sharedDriver}).
     * @param egressHost        the address the controllers send responses and records to.
     * @param resendIntervalMs  resend an unanswered command this often.
     * @param requestTimeoutMs  fail a command unanswered for this long.
     * @param keepAliveIntervalMs keep the cluster session alive (its timeout is 10 s).
     * @param sharedDriver      true: {@code aeronDir} is a media driver already running in this process (the node's
     *                          controller voter's), which the client uses and leaves alone: one driver per node
     *                          instead of two, each of which costs a thread and its idle wakeups.
     * @param quietParkMaxMs    above 0: the client's threads idle with {@link QuietIdleStrategy} up to this long, in
     *                          step with the quorum of one voter running in this process (a submit wakes them and
     *                          the quorum's agents); 0: they poll every 1-10 ms, as a client of a remote quorum must.
     */
    public record Config(String clientId, List<Voter> voters, String aeronDir, String egressHost, long resendIntervalMs,
        long requestTimeoutMs, long keepAliveIntervalMs, boolean sharedDriver, long quietParkMaxMs)
    {
        public Config
        {
            Objects.requireNonNull(clientId, "clientId");
            voters = List.copyOf(voters);
        }

        /** A client that polls (not quiet). */
        public Config(final String clientId, final List<Voter> voters, final String aeronDir, final String egressHost,
            final long resendIntervalMs, final long requestTimeoutMs, final long keepAliveIntervalMs, final boolean sharedDriver)
        {
            this(clientId, voters, aeronDir, egressHost, resendIntervalMs, requestTimeoutMs, keepAliveIntervalMs, sharedDriver, 0);
        }

        /** A client with a media driver of its own at {@code aeronDir}. */
        public Config(final String clientId, final List<Voter> voters, final String aeronDir, final String egressHost,
            final long resendIntervalMs, final long requestTimeoutMs, final long keepAliveIntervalMs)
        {
            this(clientId, voters, aeronDir, egressHost, resendIntervalMs, requestTimeoutMs, keepAliveIntervalMs, false);
        }

        /** Defaults: unique client id and Aeron directory, loopback egress, 1 s resend and keepalive, 30 s timeout. */
        public static Config of(final String name, final String voters)
        {
            final String clientId = name + "-" + UUID.randomUUID();
            final String shm = new java.io.File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir");
            return new Config(clientId, Voter.parseList(voters), shm + "/osprey-client-" + clientId, "localhost", 1_000, 30_000, 1_000);
        }
    }

    private final Config config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker conductor;
    private final ExecutorService callbacks;
    private final ClientAgent agent;
    private final AgentRunner runner;
    private volatile int leaderMemberId = -1;
    private volatile boolean connected;
    private final AtomicBoolean quietRegistered = new AtomicBoolean();

    private ControllerClient(final Config config)
    {
        this.config = config;
        // An own driver (a broker-only node) parks from 1 ms: every small piece of driver work (status messages, keepalives)
        // restarted a ladder of spins and microsecond parks, 2% of a core on an idle broker. It keeps a thread of its own:
        // run in the agent's duty cycle instead (an invoker), it took 5 s longer to reach a new quorum leader after a
        // kill -9 in QuorumProcessTest (the cause was not found).
        this.driver = config.sharedDriver() ? null : MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(config.aeronDir())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idleStrategy())
            // Name resolution on the driver's thread: no executor agent polling for it (see ControllerNode).
            .asyncExecutorEnabled(false)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(PUBLICATION_TERM_BYTES)
            .ipcTermBufferLength(PUBLICATION_TERM_BYTES)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        try
        {
            // The client's conductor runs in the agent's duty cycle (an invoker) rather than on a thread of its own that
            // woke 63 times a second (Aeron's 16 ms sleep): only the agent thread uses this client.
            this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDir()).useConductorAgentInvoker(true));
            this.conductor = aeron.conductorAgentInvoker();
        }
        catch (final RuntimeException e)
        {
            CloseHelper.close(driver);
            throw e;
        }
        this.callbacks = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-controller-client-callbacks");
            t.setDaemon(true);
            return t;
        });
        this.agent = new ClientAgent();
        if (quiet())
        {
            QuietIdleStrategy.clientStarted();
            quietRegistered.set(true);
        }
        this.runner = new AgentRunner(idleStrategy(),
            e -> System.err.println("[controller client " + config.clientId() + "] " + e), null, agent);
        try
        {
            AgentRunner.startOnThread(runner);
        }
        catch (final RuntimeException e)
        {
            close();
            throw e;
        }
    }

    /** Starts the client; it connects to the quorum in the background and keeps reconnecting. */
    public static ControllerClient start(final Config config)
    {
        return new ControllerClient(config);
    }

    public String clientId()
    {
        return config.clientId();
    }

    /** The leader this client last heard of, or -1. */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }

    public boolean isConnected()
    {
        return connected;
    }

    /**
     * Sends {@code command} once every earlier one is answered. Its client id and sequence are
     * replaced by this client's; the future completes on the callback thread with the committed
     * response.
     */
    public Submission submit(final Command command)
    {
        final Pending pending = new Pending(command, new Submission());
        if (!agent.inbox.offer(pending))
        {
            pending.future.completeExceptionally(new IllegalStateException(
                "controller client " + config.clientId() + " has " + INBOX_CAPACITY + " commands waiting"));
        }
        unparkIfQuiet();
        return pending.future;
    }

    /** Streams committed records after {@code from} to {@code listener}; replaces any earlier subscription. */
    public void subscribe(final MetadataImage from, final MetadataListener listener)
    {
        final Subscription s = new Subscription(Objects.requireNonNull(from, "from"), Objects.requireNonNull(listener, "listener"));
        while (!agent.inbox.offer(s))
        {
            unparkIfQuiet();
            Thread.onSpinWait();
        }
        unparkIfQuiet();
    }

    private boolean quiet()
    {
        return config.quietParkMaxMs() > 0;
    }

    /** A quiet client's agent sleeps long: work handed to it wakes it, and it wakes the quorum's agents when it sends. */
    private void unparkIfQuiet()
    {
        final Thread t = runner.thread();
        if (quiet() && t != null)
        {
            LockSupport.unpark(t);
        }
    }

    /**
     * Quiet (see {@link Config#quietParkMaxMs}), or parks from 1 ms up to 10 ms when idle: controller traffic is a few
     * messages a second.
     */
    private IdleStrategy idleStrategy()
    {
        return quiet() ? new QuietIdleStrategy(TimeUnit.MILLISECONDS.toNanos(config.quietParkMaxMs()), IDLE_PARK_MAX_NS)
            : new BackoffIdleStrategy(1, 1, TimeUnit.MILLISECONDS.toNanos(1), IDLE_PARK_MAX_NS);
    }

    @Override
    public void close()
    {
        // No longer a quiet client: the quiet threads' ladders stop at the fallback again (10 ms here), which bounds how
        // long closing the runner waits for this agent's park.
        if (quietRegistered.compareAndSet(true, false))
        {
            QuietIdleStrategy.clientClosed();
        }
        CloseHelper.closeAll(runner, aeron, driver);
        callbacks.shutdown();
    }

    /**
     * The future of a submitted command. It completes on the callback thread, which may be busy
     * with earlier callbacks; {@link #settled()} tells already, from the polling thread, that the
     * outcome is known: the committed response arrived (the command reached the quorum), or
     * the command failed or timed out.
     */
    public static final class Submission extends CompletableFuture<Response>
    {
        private volatile boolean settled;

        /** True once the outcome is known, even if the future has not completed yet. */
        public boolean settled()
        {
            return settled || isDone();
        }
    }

    private record Pending(Command command, Submission future)
    {
    }

    private record Subscription(MetadataImage from, MetadataListener listener)
    {
    }

    /** Owns the cluster connection; every field is touched by the agent thread only. */
    private final class ClientAgent implements Agent, EgressListener
    {
        private final ManyToOneConcurrentArrayQueue<Object> inbox = new ManyToOneConcurrentArrayQueue<>(INBOX_CAPACITY);
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private final MessageEncoder encoder = new MessageEncoder();
        private final WireReader reader = new WireReader();
        private final ImageAssembler assembler = new ImageAssembler();
        private AeronCluster cluster;
        private AeronCluster.AsyncConnect connecting;
        private long nextConnectNs;
        private long lastKeepAliveNs;
        private long nextSequence = 1;
        private Pending inFlight;
        private long inFlightSequence;
        private long inFlightStartNs;
        private long inFlightSentNs;
        private boolean inFlightNeedsSend;
        private MetadataListener listener;
        private ControllerStateMachine follower;
        private boolean subscribeNeeded;
        private long subscribeSentNs;

        @Override
        public String roleName()
        {
            return "osprey-controller-client";
        }

        @Override
        public int doWork()
        {
            final long nowNs = System.nanoTime();
            // The conductor first, so what it makes available is polled in the same cycle. Its own work (timer checks,
            // keepalives) is not counted: it would keep the idle ladder at its bottom.
            conductor.invoke();
            int work = drainInbox();
            int sent = 0;
            work += maybeConnect(nowNs);
            if (cluster != null)
            {
                work += cluster.pollEgress();
                if (cluster.isClosed())
                {
                    onDisconnected(nowNs);
                    return work + 1;
                }
                // Subscribe first: a command sent ahead of the subscription would commit records
                // this session is not yet subscribed to, and cost a whole image to catch up.
                sent += maybeSubscribe(nowNs);
                if (!subscribeDue(nowNs))
                {
                    sent += maybeSendCommand(nowNs);
                }
                if (nowNs - lastKeepAliveNs >= TimeUnit.MILLISECONDS.toNanos(config.keepAliveIntervalMs()) && cluster.sendKeepAlive())
                {
                    lastKeepAliveNs = nowNs;
                }
            }
            work += maybeTimeOut(nowNs);
            if (quiet() && (sent > 0 || connecting != null))
            {
                // Something went to the quorum (a command, a subscription, a connect step): start every quiet
                // thread's ladder again so the hops that follow run within a millisecond or two.
                QuietIdleStrategy.wakeAll();
            }
            return work + sent;
        }

        @Override
        public void onClose()
        {
            CloseHelper.quietCloseAll(connecting, cluster);
            connected = false;
            final IllegalStateException closed = new IllegalStateException("controller client " + config.clientId() + " closed");
            if (inFlight != null)
            {
                inFlight.future.completeExceptionally(closed);
            }
            for (final Pending p : waiting)
            {
                p.future.completeExceptionally(closed);
            }
            Object o;
            while ((o = inbox.poll()) != null)
            {
                if (o instanceof Pending p)
                {
                    p.future.completeExceptionally(closed);
                }
            }
        }

        private int drainInbox()
        {
            int work = 0;
            Object o;
            while (work < INBOX_CAPACITY && (o = inbox.poll()) != null)
            {
                work++;
                if (o instanceof Pending p)
                {
                    if (p.command() instanceof Command.BrokerHeartbeat)
                    {
                        // A lease renewal jumps the queue: a burst of ISR changes (a broker rejoining
                        // dozens of partitions) must not hold it past the session timeout and fence
                        // the very broker sending them. It still waits for the command in flight.
                        waiting.addFirst(p);
                    }
                    else
                    {
                        waiting.add(p);
                    }
                }
                else if (o instanceof Subscription s)
                {
                    listener = s.listener();
                    follower = new ControllerStateMachine(ControllerConfig.DEFAULT, s.from());
                    subscribeNeeded = true;
                    subscribeSentNs = 0;
                }
            }
            return work;
        }

        private int maybeConnect(final long nowNs)
        {
            if (cluster != null)
            {
                return 0;
            }
            if (connecting == null)
            {
                if (nowNs - nextConnectNs < 0)
                {
                    return 0;
                }
                connecting = AeronCluster.asyncConnect(new AeronCluster.Context()
                    .aeron(aeron)
                    .ownsAeronClient(false)
                    .ingressChannel("aeron:udp")
                    .ingressEndpoints(Voter.ingressEndpoints(config.voters()))
                    .egressChannel("aeron:udp?endpoint=" + config.egressHost() + ":0")
                    .egressListener(this));
            }
            try
            {
                final AeronCluster c = connecting.poll();
                if (c == null)
                {
                    return 0;
                }
                connecting = null;
                cluster = c;
                connected = true;
                leaderMemberId = c.leaderMemberId();
                lastKeepAliveNs = nowNs;
                onNewSession();
                return 1;
            }
            catch (final RuntimeException e)
            {
                // Timed out or refused (no leader yet): try again shortly.
                CloseHelper.quietClose(connecting);
                connecting = null;
                nextConnectNs = nowNs + RECONNECT_BACKOFF_NS;
                return 1;
            }
        }

        private void onDisconnected(final long nowNs)
        {
            CloseHelper.quietClose(cluster);
            cluster = null;
            connected = false;
            nextConnectNs = nowNs;
        }

        private void onNewSession()
        {
            inFlightNeedsSend = inFlight != null;
            subscribeNeeded = listener != null;
            subscribeSentNs = 0;
        }

        private int maybeSendCommand(final long nowNs)
        {
            if (inFlight == null)
            {
                final Pending next = waiting.poll();
                if (next == null)
                {
                    return 0;
                }
                inFlight = next;
                inFlightSequence = nextSequence++;
                inFlightStartNs = nowNs;
                inFlightNeedsSend = true;
            }
            final boolean resendDue = nowNs - inFlightSentNs >= TimeUnit.MILLISECONDS.toNanos(config.resendIntervalMs());
            if (!inFlightNeedsSend && !resendDue)
            {
                return 0;
            }
            final int length;
            try
            {
                length = encoder.command(inFlight.command(), config.clientId(), inFlightSequence);
            }
            catch (final RuntimeException e)
            {
                complete(inFlight.future, null, e);
                inFlight = null;
                return 1;
            }
            if (cluster.offer(encoder.buffer(), 0, length) > 0)
            {
                inFlightNeedsSend = false;
                inFlightSentNs = nowNs;
                return 1;
            }
            inFlightNeedsSend = true;
            return 0;
        }

        private boolean subscribeDue(final long nowNs)
        {
            return listener != null && subscribeNeeded &&
                (subscribeSentNs == 0 || nowNs - subscribeSentNs >= TimeUnit.MILLISECONDS.toNanos(config.resendIntervalMs()));
        }

        private int maybeSubscribe(final long nowNs)
        {
            if (!subscribeDue(nowNs))
            {
                return 0;
            }
            final int length = encoder.subscribe(follower.image().lastAppliedOffset() + 1);
            if (cluster.offer(encoder.buffer(), 0, length) > 0)
            {
                // A request lost in a leader change is sent again from onNewLeader, and a record
                // missed for any reason shows up as a gap at the next record.
                subscribeNeeded = false;
                subscribeSentNs = nowNs;
                return 1;
            }
            return 0;
        }

        private int maybeTimeOut(final long nowNs)
        {
            if (inFlight != null && nowNs - inFlightStartNs >= TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs()))
            {
                complete(inFlight.future, null, new TimeoutException("no controller response to sequence " + inFlightSequence +
                    " within " + config.requestTimeoutMs() + " ms: " + inFlight.command()));
                inFlight = null;
                return 1;
            }
            return 0;
        }

        @Override
        public void onMessage(final long clusterSessionId, final long timestamp, final DirectBuffer buffer, final int offset,
            final int length, final Header header)
        {
            reader.wrap(buffer, offset, length);
            final byte type = reader.getByte();
            switch (type)
            {
                case MessageEncoder.RESPONSE -> onResponse(reader.getLong(), ControllerCodec.decodeResponse(reader));
                case MessageEncoder.RECORD -> onRecord(reader.getLong(), ControllerCodec.decodeRecord(reader));
                case MessageEncoder.IMAGE_BEGIN -> assembler.onBegin(reader);
                case MessageEncoder.IMAGE_RECORD -> assembler.onRecord(reader);
                case MessageEncoder.IMAGE_END -> onImage(assembler.onEnd(reader));
                default -> throw new MalformedMessageException("unknown controller egress message type " + type);
            }
        }

        @Override
        public void onSessionEvent(final long correlationId, final long clusterSessionId, final long leadershipTermId,
            final int leaderMemberId, final EventCode code, final String detail)
        {
            ControllerClient.this.leaderMemberId = leaderMemberId;
        }

        @Override
        public void onNewLeader(final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
            final String ingressEndpoints)
        {
            // Whatever was in flight may have been lost with the old leader: send it again, and ask
            // for the records this session may have missed (nothing comes back when up to date).
            ControllerClient.this.leaderMemberId = leaderMemberId;
            onNewSession();
        }

        private void onResponse(final long sequence, final Response response)
        {
            if (inFlight == null)
            {
                return;
            }
            if (sequence == inFlightSequence)
            {
                complete(inFlight.future, response, null);
                inFlight = null;
            }
            else if (sequence == -1 && response.error() == ErrorCode.INVALID_REQUEST)
            {
                complete(inFlight.future, response, null);
                inFlight = null;
            }
        }

        private void onRecord(final long offset, final MetadataRecord record)
        {
            if (follower == null)
            {
                return;
            }
            final long expected = follower.image().lastAppliedOffset() + 1;
            if (assembler.inProgress() || offset < expected)
            {
                return;
            }
            if (offset > expected)
            {
                subscribeNeeded = true;
                return;
            }
            follower.replay(record, offset);
            final MetadataImage after = follower.image();
            final MetadataListener l = listener;
            callbacks.execute(() -> l.onRecord(offset, record, after));
        }

        private void onImage(final MetadataImage image)
        {
            if (listener == null)
            {
                return;
            }
            follower = new ControllerStateMachine(ControllerConfig.DEFAULT, image);
            subscribeNeeded = false;
            final MetadataListener l = listener;
            callbacks.execute(() -> l.onImage(image));
        }

        private void complete(final Submission future, final Response response, final Throwable error)
        {
            future.settled = true;
            callbacks.execute(() ->
            {
                if (error != null)
                {
                    future.completeExceptionally(error);
                }
                else
                {
                    future.complete(response);
                }
            });
        }
    }
}
