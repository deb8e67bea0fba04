package io.osprey.controller;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of cluster metadata: every "change" returns a new image, so a
 * snapshot is just a reference and {@code handle} can plan against a scratch copy for free.
 * Two images are equal when their contents are, which is what leader/standby checks compare.
 *
 * @param brokers            registered brokers by id.
 * @param topics             topics by name.
 * @param nextProducerId     the first id of the next producer-id block.
 * @param lastAppliedOffset  offset of the last record replayed, -1 for an empty image.
 * @param sessions           dedup table: last sequence and response per client id.
 */
public record MetadataImage(SortedMap<Integer, BrokerInfo> brokers, SortedMap<String, TopicInfo> topics, long nextProducerId,
    long lastAppliedOffset, SortedMap<String, ClientSession> sessions)
{
    public static final MetadataImage EMPTY = new MetadataImage(new TreeMap<>(), new TreeMap<>(), 0L, -1L, new TreeMap<>());

    public MetadataImage
    {
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        sessions = Collections.unmodifiableSortedMap(new TreeMap<>(sessions));
    }

    public BrokerInfo broker(final int id)
    {
        return brokers.get(id);
    }

    /**
     * Refuses a new topic {@code name} that differs from an existing one only in '.' against '_'
     * (INVALID_TOPIC_EXCEPTION): as Kafka, such names collide, since they map to the same metric
     * names. The controller checks it when creating; a broker checks its image for validateOnly.
     */
    public void checkNoCollision(final String name)
    {
        if (name.indexOf('.') < 0 && name.indexOf('_') < 0)
        {
            return;
        }
        final String unified = name.replace('.', '_');
        for (final String existing : topics.keySet())
        {
            if (!existing.equals(name) && existing.replace('.', '_').equals(unified))
            {
                throw new OspreyException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                    "Topic '" + name + "' collides with existing topic: " + existing);
            }
        }
    }

    public TopicInfo topic(final String name)
    {
        return topics.get(name);
    }

    /** Null when the topic or the partition does not exist. */
    public PartitionInfo partition(final String topic, final int index)
    {
        final TopicInfo t = topics.get(topic);
        return t == null ? null : t.partition(index);
    }

    /** Registered and not fenced: the only brokers that may lead or join an ISR. */
    public boolean isLive(final int brokerId)
    {
        final BrokerInfo b = brokers.get(brokerId);
        return b != null && !b.fenced();
    }

    /** Live broker ids in ascending order. */
    public List<Integer> liveBrokerIds()
    {
        final List<Integer> ids = new ArrayList<>();
        for (final BrokerInfo b : brokers.values())
        {
            if (!b.fenced())
            {
                ids.add(b.id());
            }
        }
        return ids;
    }

    MetadataImage withBroker(final int id, final BrokerInfo broker)
    {
        final TreeMap<Integer, BrokerInfo> copy = new TreeMap<>(brokers);
        if (broker == null)
        {
            copy.remove(id);
        }
        else
        {
            copy.put(id, broker);
        }
        return new MetadataImage(copy, topics, nextProducerId, lastAppliedOffset, sessions);
    }

    MetadataImage withTopic(final String name, final TopicInfo topic)
    {
        final TreeMap<String, TopicInfo> copy = new TreeMap<>(topics);
        if (topic == null)
        {
            copy.remove(name);
        }
        else
        {
            copy.put(name, topic);
        }
        return new MetadataImage(brokers, copy, nextProducerId, lastAppliedOffset, sessions);
    }

    MetadataImage withNextProducerId(final long next)
    {
        return new MetadataImage(brokers, topics, next, lastAppliedOffset, sessions);
    }

    MetadataImage withSession(final String clientId, final ClientSession session)
    {
        final TreeMap<String, ClientSession> copy = new TreeMap<>(sessions);
        copy.put(clientId, session);
        return new MetadataImage(brokers, topics, nextProducerId, lastAppliedOffset, copy);
    }

    MetadataImage withLastAppliedOffset(final long offset)
    {
        return new MetadataImage(brokers, topics, nextProducerId, offset, sessions);
    }
}
