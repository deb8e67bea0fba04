package io.osprey.controller.quorum;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire form of every {@link Command}, {@link Response} and {@link MetadataRecord}: a
 * one-byte type tag, then the fields in declaration order with {@link WireWriter}'s layout.
 * Commands start with {@code clientId} (string) and {@code sequence} (int64) after the tag. An
 * {@link ErrorCode} is its {@code int16} Kafka code. Tags are fixed forever: a new variant gets
 * a new tag, and the table in docs/controller.md lists them.
 * <p>
 * Stateless; safe to share.
 */
final class ControllerCodec
{
    private ControllerCodec()
    {
    }

    // Command tags.
    static final byte REGISTER_BROKER = 1;
    static final byte BROKER_HEARTBEAT = 2;
    static final byte UNREGISTER_BROKER = 3;
    static final byte CREATE_TOPICS = 4;
    static final byte DELETE_TOPICS = 5;
    static final byte CREATE_PARTITIONS = 6;
    /** AlterPartition without broker epochs: no longer written; read with every epoch unknown. */
    static final byte ALTER_PARTITION_V0 = 7;
    static final byte ELECT_LEADERS = 8;
    static final byte ALLOCATE_PRODUCER_IDS = 9;
    static final byte ALTER_CONFIGS = 10;
    static final byte REBALANCE = 11;
    static final byte ALTER_PARTITION = 12;
    static final byte ALTER_PARTITION_REASSIGNMENTS = 13;

    // Response tags.
    static final byte SIMPLE = 1;
    static final byte LEASE = 2;
    static final byte PER_ITEM = 3;
    static final byte PARTITION_STATE = 4;
    static final byte PRODUCER_IDS = 5;
    static final byte REASSIGNMENT = 6;

    // Record tags.
    static final byte BROKER_REGISTERED = 1;
    static final byte BROKER_LEASE_RENEWED = 2;
    static final byte BROKER_FENCED = 3;
    static final byte BROKER_UNFENCED = 4;
    static final byte BROKER_UNREGISTERED = 5;
    static final byte TOPIC_CREATED = 6;
    static final byte PARTITION_CREATED = 7;
    static final byte PARTITION_CHANGED = 8;
    static final byte TOPIC_DELETED = 9;
    static final byte CONFIG_CHANGED = 10;
    static final byte PRODUCER_IDS_ALLOCATED = 11;
    static final byte CLIENT_SEQUENCE_RECORDED = 12;

    /**
     * Writes {@code command} under the given identity; the command's own clientId and sequence are
     * ignored (a client submits commands with placeholders and stamps them only here).
     */
    static void encodeCommand(final WireWriter w, final Command command, final String clientId, final long sequence)
    {
        if (command instanceof Command.RegisterBroker c)
        {
            header(w, REGISTER_BROKER, clientId, sequence);
            w.putInt(c.brokerId()).putUuid(c.incarnationId()).putStringList(c.endpoints()).putString(c.rack());
        }
        else if (command instanceof Command.BrokerHeartbeat c)
        {
            header(w, BROKER_HEARTBEAT, clientId, sequence);
            w.putInt(c.brokerId()).putUuid(c.incarnationId());
        }
        else if (command instanceof Command.UnregisterBroker c)
        {
            header(w, UNREGISTER_BROKER, clientId, sequence);
            w.putInt(c.brokerId());
        }
        else if (command instanceof Command.CreateTopics c)
        {
            header(w, CREATE_TOPICS, clientId, sequence);
            w.putInt(c.topics().size());
            for (final Command.NewTopic t : c.topics())
            {
                w.putString(t.name()).putInt(t.partitions()).putInt(t.replicationFactor()).putStringMap(t.configs());
            }
        }
        else if (command instanceof Command.DeleteTopics c)
        {
            header(w, DELETE_TOPICS, clientId, sequence);
            w.putStringList(c.names());
        }
        else if (command instanceof Command.CreatePartitions c)
        {
            header(w, CREATE_PARTITIONS, clientId, sequence);
            w.putString(c.topic()).putInt(c.totalCount());
        }
        else if (command instanceof Command.AlterPartition c)
        {
            header(w, ALTER_PARTITION, clientId, sequence);
            w.putInt(c.brokerId()).putString(c.topic()).putInt(c.partition()).putInt(c.leaderEpoch())
                .putInt(c.partitionEpoch()).putIntList(c.newIsr()).putLongList(c.newIsrBrokerEpochs());
        }
        else if (command instanceof Command.ElectLeaders c)
        {
            header(w, ELECT_LEADERS, clientId, sequence);
            w.putInt(c.partitions().size());
            for (final TopicPartition tp : c.partitions())
            {
                w.putString(tp.topic()).putInt(tp.partition());
            }
        }
        else if (command instanceof Command.AllocateProducerIds c)
        {
            header(w, ALLOCATE_PRODUCER_IDS, clientId, sequence);
            w.putInt(c.brokerId());
        }
        else if (command instanceof Command.AlterConfigs c)
        {
            header(w, ALTER_CONFIGS, clientId, sequence);
            w.putString(c.topic()).putStringMap(c.set()).putStringList(c.delete());
        }
        else if (command instanceof Command.Rebalance)
        {
            header(w, REBALANCE, clientId, sequence);
        }
        else if (command instanceof Command.AlterPartitionReassignments c)
        {
            header(w, ALTER_PARTITION_REASSIGNMENTS, clientId, sequence);
            w.putInt(c.targets().size());
            for (final Command.PartitionTarget t : c.targets())
            {
                // A null replica list (cancel) is a false presence flag and no list.
                w.putString(t.topic()).putInt(t.partition()).putBoolean(t.replicas() != null);
                if (t.replicas() != null)
                {
                    w.putIntList(t.replicas());
                }
            }
            w.putBoolean(c.allowReplicationFactorChange());
        }
        else
        {
            throw new IllegalArgumentException("no encoding for command " + command);
        }
    }

