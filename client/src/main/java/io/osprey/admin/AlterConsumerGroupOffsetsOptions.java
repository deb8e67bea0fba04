package io.osprey.admin;

/** Options for {@link Admin#alterConsumerGroupOffsets}. Not thread-safe; see {@link AbstractOptions}. */
public final class AlterConsumerGroupOffsetsOptions extends AbstractOptions<AlterConsumerGroupOffsetsOptions>
{
    @Override
    protected AlterConsumerGroupOffsetsOptions self()
    {
        return this;
    }
}
