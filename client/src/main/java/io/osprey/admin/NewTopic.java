package io.osprey.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A topic to create: a partition count and replication factor (each left to the broker's
 * {@code num.partitions} / {@code default.replication.factor} when empty), or an explicit
 * replica assignment, plus config overrides.
 * <p>
 * Not thread-safe: {@link #configs(Map)} changes it. Build it on one thread before handing it
 * to {@link Admin#createTopics}, which reads it before returning.
 */
public final class NewTopic
{
    private final String name;
    private final Optional<Integer> numPartitions;
    private final Optional<Short> replicationFactor;
    private final Map<Integer, List<Integer>> replicasAssignments;
    private Map<String, String> configs = Map.of();

    /** A topic with the broker's default partition count and replication factor wherever one is empty. */
    public NewTopic(final String name, final Optional<Integer> numPartitions, final Optional<Short> replicationFactor)
    {
        this.name = name;
        this.numPartitions = Objects.requireNonNull(numPartitions, "numPartitions");
        this.replicationFactor = Objects.requireNonNull(replicationFactor, "replicationFactor");
        this.replicasAssignments = Map.of();
    }

    public NewTopic(final String name, final int numPartitions, final short replicationFactor)
    {
        this(name, Optional.of(numPartitions), Optional.of(replicationFactor));
    }

    /**
     * A topic whose partitions are placed by hand: partition index to broker ids, preferred
     * leader first. (A single Osprey node refuses this; the request is still sent, so the
     * broker's message says why.)
     */
    public NewTopic(final String name, final Map<Integer, List<Integer>> replicasAssignments)
    {
        this.name = name;
        this.numPartitions = Optional.empty();
        this.replicationFactor = Optional.empty();
        final Map<Integer, List<Integer>> copy = new LinkedHashMap<>();
        replicasAssignments.forEach((partition, brokers) -> copy.put(partition, List.copyOf(brokers)));
        this.replicasAssignments = Collections.unmodifiableMap(copy);
    }

    public String name()
    {
        return name;
    }

    /** The partition count, or -1 for the broker's default. */
    public int numPartitions()
    {
        return numPartitions.orElse(-1);
    }

    /** The replication factor, or -1 for the broker's default. */
    public short replicationFactor()
    {
        return replicationFactor.orElse((short)-1);
    }

    /** Partition index to broker ids; empty unless the topic was built with an assignment. */
    public Map<Integer, List<Integer>> replicasAssignments()
    {
        return replicasAssignments;
    }

    /**
     * Sets the topic's config overrides (Kafka's names: {@code retention.ms}, {@code cleanup.policy}),
     * replacing any set before. Leave a key out to keep the broker's default: brokers refuse a
     * null value, as Kafka's do.
     *
     * @return this, for chaining
     */
    public NewTopic configs(final Map<String, String> configs)
    {
        this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
        return this;
    }

    /** The config overrides, empty when none were set. */
    public Map<String, String> configs()
    {
        return configs;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof NewTopic other && Objects.equals(name, other.name) && numPartitions.equals(other.numPartitions)
            && replicationFactor.equals(other.replicationFactor) && replicasAssignments.equals(other.replicasAssignments)
            && configs.equals(other.configs);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(name, numPartitions, replicationFactor, replicasAssignments, configs);
    }

    @Override
    public String toString()
    {
        final List<String> parts = new ArrayList<>();
        parts.add("name=" + name);
        parts.add("numPartitions=" + numPartitions.map(String::valueOf).orElse("default"));
        parts.add("replicationFactor=" + replicationFactor.map(String::valueOf).orElse("default"));
        if (!replicasAssignments.isEmpty())
        {
            parts.add("replicasAssignments=" + replicasAssignments);
        }
        parts.add("configs=" + configs);
        return "NewTopic(" + String.join(", ", parts) + ")";
    }
}