    static Command decodeCommand(final WireReader r)
    {
        final byte tag = r.getByte();
        final String clientId = r.getString();
        final long sequence = r.getLong();
        switch (tag)
        {
            case REGISTER_BROKER:
                return new Command.RegisterBroker(clientId, sequence, r.getInt(), r.getUuid(), r.getStringList(), r.getString());
            case BROKER_HEARTBEAT:
                return new Command.BrokerHeartbeat(clientId, sequence, r.getInt(), r.getUuid());
            case UNREGISTER_BROKER:
                return new Command.UnregisterBroker(clientId, sequence, r.getInt());
            case CREATE_TOPICS:
            {
                final int count = r.getCount();
                final List<Command.NewTopic> topics = new ArrayList<>();
                for (int i = 0; i < count; i++)
                {
                    topics.add(new Command.NewTopic(r.getString(), r.getInt(), r.getInt(), r.getStringMap()));
                }
                return new Command.CreateTopics(clientId, sequence, topics);
            }
            case DELETE_TOPICS:
                return new Command.DeleteTopics(clientId, sequence, r.getStringList());
            case CREATE_PARTITIONS:
                return new Command.CreatePartitions(clientId, sequence, r.getString(), r.getInt());
            case ALTER_PARTITION_V0:
            {
                final int brokerId = r.getInt();
                final String topic = r.getString();
                final int partition = r.getInt();
                final int leaderEpoch = r.getInt();
                final int partitionEpoch = r.getInt();
                final List<Integer> newIsr = r.getIntList();
                return new Command.AlterPartition(clientId, sequence, brokerId, topic, partition, leaderEpoch, partitionEpoch, newIsr,
                    Collections.nCopies(newIsr.size(), Command.AlterPartition.UNKNOWN_BROKER_EPOCH));
            }
            case ALTER_PARTITION:
                return new Command.AlterPartition(clientId, sequence, r.getInt(), r.getString(), r.getInt(), r.getInt(),
                    r.getInt(), r.getIntList(), r.getLongList());
            case ELECT_LEADERS:
            {
                final int count = r.getCount();
                final List<TopicPartition> partitions = new ArrayList<>();
                for (int i = 0; i < count; i++)
                {
                    partitions.add(new TopicPartition(r.getString(), r.getInt()));
                }
                return new Command.ElectLeaders(clientId, sequence, partitions);
            }
            case ALLOCATE_PRODUCER_IDS:
                return new Command.AllocateProducerIds(clientId, sequence, r.getInt());
            case ALTER_CONFIGS:
                return new Command.AlterConfigs(clientId, sequence, r.getString(), r.getStringMap(), r.getStringList());
            case REBALANCE:
                return new Command.Rebalance(clientId, sequence);
            case ALTER_PARTITION_REASSIGNMENTS:
            {
                final int count = r.getCount();
                final List<Command.PartitionTarget> targets = new ArrayList<>();
                for (int i = 0; i < count; i++)
                {
                    final String topic = r.getString();
                    final int partition = r.getInt();
                    targets.add(new Command.PartitionTarget(topic, partition, r.getBoolean() ? r.getIntList() : null));
                }
                return new Command.AlterPartitionReassignments(clientId, sequence, targets, r.getBoolean());
            }
            default:
                throw new MalformedMessageException("unknown command tag " + tag);
        }
    }

