package io.osprey.controller.quorum;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.osprey.common.ErrorCode;
import io.osprey.controller.Command;
import io.osprey.controller.ControllerConfig;
import io.osprey.controller.ControllerResult;
import io.osprey.controller.ControllerStateMachine;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.Response;
import io.aeron.FragmentAssembler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The clustered service: runs the {@link ControllerStateMachine} on the committed log.
 * <p>
 * Protocol: a {@code COMMAND} from a client session is handled at the message's cluster
 * timestamp; the records it produces are replayed at the next metadata offsets (offset = one
 * more than the image's last applied offset, so every node numbers records alike), sent to
 * every subscribed session as {@code RECORD}s, and the response goes back to the sender as a
 * {@code RESPONSE}. A {@code SUBSCRIBE(fromOffset)} adds the session to the subscribers and,
 * unless the session is exactly up to date, sends it the whole image first. Lease expiry runs
 * on one cluster timer whose deadline follows {@link ControllerStateMachine#nextDeadlineMs()};
 * a new leadership term renews every live broker's lease from the term's timestamp.
 * <p>
 * Deterministic: cluster time and cluster timers only, no I/O; state (image, subscribers,
 * timer deadline) changes only while handling log events, identically on every node. Egress
 * is sent by the leader only (Aeron mocks it on followers). A session whose egress is
 * back-pressured is closed, never waited for: it reconnects and catches up from the image
 * (a new term's renewals only skip it, see {@link #onNewLeadershipTermEvent}).
 * <p>
 * Thread-safety: owned by the service container's agent thread; {@link #image()},
 * {@link #role()} and {@link #recordsSinceSnapshot()} are published for other threads.
 */
final class ControllerService implements ClusteredService
{
    /** Correlation id of the one lease timer. */
    static final long LEASE_TIMER_ID = 1;

    /** Retries for an egress offer refused with ADMIN_ACTION (a term rotation), which clears at once. */
    private static final int ADMIN_ACTION_RETRIES_MAX = 3;

    private final ControllerConfig config;
    private final MessageEncoder encoder = new MessageEncoder();
    private final WireReader reader = new WireReader();
    private final TreeSet<Long> subscribers = new TreeSet<>();
    private ControllerStateMachine machine;
    private Cluster cluster;
    private long leaseTimerDeadlineMs = Long.MAX_VALUE;

    private volatile MetadataImage publishedImage = MetadataImage.EMPTY;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile long recordsSinceSnapshot;
    private volatile boolean startedFromSnapshot;

    ControllerService(final ControllerConfig config)
    {
        this.config = config;
        this.machine = new ControllerStateMachine(config);
    }

    /** The image after the last event handled; readable from any thread. */
    MetadataImage image()
    {
        return publishedImage;
    }

    Cluster.Role role()
    {
        return role;
    }

    boolean startedFromSnapshot()
    {
        return startedFromSnapshot;
    }

    long recordsSinceSnapshot()
    {
        return recordsSinceSnapshot;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        if (snapshotImage != null)
        {
            loadSnapshot(snapshotImage, cluster.idleStrategy());
            startedFromSnapshot = true;
        }
        publishedImage = machine.image();
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
        // A session receives nothing until it subscribes or sends a command.
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
        subscribers.remove(session.id());
    }

    @Override
    public void onSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        try
        {
            handleSessionMessage(session, timestamp, buffer, offset, length);
        }
        finally
        {
            // Responses and records went out on egress: a quiet media driver and client must not sleep on them.
            QuietIdleStrategy.wakeAll();
        }
    }

    private void handleSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length)
    {
        reader.wrap(buffer, offset, length);
        final byte type;
        final Command command;
        final long fromOffset;
        try
        {
            type = reader.getByte();
            command = type == MessageEncoder.COMMAND ? ControllerCodec.decodeCommand(reader) : null;
            fromOffset = type == MessageEncoder.SUBSCRIBE ? reader.getLong() : 0;
            reader.requireEnd();
        }
        catch (final MalformedMessageException e)
        {
            // Every node decodes the same bytes and refuses alike; nothing changes.
            reply(session, -1, new Response.Simple(ErrorCode.INVALID_REQUEST, "malformed controller message: " + e.getMessage()));
            return;
        }
        if (command != null)
        {
            onCommand(session, command, timestamp);
        }
        else if (type == MessageEncoder.SUBSCRIBE && session != null)
        {
            subscribers.add(session.id());
            sendCatchUp(session, fromOffset);
        }
        else
        {
            reply(session, -1, new Response.Simple(ErrorCode.INVALID_REQUEST, "unknown controller message type " + type));
        }
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        if (correlationId != LEASE_TIMER_ID)
        {
            return;
        }
        leaseTimerDeadlineMs = Long.MAX_VALUE;
        commit(machine.onTimer(timestamp), true);
        maybeRescheduleLeaseTimer();
        QuietIdleStrategy.wakeAll();
    }

    /**
     * A new leadership term begins. Aeron appends this event to the replicated log (the new
     * leader writes it first in the term) and every node, and every replay, delivers it at the
     * same log position with the same timestamp, so the lease renewals it commits are as
     * deterministic as a command's records. No broker could heartbeat while there was no
     * leader, so each live one gets a whole session from the term's start (Kafka's controller
     * does the same on failover).
     */
    @Override
    public void onNewLeadershipTermEvent(final long leadershipTermId, final long logPosition, final long timestamp,
        final long termBaseLogPosition, final int leaderMemberId, final int logSessionId, final TimeUnit timeUnit, final int appVersion)
    {
        // The new leader's egress publications to its sessions were only just added and are
        // likely not connected yet: a refused offer here must not close the session. The
        // subscriber notices the missing offsets (and subscribes again on the new-leader event
        // anyway) and catches up from the image.
        commit(machine.onNewLeadershipTerm(timestamp), false);
        maybeRescheduleLeaseTimer();
        QuietIdleStrategy.wakeAll();
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final IdleStrategy idle = cluster.idleStrategy();
        offerToSnapshot(snapshotPublication, encoder.snapshotBegin(leaseTimerDeadlineMs, subscribers), idle);
        final MetadataImage image = machine.image();
        final List<MetadataRecord> records = ImageRecords.toRecords(image);
        offerToSnapshot(snapshotPublication, encoder.imageBegin(image.lastAppliedOffset(), image.nextProducerId(), records.size()), idle);
        for (final MetadataRecord r : records)
        {
            offerToSnapshot(snapshotPublication, encoder.imageRecord(r), idle);
        }
        offerToSnapshot(snapshotPublication, encoder.imageEnd(image.lastAppliedOffset()), idle);
        recordsSinceSnapshot = 0;
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        // Nothing to release: the image lives in the log and the snapshots.
    }

    private void onCommand(final ClientSession session, final Command command, final long timestamp)
    {
        final ControllerResult result = machine.handle(command, timestamp);
        commit(result.records(), true);
        reply(session, command.sequence(), result.response());
        maybeRescheduleLeaseTimer();
    }

    /** Replays and broadcasts {@code records}; {@code closeRefused}: close a subscriber whose offer is refused, else skip it. */
    private void commit(final List<MetadataRecord> records, final boolean closeRefused)
    {
        if (records.isEmpty())
        {
            return;
        }
        for (final MetadataRecord r : records)
        {
            final long offset = machine.image().lastAppliedOffset() + 1;
            machine.replay(r, offset);
            broadcast(offset, r, closeRefused);
        }
        recordsSinceSnapshot += records.size();
        publishedImage = machine.image();
    }

    private void broadcast(final long offset, final MetadataRecord record, final boolean closeRefused)
    {
        final int length = encoder.record(offset, record);
        for (final long id : subscribers)
        {
            final ClientSession s = cluster.getClientSession(id);
            if (s != null && !s.isClosing())
            {
                if (closeRefused)
                {
                    maybeOffer(s, length);
                }
                else
                {
                    offerOnce(s, length);
                }
            }
        }
    }

    private void reply(final ClientSession session, final long sequence, final Response response)
    {
        if (session != null && !session.isClosing())
        {
            maybeOffer(session, encoder.response(sequence, response));
        }
    }

    private void sendCatchUp(final ClientSession session, final long fromOffset)
    {
        final MetadataImage image = machine.image();
        if (fromOffset != image.lastAppliedOffset() + 1)
        {
            final List<MetadataRecord> records = ImageRecords.toRecords(image);
            boolean sent = maybeOffer(session, encoder.imageBegin(image.lastAppliedOffset(), image.nextProducerId(), records.size()));
            for (int i = 0; sent && i < records.size(); i++)
            {
                sent = maybeOffer(session, encoder.imageRecord(records.get(i)));
            }
            if (sent)
            {
                maybeOffer(session, encoder.imageEnd(image.lastAppliedOffset()));
            }
        }
    }

    /**
     * Offers the encoder's message; a refused offer closes the session rather than waiting for
     * it. Only the leader can be refused (followers' offers are mocked), and the close goes
     * through the log as a session-close event that every node applies; until then the session
     * is marked closing here and receives nothing more.
     */
    private boolean maybeOffer(final ClientSession session, final int length)
    {
        if (offerOnce(session, length) < 0)
        {
            cluster.closeClientSession(session.id());
            return false;
        }
        return true;
    }

    /** Offers the encoder's message, retrying only ADMIN_ACTION; the offer's result. */
    private long offerOnce(final ClientSession session, final int length)
    {
        long result = session.offer(encoder.buffer(), 0, length);
        for (int i = 0; result == Publication.ADMIN_ACTION && i < ADMIN_ACTION_RETRIES_MAX; i++)
        {
            result = session.offer(encoder.buffer(), 0, length);
        }
        return result;
    }

    private void maybeRescheduleLeaseTimer()
    {
        final long deadlineMs = machine.nextDeadlineMs();
        if (deadlineMs == leaseTimerDeadlineMs)
        {
            return;
        }
        final IdleStrategy idle = cluster.idleStrategy();
        idle.reset();
        if (deadlineMs == Long.MAX_VALUE)
        {
            while (!cluster.cancelTimer(LEASE_TIMER_ID))
            {
                idle.idle();
            }
        }
        else
        {
            while (!cluster.scheduleTimer(LEASE_TIMER_ID, deadlineMs))
            {
                // Refused under back pressure: the consensus module must drain, and may be in a quiet park.
                QuietIdleStrategy.wakeAll();
                idle.idle();
            }
        }
        leaseTimerDeadlineMs = deadlineMs;
    }

    private void loadSnapshot(final Image snapshotImage, final IdleStrategy idle)
    {
        final SnapshotLoader loader = new SnapshotLoader();
        final FragmentAssembler assembler = new FragmentAssembler(loader);
        idle.reset();
        while (loader.image == null)
        {
            final int fragments = snapshotImage.poll(assembler, 16);
            if (fragments == 0)
            {
                if (snapshotImage.isEndOfStream() || snapshotImage.isClosed())
                {
                    throw new IllegalStateException("controller snapshot ended before its image did");
                }
                idle.idle();
            }
            else
            {
                idle.reset();
            }
        }
        machine = new ControllerStateMachine(config, loader.image);
        leaseTimerDeadlineMs = loader.leaseTimerDeadlineMs;
        subscribers.clear();
        subscribers.addAll(loader.subscribers);
    }

    private void offerToSnapshot(final ExclusivePublication publication, final int length, final IdleStrategy idle)
    {
        idle.reset();
        while (true)
        {
            final long result = publication.offer(encoder.buffer(), 0, length);
            if (result > 0)
            {
                return;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                throw new IllegalStateException("controller snapshot offer failed: " + Publication.errorString(result));
            }
            idle.idle();
        }
    }

    /** Reads SNAPSHOT_BEGIN and the image that follows it. */
    private static final class SnapshotLoader implements FragmentHandler
    {
        private final WireReader reader = new WireReader();
        private final ImageAssembler assembler = new ImageAssembler();
        private final List<Long> subscribers = new ArrayList<>();
        private long leaseTimerDeadlineMs = Long.MAX_VALUE;
        private boolean begun;
        private MetadataImage image;

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            reader.wrap(buffer, offset, length);
            final byte type = reader.getByte();
            switch (type)
            {
                case MessageEncoder.SNAPSHOT_BEGIN:
                {
                    final int version = reader.getInt();
                    if (version != MessageEncoder.SNAPSHOT_VERSION)
                    {
                        throw new IllegalStateException("controller snapshot version " + version + ", this node reads " +
                            MessageEncoder.SNAPSHOT_VERSION);
                    }
                    leaseTimerDeadlineMs = reader.getLong();
                    final int count = reader.getCount();
                    for (int i = 0; i < count; i++)
                    {
                        subscribers.add(reader.getLong());
                    }
                    begun = true;
                    break;
                }
                case MessageEncoder.IMAGE_BEGIN:
                    requireBegun();
                    assembler.onBegin(reader);
                    break;
                case MessageEncoder.IMAGE_RECORD:
                    requireBegun();
                    assembler.onRecord(reader);
                    break;
                case MessageEncoder.IMAGE_END:
                    requireBegun();
                    image = assembler.onEnd(reader);
                    break;
                default:
                    throw new IllegalStateException("unexpected message type " + type + " in controller snapshot");
            }
        }

        private void requireBegun()
        {
            if (!begun)
            {
                throw new IllegalStateException("controller snapshot does not start with SNAPSHOT_BEGIN");
            }
        }
    }
}
