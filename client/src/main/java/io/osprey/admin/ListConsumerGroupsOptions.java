package io.osprey.admin;

import java.util.Objects;
import java.util.Set;

/** Options for {@link Admin#listConsumerGroups}. Not thread-safe; see {@link AbstractOptions}. */
public final class ListConsumerGroupsOptions extends AbstractOptions<ListConsumerGroupsOptions>
{
    private Set<GroupState> groupStates = Set.of();

    /** Only groups in one of these states; empty (the default) for every state. */
    public ListConsumerGroupsOptions inGroupStates(final Set<GroupState> states)
    {
        this.groupStates = Set.copyOf(Objects.requireNonNull(states, "states"));
        return this;
    }

    public Set<GroupState> groupStates()
    {
        return groupStates;
    }

    @Override
    protected ListConsumerGroupsOptions self()
    {
        return this;
    }
}
