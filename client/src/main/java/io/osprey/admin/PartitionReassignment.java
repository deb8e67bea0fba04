package io.osprey.admin;

import java.util.List;
import java.util.Objects;

/**
 * A move in progress (Kafka's {@code PartitionReassignment}): every replica the partition has
 * now, and which of them are being added and which removed once the added ones are in sync.
 * Immutable.
 */
public final class PartitionReassignment
{
    private final List<Integer> replicas;
    private final List<Integer> addingReplicas;
    private final List<Integer> removingReplicas;

    public PartitionReassignment(final List<Integer> replicas, final List<Integer> addingReplicas, final List<Integer> removingReplicas)
    {
        this.replicas = List.copyOf(replicas);
        this.addingReplicas = List.copyOf(addingReplicas);
        this.removingReplicas = List.copyOf(removingReplicas);
    }

    public List<Integer> replicas()
    {
        return replicas;
    }

    public List<Integer> addingReplicas()
    {
        return addingReplicas;
    }

    public List<Integer> removingReplicas()
    {
        return removingReplicas;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof PartitionReassignment other && replicas.equals(other.replicas) && addingReplicas.equals(other.addingReplicas)
            && removingReplicas.equals(other.removingReplicas);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(replicas, addingReplicas, removingReplicas);
    }

    @Override
    public String toString()
    {
        return "PartitionReassignment(replicas=" + replicas + ", addingReplicas=" + addingReplicas + ", removingReplicas="
            + removingReplicas + ")";
    }
}
