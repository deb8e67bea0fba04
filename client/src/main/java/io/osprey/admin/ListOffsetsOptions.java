package io.osprey.admin;

/** Options for {@link Admin#listOffsets}. Not thread-safe; see {@link AbstractOptions}. */
public final class ListOffsetsOptions extends AbstractOptions<ListOffsetsOptions>
{
    @Override
    protected ListOffsetsOptions self()
    {
        return this;
    }
}
