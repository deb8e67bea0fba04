package io.osprey.admin;

/** Options for {@link Admin#deleteConsumerGroups}. Not thread-safe; see {@link AbstractOptions}. */
public final class DeleteConsumerGroupsOptions extends AbstractOptions<DeleteConsumerGroupsOptions>
{
    @Override
    protected DeleteConsumerGroupsOptions self()
    {
        return this;
    }
}
