package io.osprey.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.osprey.common.ConfigException;

/**
 * Turns {@code partition.assignment.strategy} into Osprey's assignors: short names
 * ({@code range}, {@code roundrobin}, {@code cooperative-sticky}), Kafka's class names and
 * Osprey's class names all map to the built-in implementations, so a Kafka configuration loads
 * unchanged. Kafka's eager {@code sticky} strategy is not implemented and is refused by name.
 * Stateless.
 */
final class Assignors
{
    private Assignors()
    {
    }

    /** The configured assignors in order of preference, without duplicates. */
    static List<ConsumerPartitionAssignor> fromConfig(final List<String> strategies)
    {
        final Map<String, ConsumerPartitionAssignor> out = new LinkedHashMap<>();
        for (final String strategy : strategies)
        {
            final ConsumerPartitionAssignor assignor = forName(strategy.trim());
            out.putIfAbsent(assignor.name(), assignor);
        }
        return new ArrayList<>(out.values());
    }

    static ConsumerPartitionAssignor forName(final String strategy)
    {
        switch (strategy)
        {
            case RangeAssignor.NAME:
            case "org.apache.kafka.clients.consumer.RangeAssignor":
            case "io.osprey.consumer.RangeAssignor":
                return new RangeAssignor();
            case RoundRobinAssignor.NAME:
            case "org.apache.kafka.clients.consumer.RoundRobinAssignor":
            case "io.osprey.consumer.RoundRobinAssignor":
                return new RoundRobinAssignor();
            case CooperativeStickyAssignor.NAME:
            case "org.apache.kafka.clients.consumer.CooperativeStickyAssignor":
            case "io.osprey.consumer.CooperativeStickyAssignor":
                return new CooperativeStickyAssignor();
            default:
                throw ConfigException.invalidValue(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, strategy,
                    "range, roundrobin or cooperative-sticky, or Kafka's class names for them "
                        + "(org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor)",
                    "Osprey's consumer does not implement this strategy");
        }
    }

    /** The highest protocol every assignor supports (Kafka's rule): cooperative only if all support it. */
    static ConsumerPartitionAssignor.RebalanceProtocol protocol(final List<ConsumerPartitionAssignor> assignors)
    {
        for (final ConsumerPartitionAssignor assignor : assignors)
        {
            if (!assignor.supportedProtocols().contains(ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE))
            {
                return ConsumerPartitionAssignor.RebalanceProtocol.EAGER;
            }
        }
        return ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE;
    }
}
