package io.osprey.admin;

/** Options for {@link Admin#listPartitionReassignments}. Not thread-safe; see {@link AbstractOptions}. */
public final class ListPartitionReassignmentsOptions extends AbstractOptions<ListPartitionReassignmentsOptions>
{
    @Override
    protected ListPartitionReassignmentsOptions self()
    {
        return this;
    }
}
