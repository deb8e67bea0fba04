package io.osprey.admin;

import java.util.List;
import java.util.Objects;

/**
 * The replicas a partition should move to, preferred leader first (Kafka's
 * {@code NewPartitionReassignment}). Immutable.
 */
public final class NewPartitionReassignment
{
    private final List<Integer> targetReplicas;

    public NewPartitionReassignment(final List<Integer> targetReplicas)
    {
        this.targetReplicas = List.copyOf(Objects.requireNonNull(targetReplicas, "targetReplicas"));
    }

    public List<Integer> targetReplicas()
    {
        return targetReplicas;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof NewPartitionReassignment other && targetReplicas.equals(other.targetReplicas);
    }

    @Override
    public int hashCode()
    {
        return targetReplicas.hashCode();
    }

    @Override
    public String toString()
    {
        return "NewPartitionReassignment(targetReplicas=" + targetReplicas + ")";
    }
}
