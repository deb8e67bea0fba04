package io.osprey.admin;

/** Options for {@link Admin#alterPartitionReassignments}. Not thread-safe; see {@link AbstractOptions}. */
public final class AlterPartitionReassignmentsOptions extends AbstractOptions<AlterPartitionReassignmentsOptions>
{
    private boolean allowReplicationFactorChange = true;

    /**
     * Whether a target may have more or fewer replicas than the partition has (default true); with
     * false such a target fails with {@code INVALID_REPLICATION_FACTOR}.
     */
    public AlterPartitionReassignmentsOptions allowReplicationFactorChange(final boolean allow)
    {
        this.allowReplicationFactorChange = allow;
        return this;
    }

    public boolean allowReplicationFactorChange()
    {
        return allowReplicationFactorChange;
    }

    @Override
    protected AlterPartitionReassignmentsOptions self()
    {
        return this;
    }
}
