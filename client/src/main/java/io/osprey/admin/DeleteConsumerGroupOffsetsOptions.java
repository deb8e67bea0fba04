package io.osprey.admin;

/** Options for {@link Admin#deleteConsumerGroupOffsets}. Not thread-safe; see {@link AbstractOptions}. */
public final class DeleteConsumerGroupOffsetsOptions extends AbstractOptions<DeleteConsumerGroupOffsetsOptions>
{
    @Override
    protected DeleteConsumerGroupOffsetsOptions self()
    {
        return this;
    }
}
