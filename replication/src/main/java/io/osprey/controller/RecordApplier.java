package io.osprey.controller;

import io.osprey.controller.MetadataRecord.BrokerFenced;
import io.osprey.controller.MetadataRecord.BrokerLeaseRenewed;
import io.osprey.controller.MetadataRecord.BrokerRegistered;
import io.osprey.controller.MetadataRecord.BrokerUnfenced;
import io.osprey.controller.MetadataRecord.BrokerUnregistered;
import io.osprey.controller.MetadataRecord.ClientSequenceRecorded;
import io.osprey.controller.MetadataRecord.ConfigChanged;
import io.osprey.controller.MetadataRecord.PartitionChanged;
import io.osprey.controller.MetadataRecord.PartitionCreated;
import io.osprey.controller.MetadataRecord.ProducerIdsAllocated;
import io.osprey.controller.MetadataRecord.TopicCreated;
import io.osprey.controller.MetadataRecord.TopicDeleted;

import java.util.TreeMap;

/**
 * The one place where the image changes: {@code apply(image, record)} returns the next image.
 * It makes no decisions; it checks that the record fits the image (partition epochs only
 * grow, referenced topics and brokers exist) and throws {@link IllegalStateException} naming
 * the record when it does not, since a record that does not fit means the log or the code is
 * wrong and continuing would spread the damage.
 */
final class RecordApplier
{
    private RecordApplier()
    {
    }

    static MetadataImage apply(final MetadataImage image, final MetadataRecord record)
    {
        if (record instanceof BrokerRegistered r)
        {
            return image.withBroker(r.brokerId(),
                new BrokerInfo(r.brokerId(), r.incarnationId(), r.endpoints(), r.rack(), r.leaseExpiryMs(), false));
        }
        if (record instanceof BrokerLeaseRenewed r)
        {
            return image.withBroker(r.brokerId(), requireBroker(image, r.brokerId(), record).withLease(r.leaseExpiryMs(), false));
        }
        if (record instanceof BrokerFenced r)
        {
            final BrokerInfo b = requireBroker(image, r.brokerId(), record);
            return image.withBroker(r.brokerId(), b.withLease(b.leaseExpiryMs(), true));
        }
        if (record instanceof BrokerUnfenced r)
        {
            return image.withBroker(r.brokerId(), requireBroker(image, r.brokerId(), record).withLease(r.leaseExpiryMs(), false));
        }
        if (record instanceof BrokerUnregistered r)
        {
            requireBroker(image, r.brokerId(), record);
            return image.withBroker(r.brokerId(), null);
        }
        if (record instanceof TopicCreated r)
        {
            check(image.topic(r.name()) == null, record, "topic exists");
            return image.withTopic(r.name(), new TopicInfo(r.name(), r.topicId(), new TreeMap<>(), r.configs()));
        }
        if (record instanceof PartitionCreated r)
        {
            final TopicInfo t = requireTopic(image, r.topic(), record);
            check(t.partition(r.partition()) == null, record, "partition exists");
            return image.withTopic(r.topic(), t.withPartition(r.partition(), r.state()));
        }
        if (record instanceof PartitionChanged r)
        {
            final TopicInfo t = requireTopic(image, r.topic(), record);
            final PartitionInfo old = t.partition(r.partition());
            check(old != null, record, "no such partition");
            check(r.state().partitionEpoch() > old.partitionEpoch(), record, "partition epoch does not grow from " + old);
            check(r.state().leaderEpoch() >= old.leaderEpoch(), record, "leader epoch goes back from " + old);
            return image.withTopic(r.topic(), t.withPartition(r.partition(), r.state()));
        }
        if (record instanceof TopicDeleted r)
        {
            requireTopic(image, r.name(), record);
            return image.withTopic(r.name(), null);
        }
        if (record instanceof ConfigChanged r)
        {
            return image.withTopic(r.topic(), requireTopic(image, r.topic(), record).withConfig(r.key(), r.value()));
        }
        if (record instanceof ProducerIdsAllocated r)
        {
            check(r.firstProducerId() == image.nextProducerId(), record, "block does not start at " + image.nextProducerId());
            return image.withNextProducerId(r.firstProducerId() + r.count());
        }
        if (record instanceof ClientSequenceRecorded r)
        {
            return image.withSession(r.clientId(), new ClientSession(r.sequence(), r.response()));
        }
        throw new IllegalStateException("unknown record " + record);
    }

    private static BrokerInfo requireBroker(final MetadataImage image, final int id, final MetadataRecord record)
    {
        final BrokerInfo b = image.broker(id);
        check(b != null, record, "no such broker");
        return b;
    }

    private static TopicInfo requireTopic(final MetadataImage image, final String name, final MetadataRecord record)
    {
        final TopicInfo t = image.topic(name);
        check(t != null, record, "no such topic");
        return t;
    }

    private static void check(final boolean condition, final MetadataRecord record, final String problem)
    {
        if (!condition)
        {
            throw new IllegalStateException("record does not fit the image (" + problem + "): " + record);
        }
    }
}
