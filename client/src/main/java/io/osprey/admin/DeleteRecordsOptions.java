package io.osprey.admin;

/** Options for {@link Admin#deleteRecords}. Not thread-safe; see {@link AbstractOptions}. */
public final class DeleteRecordsOptions extends AbstractOptions<DeleteRecordsOptions>
{
    @Override
    protected DeleteRecordsOptions self()
    {
        return this;
    }
}