    static void encodeResponse(final WireWriter w, final Response response)
    {
        if (response instanceof Response.Simple s)
        {
            w.putByte(SIMPLE);
            simple(w, s);
        }
        else if (response instanceof Response.Lease s)
        {
            w.putByte(LEASE).putShort(s.error().code).putString(s.message()).putLong(s.leaseExpiryMs()).putBoolean(s.fenced());
        }
        else if (response instanceof Response.PerItem s)
        {
            w.putByte(PER_ITEM).putInt(s.results().size());
            for (final Map.Entry<String, Response.Simple> e : s.results().entrySet())
            {
                w.putString(e.getKey());
                simple(w, e.getValue());
            }
        }
        else if (response instanceof Response.PartitionState s)
        {
            w.putByte(PARTITION_STATE).putShort(s.error().code).putString(s.message()).putInt(s.leader())
                .putInt(s.leaderEpoch()).putInt(s.partitionEpoch()).putIntList(s.isr());
        }
        else if (response instanceof Response.ProducerIds s)
        {
            w.putByte(PRODUCER_IDS).putShort(s.error().code).putLong(s.firstProducerId()).putInt(s.count());
        }
        else if (response instanceof Response.Reassignment s)
        {
            w.putByte(REASSIGNMENT).putShort(s.error().code).putString(s.message()).putInt(s.replicaMoves());
        }
        else
        {
            throw new IllegalArgumentException("no encoding for response " + response);
        }
    }

    static Response decodeResponse(final WireReader r)
    {
        final byte tag = r.getByte();
        switch (tag)
        {
            case SIMPLE:
                return simple(r);
            case LEASE:
                return new Response.Lease(error(r), r.getString(), r.getLong(), r.getBoolean());
            case PER_ITEM:
            {
                final int count = r.getCount();
                final TreeMap<String, Response.Simple> results = new TreeMap<>();
                for (int i = 0; i < count; i++)
                {
                    results.put(r.getString(), simple(r));
                }
                return new Response.PerItem(results);
            }
            case PARTITION_STATE:
                return new Response.PartitionState(error(r), r.getString(), r.getInt(), r.getInt(), r.getInt(), r.getIntList());
            case PRODUCER_IDS:
                return new Response.ProducerIds(error(r), r.getLong(), r.getInt());
            case REASSIGNMENT:
                return new Response.Reassignment(error(r), r.getString(), r.getInt());
            default:
                throw new MalformedMessageException("unknown response tag " + tag);
        }
    }

