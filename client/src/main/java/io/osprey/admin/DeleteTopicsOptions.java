package io.osprey.admin;

/** Options for {@link Admin#deleteTopics}. Not thread-safe; see {@link AbstractOptions}. */
public final class DeleteTopicsOptions extends AbstractOptions<DeleteTopicsOptions>
{
    @Override
    protected DeleteTopicsOptions self()
    {
        return this;
    }
}
