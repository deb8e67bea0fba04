package io.osprey.admin;

/** Options for {@link Admin#createPartitions}. Not thread-safe; see {@link AbstractOptions}. */
public final class CreatePartitionsOptions extends AbstractOptions<CreatePartitionsOptions>
{
    private boolean validateOnly;

    /** Have the broker check the request (names, counts, configs) without changing anything. */
    public CreatePartitionsOptions validateOnly(final boolean validateOnly)
    {
        this.validateOnly = validateOnly;
        return this;
    }

    public boolean shouldValidateOnly()
    {
        return validateOnly;
    }

    @Override
    protected CreatePartitionsOptions self()
    {
        return this;
    }
}
