package io.osprey.controller.quorum;

import io.osprey.controller.BrokerInfo;
import io.osprey.controller.ClientSession;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.TopicInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link MetadataImage} as a list of records, and back. The same form serves the cluster
 * snapshot and the catch-up a subscribing broker receives, so each message stays one small
 * record however large the image grows.
 * <p>
 * The records are: per broker a {@code BrokerRegistered} with its lease, followed by a
 * {@code BrokerFenced} when fenced; per topic a {@code TopicCreated} with its configs followed by
 * one {@code PartitionCreated} per partition holding the partition's whole state; per client
 * session a {@code ClientSequenceRecorded}. The next producer id and the last applied offset
 * travel beside the list (in the image header), not as records.
 * <p>
 * Stateless; safe to share.
 */
public final class ImageRecords
{
    private ImageRecords()
    {
    }

    public static List<MetadataRecord> toRecords(final MetadataImage image)
    {
        final List<MetadataRecord> records = new ArrayList<>();
        for (final BrokerInfo b : image.brokers().values())
        {
            records.add(new MetadataRecord.BrokerRegistered(b.id(), b.incarnationId(), b.endpoints(), b.rack(), b.leaseExpiryMs()));
            if (b.fenced())
            {
                records.add(new MetadataRecord.BrokerFenced(b.id()));
            }
        }
        for (final TopicInfo t : image.topics().values())
        {
            records.add(new MetadataRecord.TopicCreated(t.name(), t.id(), t.configs()));
            for (final Map.Entry<Integer, PartitionInfo> p : t.partitions().entrySet())
            {
                records.add(new MetadataRecord.PartitionCreated(t.name(), p.getKey(), p.getValue()));
            }
        }
        for (final Map.Entry<String, ClientSession> s : image.sessions().entrySet())
        {
            records.add(new MetadataRecord.ClientSequenceRecorded(s.getKey(), s.getValue().sequence(), s.getValue().response()));
        }
        return records;
    }

    /** Rebuilds the image that {@link #toRecords} listed; throws {@link MalformedMessageException} on a record out of place. */
    public static MetadataImage fromRecords(final List<MetadataRecord> records, final long nextProducerId, final long lastAppliedOffset)
    {
        final TreeMap<Integer, BrokerInfo> brokers = new TreeMap<>();
        final TreeMap<String, TopicInfo> topics = new TreeMap<>();
        final TreeMap<String, ClientSession> sessions = new TreeMap<>();
        final Map<String, TreeMap<Integer, PartitionInfo>> partitions = new TreeMap<>();
        for (final MetadataRecord record : records)
        {
            if (record instanceof MetadataRecord.BrokerRegistered r)
            {
                brokers.put(r.brokerId(), new BrokerInfo(r.brokerId(), r.incarnationId(), r.endpoints(), r.rack(), r.leaseExpiryMs(), false));
            }
            else if (record instanceof MetadataRecord.BrokerFenced r)
            {
                final BrokerInfo b = brokers.get(r.brokerId());
                if (b == null)
                {
                    throw new MalformedMessageException("image fences unknown broker: " + record);
                }
                brokers.put(b.id(), new BrokerInfo(b.id(), b.incarnationId(), b.endpoints(), b.rack(), b.leaseExpiryMs(), true));
            }
            else if (record instanceof MetadataRecord.TopicCreated r)
            {
                topics.put(r.name(), new TopicInfo(r.name(), r.topicId(), new TreeMap<>(), r.configs()));
                partitions.put(r.name(), new TreeMap<>());
            }
            else if (record instanceof MetadataRecord.PartitionCreated r)
            {
                final TreeMap<Integer, PartitionInfo> forTopic = partitions.get(r.topic());
                if (forTopic == null)
                {
                    throw new MalformedMessageException("image partition before its topic: " + record);
                }
                forTopic.put(r.partition(), r.state());
            }
            else if (record instanceof MetadataRecord.ClientSequenceRecorded r)
            {
                sessions.put(r.clientId(), new ClientSession(r.sequence(), r.response()));
            }
            else
            {
                throw new MalformedMessageException("record not part of an image: " + record);
            }
        }
        for (final Map.Entry<String, TreeMap<Integer, PartitionInfo>> e : partitions.entrySet())
        {
            final TopicInfo t = topics.get(e.getKey());
            topics.put(t.name(), new TopicInfo(t.name(), t.id(), e.getValue(), t.configs()));
        }
        return new MetadataImage(brokers, topics, nextProducerId, lastAppliedOffset, sessions);
    }
}