    static void encodeRecord(final WireWriter w, final MetadataRecord record)
    {
        if (record instanceof MetadataRecord.BrokerRegistered r)
        {
            w.putByte(BROKER_REGISTERED).putInt(r.brokerId()).putUuid(r.incarnationId()).putStringList(r.endpoints())
                .putString(r.rack()).putLong(r.leaseExpiryMs());
        }
        else if (record instanceof MetadataRecord.BrokerLeaseRenewed r)
        {
            w.putByte(BROKER_LEASE_RENEWED).putInt(r.brokerId()).putLong(r.leaseExpiryMs());
        }
        else if (record instanceof MetadataRecord.BrokerFenced r)
        {
            w.putByte(BROKER_FENCED).putInt(r.brokerId());
        }
        else if (record instanceof MetadataRecord.BrokerUnfenced r)
        {
            w.putByte(BROKER_UNFENCED).putInt(r.brokerId()).putLong(r.leaseExpiryMs());
        }
        else if (record instanceof MetadataRecord.BrokerUnregistered r)
        {
            w.putByte(BROKER_UNREGISTERED).putInt(r.brokerId());
        }
        else if (record instanceof MetadataRecord.TopicCreated r)
        {
            w.putByte(TOPIC_CREATED).putString(r.name()).putUuid(r.topicId()).putStringMap(r.configs());
        }
        else if (record instanceof MetadataRecord.PartitionCreated r)
        {
            w.putByte(PARTITION_CREATED).putString(r.topic()).putInt(r.partition());
            partition(w, r.state());
        }
        else if (record instanceof MetadataRecord.PartitionChanged r)
        {
            w.putByte(PARTITION_CHANGED).putString(r.topic()).putInt(r.partition());
            partition(w, r.state());
        }
        else if (record instanceof MetadataRecord.TopicDeleted r)
        {
            w.putByte(TOPIC_DELETED).putString(r.name());
        }
        else if (record instanceof MetadataRecord.ConfigChanged r)
        {
            w.putByte(CONFIG_CHANGED).putString(r.topic()).putString(r.key()).putString(r.value());
        }
        else if (record instanceof MetadataRecord.ProducerIdsAllocated r)
        {
            w.putByte(PRODUCER_IDS_ALLOCATED).putInt(r.brokerId()).putLong(r.firstProducerId()).putInt(r.count());
        }
        else if (record instanceof MetadataRecord.ClientSequenceRecorded r)
        {
            w.putByte(CLIENT_SEQUENCE_RECORDED).putString(r.clientId()).putLong(r.sequence());
            encodeResponse(w, r.response());
        }
        else
        {
            throw new IllegalArgumentException("no encoding for record " + record);
        }
    }

    static MetadataRecord decodeRecord(final WireReader r)
    {
        final byte tag = r.getByte();
        switch (tag)
        {
            case BROKER_REGISTERED:
                return new MetadataRecord.BrokerRegistered(r.getInt(), r.getUuid(), r.getStringList(), r.getString(), r.getLong());
            case BROKER_LEASE_RENEWED:
                return new MetadataRecord.BrokerLeaseRenewed(r.getInt(), r.getLong());
            case BROKER_FENCED:
                return new MetadataRecord.BrokerFenced(r.getInt());
            case BROKER_UNFENCED:
                return new MetadataRecord.BrokerUnfenced(r.getInt(), r.getLong());
            case BROKER_UNREGISTERED:
                return new MetadataRecord.BrokerUnregistered(r.getInt());
            case TOPIC_CREATED:
                return new MetadataRecord.TopicCreated(r.getString(), r.getUuid(), r.getStringMap());
            case PARTITION_CREATED:
                return new MetadataRecord.PartitionCreated(r.getString(), r.getInt(), partition(r));
            case PARTITION_CHANGED:
                return new MetadataRecord.PartitionChanged(r.getString(), r.getInt(), partition(r));
            case TOPIC_DELETED:
                return new MetadataRecord.TopicDeleted(r.getString());
            case CONFIG_CHANGED:
                return new MetadataRecord.ConfigChanged(r.getString(), r.getString(), r.getString());
            case PRODUCER_IDS_ALLOCATED:
                return new MetadataRecord.ProducerIdsAllocated(r.getInt(), r.getLong(), r.getInt());
            case CLIENT_SEQUENCE_RECORDED:
                return new MetadataRecord.ClientSequenceRecorded(r.getString(), r.getLong(), decodeResponse(r));
            default:
                throw new MalformedMessageException("unknown record tag " + tag);
        }
    }

    static void partition(final WireWriter w, final PartitionInfo p)
    {
        w.putIntList(p.replicas()).putIntList(p.isr()).putInt(p.leader()).putInt(p.leaderEpoch()).putInt(p.partitionEpoch())
            .putIntList(p.adding()).putIntList(p.removing());
    }

    static PartitionInfo partition(final WireReader r)
    {
        return new PartitionInfo(r.getIntList(), r.getIntList(), r.getInt(), r.getInt(), r.getInt(), r.getIntList(), r.getIntList());
    }

    private static void header(final WireWriter w, final byte tag, final String clientId, final long sequence)
    {
        w.putByte(tag).putString(clientId).putLong(sequence);
    }

    private static void simple(final WireWriter w, final Response.Simple s)
    {
        w.putShort(s.error().code).putString(s.message());
    }

    private static Response.Simple simple(final WireReader r)
    {
        return new Response.Simple(error(r), r.getString());
    }

    private static ErrorCode error(final WireReader r)
    {
        return ErrorCode.forCode(r.getShort());
    }
}
