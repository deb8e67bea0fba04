package io.osprey.admin;

/** Options for {@link Admin#createTopics}. Not thread-safe; see {@link AbstractOptions}. */
public final class CreateTopicsOptions extends AbstractOptions<CreateTopicsOptions>
{
    private boolean validateOnly;

    /** Have the broker check the request (names, counts, configs) without changing anything. */
    public CreateTopicsOptions validateOnly(final boolean validateOnly)
    {
        this.validateOnly = validateOnly;
        return this;
    }

    public boolean shouldValidateOnly()
    {
        return validateOnly;
    }

    @Override
    protected CreateTopicsOptions self()
    {
        return this;
    }
}
