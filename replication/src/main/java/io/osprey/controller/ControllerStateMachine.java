package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.controller.Command.AllocateProducerIds;
import io.osprey.controller.Command.AlterConfigs;
import io.osprey.controller.Command.AlterPartition;
import io.osprey.controller.Command.AlterPartitionReassignments;
import io.osprey.controller.Command.BrokerHeartbeat;
import io.osprey.controller.Command.CreatePartitions;
import io.osprey.controller.Command.CreateTopics;
import io.osprey.controller.Command.DeleteTopics;
import io.osprey.controller.Command.ElectLeaders;
import io.osprey.controller.Command.Rebalance;
import io.osprey.controller.Command.RegisterBroker;
import io.osprey.controller.Command.UnregisterBroker;
import io.osprey.controller.MetadataRecord.ClientSequenceRecorded;
import io.osprey.controller.MetadataRecord.ProducerIdsAllocated;

import java.util.List;
import java.util.Objects;

/**
 * The controller's metadata state machine. {@link #handle}, {@link #onTimer} and
 * {@link #onNewLeadershipTerm} read the image and return records without changing anything;
 * {@link #replay} is the only mutator. The active controller commits what they return and
 * then replays it, exactly as the standbys do, so all nodes hold equal images.
 * <p>
 * Protocol: commands from one client carry increasing sequences. The last sequence and its
 * response are part of the image (a {@link ClientSequenceRecorded} ends every result), so a
 * resend after failover is answered from the table and changes nothing. {@code handle} must
 * see the image with every earlier result replayed.
 * <p>
 * Not thread-safe: owned by the cluster service's single thread.
 */
public final class ControllerStateMachine
{
    private final BrokerLifecycle brokers;
    private final TopicCommands topics;
    private final PartitionCommands partitions = new PartitionCommands();
    private MetadataImage image;

    public ControllerStateMachine(final ControllerConfig config)
    {
        this(config, MetadataImage.EMPTY);
    }

    /** Starts from a snapshot; replay continues after {@code snapshot.lastAppliedOffset()}. */
    public ControllerStateMachine(final ControllerConfig config, final MetadataImage snapshot)
    {
        this.brokers = new BrokerLifecycle(config);
        this.topics = new TopicCommands(config);
        this.image = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** The current image: immutable, so it doubles as a snapshot. */
    public MetadataImage image()
    {
        return image;
    }

    public ControllerResult handle(final Command cmd, final long nowMs)
    {
        final ClientSession session = image.sessions().get(cmd.clientId());
        if (session != null && cmd.sequence() <= session.sequence())
        {
            final Response response = cmd.sequence() == session.sequence()
                ? session.response()
                : new Response.Simple(ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
                    "sequence " + cmd.sequence() + " is older than the last one seen, " + session.sequence());
            return new ControllerResult(List.of(), response);
        }
        RecordDraft draft = new RecordDraft(image);
        Response response;
        try
        {
            response = dispatch(draft, cmd, nowMs);
        }
        catch (final OspreyException e)
        {
            // Refusals are thrown before any record is drafted; start clean anyway so a refused
            // command can never commit half its records.
            draft = new RecordDraft(image);
            response = new Response.Simple(e.errorCode(), e.getMessage());
        }
        draft.append(new ClientSequenceRecorded(cmd.clientId(), cmd.sequence(), response));
        return new ControllerResult(draft.records(), response);
    }

    /** Records that fence brokers whose lease has run out by {@code nowMs}; empty when none. */
    public List<MetadataRecord> onTimer(final long nowMs)
    {
        final RecordDraft draft = new RecordDraft(image);
        brokers.onTimer(draft, nowMs);
        return draft.records();
    }

    /**
     * Records that renew the lease of every live broker to at least {@code termTimestampMs}
     * plus the session timeout; empty when none needs it. The quorum calls this when a new
     * leadership term starts, at the term's timestamp: the event sits in the replicated log,
     * so every node (and every replay) produces the same records at the same position.
     */
    public List<MetadataRecord> onNewLeadershipTerm(final long termTimestampMs)
    {
        final RecordDraft draft = new RecordDraft(image);
        brokers.renewLiveLeases(draft, termTimestampMs);
        return draft.records();
    }

    /** When {@link #onTimer} next has work: the earliest lease expiry of a live broker, or {@code Long.MAX_VALUE}. */
    public long nextDeadlineMs()
    {
        long deadline = Long.MAX_VALUE;
        for (final BrokerInfo b : image.brokers().values())
        {
            if (!b.fenced())
            {
                deadline = Math.min(deadline, b.leaseExpiryMs());
            }
        }
        return deadline;
    }

    /** Applies one committed record at log {@code offset}, which must be past the last one applied. */
    public void replay(final MetadataRecord record, final long offset)
    {
        if (offset <= image.lastAppliedOffset())
        {
            throw new IllegalStateException("record at offset " + offset + " after " + image.lastAppliedOffset() + ": " + record);
        }
        image = RecordApplier.apply(image, record).withLastAppliedOffset(offset);
    }

    private Response dispatch(final RecordDraft draft, final Command cmd, final long nowMs)
    {
        if (cmd instanceof RegisterBroker c)
        {
            return brokers.register(draft, c, nowMs);
        }
        if (cmd instanceof BrokerHeartbeat c)
        {
            return brokers.heartbeat(draft, c, nowMs);
        }
        if (cmd instanceof UnregisterBroker c)
        {
            return brokers.unregister(draft, c);
        }
        if (cmd instanceof CreateTopics c)
        {
            return topics.createTopics(draft, c);
        }
        if (cmd instanceof DeleteTopics c)
        {
            return topics.deleteTopics(draft, c);
        }
        if (cmd instanceof CreatePartitions c)
        {
            return topics.createPartitions(draft, c);
        }
        if (cmd instanceof AlterConfigs c)
        {
            return topics.alterConfigs(draft, c);
        }
        if (cmd instanceof AlterPartition c)
        {
            return partitions.alterPartition(draft, c);
        }
        if (cmd instanceof ElectLeaders c)
        {
            return partitions.electLeaders(draft, c);
        }
        if (cmd instanceof AlterPartitionReassignments c)
        {
            return partitions.alterPartitionReassignments(draft, c);
        }
        if (cmd instanceof Rebalance c)
        {
            return partitions.rebalance(draft, c);
        }
        if (cmd instanceof AllocateProducerIds c)
        {
            return allocateProducerIds(draft, c);
        }
        throw new IllegalStateException("unknown command " + cmd);
    }

    private static Response allocateProducerIds(final RecordDraft draft, final AllocateProducerIds cmd)
    {
        if (!draft.image().isLive(cmd.brokerId()))
        {
            throw new OspreyException(ErrorCode.BROKER_NOT_AVAILABLE, "broker " + cmd.brokerId() + " is not live");
        }
        final long first = draft.image().nextProducerId();
        draft.append(new ProducerIdsAllocated(cmd.brokerId(), first, ControllerLimits.PRODUCER_ID_BLOCK_SIZE));
        return new Response.ProducerIds(ErrorCode.NONE, first, ControllerLimits.PRODUCER_ID_BLOCK_SIZE);
    }
}
