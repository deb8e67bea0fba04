package io.osprey.controller;

import io.osprey.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A controller with a simulated clock and log: every command's records are committed at the
 * next offsets and replayed at once, as the quorum would after commit.
 */
final class ControllerTestContext
{
    static final long SESSION_TIMEOUT_MS = 1_000L;

    final ControllerStateMachine controller;
    final List<MetadataRecord> log = new ArrayList<>();
    long nowMs = 0;
    private long sequence = 0;

    ControllerTestContext()
    {
        this(new ControllerConfig(SESSION_TIMEOUT_MS, false));
    }

    ControllerTestContext(final ControllerConfig config)
    {
        controller = new ControllerStateMachine(config);
    }

    MetadataImage image()
    {
        return controller.image();
    }

    long nextSequence()
    {
        return ++sequence;
    }

    ControllerResult deliver(final Command command)
    {
        final ControllerResult result = controller.handle(command, nowMs);
        commit(result.records());
        return result;
    }

    void commit(final List<MetadataRecord> records)
    {
        for (final MetadataRecord r : records)
        {
            controller.replay(r, log.size());
            log.add(r);
        }
    }

    List<MetadataRecord> advanceTimeMs(final long ms)
    {
        nowMs += ms;
        final List<MetadataRecord> records = controller.onTimer(nowMs);
        commit(records);
        return records;
    }

    static UUID incarnation(final int brokerId)
    {
        return new UUID(brokerId, 1);
    }

    Response withRegisteredBroker(final int id, final String rack)
    {
        return deliver(new Command.RegisterBroker("broker-" + id, nextSequence(), id, incarnation(id),
            List.of("host" + id + ":9092"), rack)).response();
    }

    Response heartbeat(final int id)
    {
        return deliver(new Command.BrokerHeartbeat("broker-" + id, nextSequence(), id, incarnation(id))).response();
    }

    Response createTopic(final String name, final int partitions, final int replicationFactor)
    {
        return createTopic(name, partitions, replicationFactor, Map.of());
    }

    Response createTopic(final String name, final int partitions, final int replicationFactor, final Map<String, String> configs)
    {
        return deliver(new Command.CreateTopics("admin", nextSequence(),
            List.of(new Command.NewTopic(name, partitions, replicationFactor, new TreeMap<>(configs))))).response();
    }

    Response alterIsr(final String topic, final int partition, final List<Integer> isr)
    {
        return alterIsr(topic, partition, isr, brokerEpochs(isr));
    }

    Response alterIsr(final String topic, final int partition, final List<Integer> isr, final List<Long> brokerEpochs)
    {
        final PartitionInfo p = partition(topic, partition);
        return deliver(new Command.AlterPartition("broker-" + p.leader(), nextSequence(), p.leader(), topic, partition,
            p.leaderEpoch(), p.partitionEpoch(), isr, brokerEpochs)).response();
    }

    /** Each broker's current registered epoch, as a leader that saw its fetches would send; unknown if unregistered. */
    List<Long> brokerEpochs(final List<Integer> brokers)
    {
        final List<Long> epochs = new ArrayList<>();
        for (final int id : brokers)
        {
            final BrokerInfo b = image().broker(id);
            epochs.add(b == null ? Command.AlterPartition.UNKNOWN_BROKER_EPOCH : b.brokerEpoch());
        }
        return epochs;
    }

    Response electPreferred(final TopicPartition tp)
    {
        return deliver(new Command.ElectLeaders("admin", nextSequence(), List.of(tp))).response();
    }

    PartitionInfo partition(final String topic, final int partition)
    {
        return image().partition(topic, partition);
    }
}
